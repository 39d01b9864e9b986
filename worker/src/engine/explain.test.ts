// Which rule decided an evaluation: the matched `if` branch, computed with the engine over the same set and time.
import { describe, expect, it } from 'vitest';
import { definitionAt, explainAll, matchedBranch } from './explain';
import { compileFlagSet, evaluateAll, evaluateFlag } from './index';
import type { EvaluationContext, FlagSetDocument } from './types';

const NOW = Date.parse('2027-02-01T12:00:00Z');
const H = 3_600_000;

const doc: FlagSetDocument = {
  $evaluators: { isStaff: { ends_with: [{ var: 'email' }, '@acme.com'] } },
  segments: { beta: { in: [{ var: 'email' }, ['ann@example.com']] } },
  flags: {
    checkout: {
      state: 'ENABLED',
      variants: { on: true, off: false },
      defaultVariant: 'off',
      targeting: {
        if: [
          { $ref: 'isStaff' }, 'on',
          { segment: 'beta' }, 'on',
          { prerequisite: ['payments', 'new'] }, null,
          { '==': [{ var: 'country' }, 'xx'] }, 'off',
          { fractional: [['on', 50], ['off', 50]] },
        ],
      },
    },
    payments: {
      state: 'ENABLED',
      variants: { old: 'old', new: 'new' },
      defaultVariant: 'old',
      targeting: { if: [{ '==': [{ var: 'plan' }, 'pro'] }, 'new'] },
    },
    plain: { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'on' },
    off: { state: 'DISABLED', variants: { on: true, off: false }, defaultVariant: 'on', targeting: { if: [true, 'on'] } },
  },
};

function explain(d: FlagSetDocument, key: string, context: EvaluationContext, now = NOW) {
  const result = evaluateFlag(compileFlagSet(d), key, context, { now });
  return { result, branch: matchedBranch(d, key, result, context, now) };
}

describe('matchedBranch', () => {
  it.each([
    ['a shared rule ($ref)', { targetingKey: 'u1', email: 'bo@acme.com' }, 0, 'TARGETING_MATCH'],
    ['a segment', { targetingKey: 'u1', email: 'ann@example.com' }, 1, 'TARGETING_MATCH'],
    ['a prerequisite, whose null result falls to the default', { targetingKey: 'u1', plan: 'pro' }, 2, 'DEFAULT'],
    ['a plain comparison', { targetingKey: 'u1', country: 'xx' }, 3, 'TARGETING_MATCH'],
  ])('names the condition that held: %s', (_what, context, branch, reason) => {
    expect(explain(doc, 'checkout', context)).toMatchObject({ branch, result: { reason } });
  });

  it('is null when no condition held and the else (here a split) decided', () => {
    expect(explain(doc, 'checkout', { targetingKey: 'u1', country: 'de' })).toMatchObject({ branch: null, result: { reason: 'SPLIT' } });
  });

  it('names conditions read as data (an `and` of attribute tests, an `in` list) and those called as closures', () => {
    const d: FlagSetDocument = {
      flags: {
        f: {
          state: 'ENABLED',
          variants: { on: true, off: false },
          defaultVariant: 'off',
          targeting: {
            if: [
              { and: [{ in: [{ var: 'country' }, ['de', 'fr']] }, { '==': [{ var: 'plan' }, 'pro'] }] }, 'on',
              { in: [{ var: 'country' }, ['it']] }, 'off',
              { ends_with: [{ var: 'email' }, '@acme.com'] }, 'on',
              'off',
            ],
          },
        },
      },
    };
    const cases: [EvaluationContext, number | null][] = [
      [{ country: 'de', plan: 'pro', email: 'a@acme.com' }, 0],
      [{ country: 'de', plan: 'free', email: 'a@acme.com' }, 2],
      [{ country: 'it', plan: 'pro' }, 1],
      [{ country: 'fr', plan: 'free' }, null],
    ];
    for (const [context, branch] of cases) expect(explain(d, 'f', context).branch).toBe(branch);
  });

  it('takes the first condition that holds, as the engine does', () => {
    expect(explain(doc, 'checkout', { targetingKey: 'u1', email: 'ann@example.com', country: 'xx' }).branch).toBe(1);
  });

  it('is null for a flag without an if chain, a disabled flag and an unknown flag', () => {
    expect(explain(doc, 'plain', { targetingKey: 'u1' }).branch).toBeNull();
    expect(explain(doc, 'off', { targetingKey: 'u1' }).branch).toBeNull();
    expect(explain(doc, 'nope', { targetingKey: 'u1' }).branch).toBeNull();
  });

  it('agrees with the engine for every flag over many contexts (evaluateAll)', () => {
    const set = compileFlagSet(doc);
    const contexts: EvaluationContext[] = Array.from({ length: 60 }, (_, i) => ({
      targetingKey: `user-${i}`,
      ...(i % 5 === 0 ? { email: `p${i}@acme.com` } : {}),
      ...(i % 7 === 0 ? { plan: 'pro' } : {}),
      ...(i % 3 === 0 ? { country: 'xx' } : {}),
    }));
    for (const context of contexts) {
      for (const result of evaluateAll(set, context, { now: NOW })) {
        const branch = matchedBranch(doc, result.key, result, context, NOW);
        if (result.key !== 'checkout') continue;
        // the branch's outcome is what was served (null outcomes fall to the default)
        const outcome = branch === null ? undefined : ((doc.flags.checkout.targeting as { if: unknown[] }).if[branch * 2 + 1] as string | null);
        if (branch !== null) expect(result.variant ?? null).toBe(outcome === null ? 'off' : outcome);
        else expect(result.reason).toBe('SPLIT');
      }
    }
  });

  it('keeps the flag key, so a fractional condition buckets as in the real evaluation', () => {
    const d: FlagSetDocument = {
      flags: { f: { state: 'ENABLED', variants: { a: 'a', b: 'b' }, defaultVariant: 'b', targeting: { if: [{ '==': [{ fractional: [['x', 50], ['y', 50]] }, 'x'] }, 'a'] } } },
    };
    for (let i = 0; i < 40; i++) {
      const { result, branch } = explain(d, 'f', { targetingKey: `k${i}` });
      expect(branch === 0).toBe(result.variant === 'a');
    }
  });

  it('uses the rules in effect at the time (scheduled changes applied)', () => {
    const d: FlagSetDocument = {
      flags: {
        f: {
          state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'off',
          targeting: { if: [{ '==': [{ var: 'plan' }, 'pro'] }, 'on'] },
          schedule: [{ at: new Date(NOW - H).toISOString(), targeting: { if: [{ '==': [{ var: 'plan' }, 'free'] }, 'off', { '==': [{ var: 'plan' }, 'pro'] }, 'on'] } }],
        },
      },
    };
    expect(explain(d, 'f', { plan: 'pro' }).branch).toBe(1);
    expect(explain(d, 'f', { plan: 'pro' }, NOW - 2 * H).branch).toBe(0);
    expect(definitionAt(d.flags.f, NOW - 2 * H).targeting).toEqual(d.flags.f.targeting);
  });

  it('names the rule under a running release, and none under a kill', () => {
    const release = { state: 'rolling_out' as const, flags: { checkout: { inside: 'on', outside: 'off' } }, salt: 's', startAt: new Date(NOW - H).toISOString(), steps: [{ percent: 50, holdMinutes: 60 }] };
    const running: FlagSetDocument = { ...doc, releases: { r: release } };
    expect(explain(running, 'checkout', { targetingKey: 'u1', country: 'xx' })).toMatchObject({ branch: 3, result: { variant: 'off' } });
    const killed: FlagSetDocument = { ...doc, releases: { r: { ...release, killed: true } } };
    expect(explain(killed, 'checkout', { targetingKey: 'u1', country: 'xx' })).toMatchObject({ branch: null, result: { reason: 'STATIC' } });
  });
});

describe('explainAll', () => {
  /** N flags, each a 3-condition `if` (the shape that took 2.4 s at 1,000 flags and 9.6 s at 2,000). */
  function largeDoc(n: number): FlagSetDocument {
    const flags: FlagSetDocument['flags'] = {};
    for (let i = 0; i < n; i++) {
      flags[`f${i}`] = {
        state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'off',
        targeting: { if: [{ '==': [{ var: 'plan' }, `p${i}`] }, 'on', { in: [{ var: 'country' }, ['xx', 'yy']] }, 'on', { ends_with: [{ var: 'email' }, '@nope.example'] }, 'on', 'off'] },
      };
    }
    return { ...doc, flags: { ...doc.flags, ...flags } };
  }

  it('agrees with evaluateAll and matchedBranch for every flag', () => {
    const d = largeDoc(20);
    const context = { targetingKey: 'u1', plan: 'p7', email: 'bo@acme.com' };
    const explained = [...explainAll(d, context, NOW)];
    expect(explained.map((e) => e.result)).toEqual(evaluateAll(compileFlagSet(d), context, { now: NOW }));
    for (const e of explained) expect(e.branch).toBe(matchedBranch(d, e.result.key, e.result, context, NOW));
    expect(explained.find((e) => e.result.key === 'f7')?.branch).toBe(0);
    expect(explained.find((e) => e.result.key === 'checkout')?.branch).toBe(0);
  });

  it('compiles the flag set once per request, however many flags and conditions (counted: enumerations of the flags)', () => {
    const d = largeDoc(2000);
    let enumerations = 0;
    // compiling a flag set lists its flags; explaining condition by condition with a fresh compile each time did it per condition
    const counted = { ...d, flags: new Proxy(d.flags, { ownKeys: (t) => (enumerations++, Reflect.ownKeys(t)) }) };
    const explained = [...explainAll(counted, { targetingKey: 'u1', country: 'de' }, NOW)];
    expect(explained).toHaveLength(2004);
    expect(enumerations).toBe(1);
  });
});
