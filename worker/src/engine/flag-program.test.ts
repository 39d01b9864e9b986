// The common targeting as data answers exactly as the same rule compiled the general way.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compileFlagSet, evaluateFlag, type EvaluationContext, type JsonValue } from './index';

/**
 * Each rule as flag `f` (a program), and wrapped in `{"if": [true, rule]}` (not a program: compiled whole), in two
 * sets, so that both hash the same flag key.
 */
function both(targeting: JsonValue, variants: Record<string, JsonValue>, defaultVariant: string | null) {
  const flag = (t: JsonValue) => ({ state: 'ENABLED' as const, variants, defaultVariant, targeting: t });
  return [compileFlagSet({ flags: { f: flag(targeting) } }), compileFlagSet({ flags: { f: flag({ if: [true, targeting] }) } })];
}

const strings = { a: 'a', b: 'b', c: 'c', 'true': 'yes' };
const shapes: [string, JsonValue, Record<string, JsonValue>, string | null][] = [
  ['a chain ending in a split', { if: [{ '==': [{ var: 'plan' }, 'pro'] }, 'a', { ends_with: [{ var: 'email' }, '@x.com'] }, 'b', { fractional: [['a', 30], ['c', 70]] }] }, strings, 'b'],
  ['a split keyed on the flag key and an attribute', { if: [{ in: [{ var: 'country' }, ['de', 'fr']] }, 'c', { fractional: [{ cat: [{ var: '$flagd.flagKey' }, { var: 'email' }] }, ['a', 1], ['b', 1]] }] }, strings, 'a'],
  ['null branches and no else', { if: [{ '==': [{ var: 'plan' }, 'free'] }, null, { sem_ver: [{ var: 'v' }, '>=', '2.0.0'] }, 'b'] }, strings, null],
  ['a literal else and boolean branch values', { if: [{ '==': [{ var: 'plan' }, 'pro'] }, true, 'c'] }, strings, 'a'],
  ['a name that is not a variant', { if: [{ '==': [{ var: 'plan' }, 'pro'] }, 'nope', 'a'] }, strings, 'a'],
  ['a split in a condition picking the branch’s own name', { if: [{ '==': [{ fractional: [['a', 50], ['b', 50]] }, 'a'] }, 'a', 'c'] }, strings, 'c'],
  ['tests as data: an `and` of `in`, `==` and a closure', { if: [{ and: [{ in: [{ var: 'country' }, ['de', 'fr', 'it']] }, { '==': [{ var: 'plan' }, 'pro'] }, { ends_with: [{ var: 'email' }, '@x.com'] }] }, 'a', { in: [{ var: 'country' }, ['de', 'at', 'ch', 'nl', 'be', 'lu', 'pl', 'cz', 'sk']] }, 'b', 'c'] }, strings, 'c'],
  ['a split with a null bucket', { if: [{ '==': [{ var: 'plan' }, 'x'] }, 'a', { fractional: [['b', 50], [null, 50]] }] }, strings, 'c'],
];

const contexts: EvaluationContext[] = [{}];
for (let i = 0; i < 60; i++) {
  contexts.push({
    ...(i % 7 === 0 ? {} : { targetingKey: `user-${i}` }),
    plan: ['pro', 'free', 'x', undefined][i % 4],
    email: i % 3 === 0 ? `u${i}@x.com` : `u${i}@y.org`,
    country: i % 5 === 0 ? 'de' : 'us',
    v: `${i % 4}.${i % 3}.0`,
  });
}

describe('flag programs', () => {
  it.each(shapes)('%s: the same results as the rule compiled whole', (_what, targeting, variants, dflt) => {
    const [program, general] = both(targeting, variants, dflt);
    const reasons = new Set<string>();
    for (const context of contexts) {
      const a = evaluateFlag(program, 'f', context, { now: 0 });
      expect(a).toEqual(evaluateFlag(general, 'f', context, { now: 0 }));
      reasons.add(`${a.reason}/${a.variant}`);
    }
    expect(reasons.size).toBeGreaterThan(1); // the contexts take more than one path
  });
});

// what the tests read: the attributes they name, with values of every JSON type (and strings that loosely equal others)
const attr = fc.constantFrom('country', 'plan', 'n');
const primitive = fc.oneof(fc.constantFrom('de', 'fr', 'pro', '1', '', 'true', '[object Object]', 'a@x.com', '1.2.3', 'v2.0.0', '1.2', '2.0.0-rc.1', '1.10.0', '0.9.9', '2.0.0', '1.2.0', 'V1.2.0', '01.2.0', '131072.0.0'), fc.constantFrom(1, 0, 2.5, true, false, null));
const value = fc.oneof(primitive, fc.constant(undefined), fc.constant([]), fc.constant(['de']), fc.constant({}), fc.constant([1]));
const test = fc.oneof(
  fc.record({ '==': fc.tuple(attr.map((a) => ({ var: a })), fc.constantFrom('de', 'pro', '1', '', 'true', '[object Object]')) }),
  fc.record({ in: fc.tuple(attr.map((a) => ({ var: a })), fc.array(primitive, { maxLength: 11 })) }),
  fc.record({ ends_with: fc.tuple(attr.map((a) => ({ var: a })), fc.constantFrom('@x.com', 'de', '', 'pro')) }),
  fc.record({ starts_with: fc.tuple(attr.map((a) => ({ var: a })), fc.constantFrom('a@', 'd', '', '1.')) }),
  fc.record({ sem_ver: fc.tuple(attr.map((a) => ({ var: a })), fc.constantFrom('>=', '<', '=', '!=', '^', '~', '>', '<=', 'x'), fc.constantFrom('1.2.0', '2.0.0', 2, '2.0.0-rc.2', 'x', '1.10.0', 'v0.9.9', '131072.0.0')) }),
  fc.constant({ '!': [{ var: 'plan' }] }),
);
const cond = fc.oneof(test, fc.record({ and: fc.array(test, { minLength: 1, maxLength: 4 }) }));

describe('conditions as data', () => {
  it('compare versions as the closures do at every boundary: each operator, literal and version, equal ones included', () => {
    const literals = ['1.2.0', '1.10.0', 'v2.0.0', '0.0.0', 2, '2.0.0-rc.1', '131072.0.0'];
    const versions = ['1.2.0', '1.1.99', '1.2.1', '1.10.0', '1.9.0', '2.0.0', 'V2.0.0', '2.0.0-rc.1', '0.0.0', '131072.0.0', '1.2', '01.2.0', 2, null];
    for (const op of ['>=', '>', '<=', '<', '=', '!=', '^', '~']) {
      for (const lit of literals) {
        const [program, general] = both({ if: [{ sem_ver: [{ var: 'v' }, op, lit] }, 'a', 'b'] }, strings, null);
        for (const v of versions) {
          const a = evaluateFlag(program, 'f', { v }, { now: 0 }).variant;
          expect([op, lit, v, a]).toEqual([op, lit, v, evaluateFlag(general, 'f', { v }, { now: 0 }).variant]);
        }
      }
    }
  });

  it('decide as the same conditions compiled as closures, for any context', () => {
    fc.assert(
      fc.property(fc.array(cond, { minLength: 1, maxLength: 4 }), fc.array(fc.record({ country: value, plan: value, n: value }, { requiredKeys: [] }), { minLength: 1, maxLength: 8 }), (conds, ctxs) => {
        const names = ['a', 'b', 'c', 'true'];
        const [program, general] = both({ if: [...conds.flatMap((c, i) => [c, names[i]]), null] } as JsonValue, strings, null);
        for (const context of ctxs) expect(evaluateFlag(program, 'f', context, { now: 0 })).toEqual(evaluateFlag(general, 'f', context, { now: 0 }));
      }),
      { numRuns: 400 },
    );
  });
});
