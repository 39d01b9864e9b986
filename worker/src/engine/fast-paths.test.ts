// The specialised closures (an operator reading a plain {"var": name} itself, literal in-lists, literal
// if-branches) must answer exactly like the general path: each case is run both ways.
import { describe, expect, it } from 'vitest';
import type { JsonValue } from './types';
import { runRule } from './test-support';

// `{"if": [true, X, null]}` hides X behind the general closure path, so `op` cannot see a plain var.
const general = (node: JsonValue): JsonValue => ({ if: [true, node, null] });

const values: Record<string, unknown> = {
  absent: undefined,
  null: null,
  'a string': 'abc',
  'an ends_with match': 'user@example3.com',
  'a country': 'US',
  'a version': '2.1.0',
  'a pre-release': '2.1.0-beta.1',
  'a v-version': 'v2.1.0',
  'a partial version': '2.1',
  'a leading zero': '02.1.0',
  'a number': 3,
  'a numeric string': '3',
  zero: 0,
  true: true,
  'an empty array': [],
  'an object': { x: 1 },
  'a function': () => 'x',
};

const rules: Record<string, (v: JsonValue) => JsonValue> = {
  '==': (v) => ({ '==': [v, 3] }),
  '===': (v) => ({ '===': [v, 'US'] }),
  '!=': (v) => ({ '!=': [v, null] }),
  '!==': (v) => ({ '!==': [v, 'abc'] }),
  '<': (v) => ({ '<': [v, 3] }),
  '<=': (v) => ({ '<=': [v, '3'] }),
  '>': (v) => ({ '>': [v, 0] }),
  '>=': (v) => ({ '>=': [v, 'abc'] }),
  'in a short list': (v) => ({ in: [v, ['US', 'CA', 3, null]] }),
  'in a long list': (v) => ({ in: [v, ['US', 'CA', 'MX', 'BR', 'AR', 'GB', 'IE', 'FR', 'DE', 3, null]] }),
  starts_with: (v) => ({ starts_with: [v, 'ab'] }),
  ends_with: (v) => ({ ends_with: [v, '@example3.com'] }),
  'sem_ver >=': (v) => ({ sem_ver: [v, '>=', '2.1.0'] }),
  'sem_ver <': (v) => ({ sem_ver: [v, '<', '2.1.0-rc.1'] }),
  'sem_ver =': (v) => ({ sem_ver: [v, '=', '2.1.0'] }),
  'sem_ver ^': (v) => ({ sem_ver: [v, '^', '2.0.0'] }),
  'sem_ver ~': (v) => ({ sem_ver: [v, '~', '2.1.5'] }),
  'sem_ver with an unknown operator': (v) => ({ sem_ver: [v, '≈', '2.1.0'] }),
};

const cases = Object.entries(rules).flatMap(([op, rule]) => Object.keys(values).map((value) => ({ op, value, rule })));

describe('an operator reading {"var": name} itself', () => {
  it.each(cases)('$op on $value answers like the general path', ({ rule, value }) => {
    const ctx = value === 'absent' ? {} : { x: values[value] };
    const expected = runRule(rule(general({ var: 'x' })), ctx).result;
    expect(runRule(rule({ var: 'x' }), ctx).result).toEqual(expected);
    expect(runRule(rule({ var: ['x'] }), ctx).result).toEqual(expected);
  });

  it('reads nothing from a context that is not an object', () => {
    expect(runRule({ in: [{ var: 'x' }, [null]] }, null as unknown as Record<string, unknown>).result).toBe(true);
    expect(runRule({ '==': [{ var: 'length' }, 3] }, 'abc' as unknown as Record<string, unknown>).result).toBe(true);
  });

  it('leaves $flagd, dotted and defaulted reads to the general path', () => {
    expect(runRule({ '==': [{ var: '$flagd.flagKey' }, 'f'] }, {}, { flagKey: 'f' }).result).toBe(true);
    expect(runRule({ '==': [{ var: 'a.b' }, 1] }, { a: { b: 1 } }).result).toBe(true);
    expect(runRule({ '==': [{ var: ['a', 2] }, 2] }, {}).result).toBe(true);
  });
});

describe('if with literal branches', () => {
  it.each([
    [{ plan: 'pro' }, 'p'],
    [{ plan: 'free' }, 'x'],
    [{}, 'other'],
  ])('picks the first matching branch for %j', (ctx, expected) => {
    const rule: JsonValue = { if: [{ '==': [{ var: 'plan' }, 'pro'] }, 'p', { '==': [{ var: 'plan' }, 'free'] }, { cat: ['x'] }, 'other'] };
    expect(runRule(rule, ctx).result).toBe(expected);
  });

  it('returns null when no branch matches and there is no else', () => {
    expect(runRule({ if: [false, 'a', false, 'b'] }, {}).result).toBeNull();
  });
});

describe('cat of one or two parts, and fractional keyed on {"cat": [{"var": "$flagd.flagKey"}, …]}', () => {
  const parts: Record<string, unknown> = {
    ...values,
    'a non-ASCII string': 'пользователь-7',
    'an astral string': 'user-😀-1',
    'a lone surrogate': 'x\ud800y',
    'a leading low surrogate': '\ude00-user',
    'a float': 2.5,
    'an array': [1, 'a', null],
  };
  const partCases = Object.keys(parts).filter((p) => p !== 'a function');

  it.each(partCases)('cat on %s answers like Array.prototype.join', (value) => {
    const ctx = value === 'absent' ? {} : { x: parts[value] };
    // three parts take the general path (an array joined); '' changes nothing
    expect(runRule({ cat: [{ var: 'x' }] }, ctx).result).toEqual(runRule({ cat: [{ var: 'x' }, '', ''] }, ctx).result);
    expect(runRule({ cat: ['k-', { var: 'x' }] }, ctx).result).toEqual(runRule({ cat: ['k-', { var: 'x' }, ''] }, ctx).result);
  });

  // the last two end in a high surrogate, which a leading low surrogate of the rest completes
  const flagKeys = ['f', 'fl', 'fla', 'flag', 'flag-', 'flag-002', 'flag-é', 'ключ-флага', '旗-😀', 'flag-\ud83d', '\ud83d'];
  const buckets: JsonValue[] = [['a', 25], ['b', 25], ['c', 25], ['d', 25]];
  it.each(flagKeys.flatMap((flagKey) => partCases.map((value) => ({ flagKey, value }))))(
    'fractional on flag $flagKey and $value buckets like the concatenation',
    ({ flagKey, value }) => {
      const ctx = value === 'absent' ? {} : { x: parts[value] };
      const key: JsonValue = { cat: [{ var: '$flagd.flagKey' }, { var: 'x' }] };
      const fast = runRule({ fractional: [key, ...buckets] }, ctx, { flagKey }).result;
      // hidden behind `if`, the key is computed in full and hashed as one string
      const full = runRule({ fractional: [{ if: [true, key, null] }, ...buckets] }, ctx, { flagKey }).result;
      expect(fast).toBe(full);
      expect(['a', 'b', 'c', 'd']).toContain(fast);
    },
  );

  it('spreads keys over the buckets as flagd does (same hash as the implicit flagKey + targetingKey)', () => {
    const explicit = { fractional: [{ cat: [{ var: '$flagd.flagKey' }, { var: 'targetingKey' }] }, ...buckets] };
    const implicit = { fractional: buckets };
    for (let i = 0; i < 200; i++) {
      const ctx = { targetingKey: `user-${i}` };
      expect(runRule(explicit, ctx, { flagKey: 'rollout' }).result).toBe(runRule(implicit, ctx, { flagKey: 'rollout' }).result);
    }
  });
});
