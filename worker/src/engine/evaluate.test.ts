import { describe, expect, it } from 'vitest';
import { compileFlagSet, evaluateAll, evaluateFlag, inferFlagType, selectFlags, type FlagSetDocument } from './index';

const now = Date.UTC(2026, 5, 1);
const bool = (extra: object = {}) => ({ state: 'ENABLED' as const, variants: { on: true, off: false }, defaultVariant: 'off', ...extra });

const doc: FlagSetDocument = {
  flags: {
    a: bool(),
    b: bool({ targeting: { if: [{ '==': [{ var: 'plan' }, 'pro'] }, 'on'] } }),
    c: bool({ state: 'DISABLED' }),
    d: { state: 'ENABLED', variants: { x: 'X', y: 'Y' }, defaultVariant: 'x', targeting: { if: [{ var: 'vip' }, 'y'] } },
  },
};

describe('evaluateAll', () => {
  const set = compileFlagSet(doc);
  it('evaluates every flag in keys order, DISABLED ones included', () => {
    const all = evaluateAll(set, { plan: 'pro' }, { now });
    expect(set.keys).toEqual(['a', 'b', 'c', 'd']);
    expect(all.map((r) => [r.key, r.reason, r.value])).toEqual([
      ['a', 'STATIC', false],
      ['b', 'TARGETING_MATCH', true],
      ['c', 'DISABLED', undefined],
      ['d', 'DEFAULT', 'X'],
    ]);
  });
  it('gives the same results as evaluateFlag one by one', () => {
    const ctx = { plan: 'free', vip: true };
    expect(evaluateAll(set, ctx, { now })).toEqual(set.keys.map((k) => evaluateFlag(set, k, ctx, { now })));
  });
  it('evaluates only a precomputed selection', () => {
    const clientVisible = selectFlags(set, (k) => k !== 'b');
    expect(clientVisible.keys).toEqual(['a', 'c', 'd']);
    expect(evaluateAll(set, {}, { now, only: clientVisible }).map((r) => r.key)).toEqual(['a', 'c', 'd']);
  });
  it('evaluates only the flags a predicate accepts', () => {
    expect(evaluateAll(set, {}, { now, only: (k) => k === 'd' }).map((r) => r.key)).toEqual(['d']);
  });
  it('refuses a selection made for another snapshot', () => {
    const other = compileFlagSet(doc);
    expect(() => evaluateAll(set, {}, { now, only: selectFlags(other, () => true) })).toThrow(/another snapshot/);
  });
  it('reports an invalid context on every flag that reads it', () => {
    const all = evaluateAll(set, [] as never, { now });
    expect(all.map((r) => r.errorCode ?? r.reason)).toEqual(['STATIC', 'INVALID_CONTEXT', 'DISABLED', 'INVALID_CONTEXT']);
  });
});

describe('evaluateFlag', () => {
  const set = compileFlagSet(doc);
  it('returns frozen results that callers cannot corrupt', () => {
    const r = evaluateFlag(set, 'b', { plan: 'pro' }, { now });
    expect(Object.isFrozen(r)).toBe(true);
    expect(() => ((r as { value: unknown }).value = false)).toThrow();
    expect(evaluateFlag(set, 'b', { plan: 'pro' }, { now }).value).toBe(true);
  });
  it('reports TYPE_MISMATCH when the caller expects another type', () => {
    expect(evaluateFlag(set, 'a', {}, { now, type: 'string' })).toMatchObject({ reason: 'ERROR', errorCode: 'TYPE_MISMATCH' });
    expect(evaluateFlag(set, 'a', {}, { now, type: 'boolean' })).toMatchObject({ reason: 'STATIC', value: false });
  });
  it('treats a context that is not an object as INVALID_CONTEXT', () => {
    expect(evaluateFlag(set, 'b', null as never, { now })).toMatchObject({ reason: 'ERROR', errorCode: 'INVALID_CONTEXT' });
  });
  it('omits metadata when there is none', () => {
    expect('metadata' in evaluateFlag(set, 'a', {}, { now })).toBe(false);
  });
  it('does not let the context mutate an object variant', () => {
    const s = compileFlagSet({ flags: { o: { state: 'ENABLED', variants: { v: { n: 1 } }, defaultVariant: 'v' } } });
    const r = evaluateFlag(s, 'o', {}, { now });
    expect(() => ((r.value as { n: number }).n = 2)).toThrow();
  });
  it('rejects something that is not a compiled flag set', () => {
    expect(() => evaluateFlag({} as never, 'a', {}, { now })).toThrow(TypeError);
  });
});

describe('errors stay inside one flag', () => {
  const broken = {
    flags: {
      good: bool({ targeting: { if: [{ var: 'x' }, 'on'] } }),
      unknownOp: bool({ targeting: { nope: [1] } }),
      badRef: bool({ targeting: { $ref: 'missing' } }),
      badSegment: bool({ targeting: { segment: 'missing' } }),
      badRegex: bool({ targeting: { regex: [{ var: 'x' }, '(a+)+'] } }),
      loop: bool({ targeting: { $ref: 'self' } }),
      throws: bool({ targeting: { if: [{ '==': [{ var: 'x' }, 1] }, { cat: [{ var: 'o' }] }] } }),
    },
    $evaluators: { self: { $ref: 'self' } },
  } as unknown as FlagSetDocument;

  it('compiles an invalid document without throwing, lazily or eagerly', () => {
    expect(() => compileFlagSet(broken)).not.toThrow();
    expect(() => compileFlagSet(broken, { eager: true })).not.toThrow();
  });
  it('gives the same results when compiled eagerly', () => {
    const ctx = { x: 'yes' };
    expect(evaluateAll(compileFlagSet(broken, { eager: true }), ctx, { now })).toEqual(evaluateAll(compileFlagSet(broken), ctx, { now }));
  });
  it('gives PARSE_ERROR to each flag that cannot compile, and evaluates the rest', () => {
    const set = compileFlagSet(broken);
    const all = evaluateAll(set, { x: 'yes' }, { now });
    expect(all.map((r) => [r.key, r.errorCode ?? r.reason])).toEqual([
      ['good', 'TARGETING_MATCH'],
      ['unknownOp', 'PARSE_ERROR'],
      ['badRef', 'PARSE_ERROR'],
      ['badSegment', 'PARSE_ERROR'],
      ['badRegex', 'PARSE_ERROR'],
      ['loop', 'PARSE_ERROR'],
      ['throws', 'DEFAULT'],
    ]);
  });
  it('says which flag could not compile, and nothing of its rule (client keys see these messages)', () => {
    const set = compileFlagSet(broken);
    for (const key of ['unknownOp', 'badRef', 'badSegment', 'badRegex', 'loop']) {
      const message = evaluateFlag(set, key, { x: 'yes' }, { now }).errorMessage ?? '';
      expect(message).toContain(`"${key}"`);
      for (const ruleText of ['nope', 'missing', 'self', '(a+)+', 'operator', 'segment', '$ref', 'regex']) expect(message, key).not.toContain(ruleText);
    }
  });
  it('turns an exception while evaluating into ERROR / GENERAL for that flag only', () => {
    const set = compileFlagSet(broken);
    const hostile = { x: 1, o: { toString: () => { throw new Error('boom'); } } };
    expect(evaluateFlag(set, 'throws', hostile, { now })).toMatchObject({ reason: 'ERROR', errorCode: 'GENERAL' });
    expect(evaluateFlag(set, 'good', hostile, { now }).reason).toBe('TARGETING_MATCH');
  });
});

describe('SPLIT', () => {
  const set = compileFlagSet({
    flags: {
      gated: bool({ targeting: { if: [{ var: 'staff' }, 'on', { fractional: [['on', 0], ['off', 1]] }] } }),
      inCondition: bool({ targeting: { if: [{ '==': [{ fractional: [['on', 1]] }, 'on'] }, 'off'] } }),
    },
  });
  it('is the reason when a fractional bucket chose the variant', () => {
    expect(evaluateFlag(set, 'gated', { targetingKey: 'u' }, { now }).reason).toBe('SPLIT');
  });
  it('is not the reason when another branch chose it', () => {
    expect(evaluateFlag(set, 'gated', { targetingKey: 'u', staff: true }, { now }).reason).toBe('TARGETING_MATCH');
  });
  it('is not the reason when fractional only fed a condition', () => {
    expect(evaluateFlag(set, 'inCondition', { targetingKey: 'u' }, { now })).toMatchObject({ reason: 'TARGETING_MATCH', variant: 'off' });
  });
  it('splits users in proportion to the weights', () => {
    const s = compileFlagSet({ flags: { r: bool({ targeting: { fractional: [['on', 10], ['off', 90]] } }) } });
    let on = 0;
    for (let i = 0; i < 20000; i++) if (evaluateFlag(s, 'r', { targetingKey: `user-${i}` }, { now }).value) on++;
    expect(on / 20000).toBeGreaterThan(0.09);
    expect(on / 20000).toBeLessThan(0.11);
  });
});

describe('prerequisites', () => {
  it('evaluate the other flag with the same context and time', () => {
    const set = compileFlagSet({
      flags: {
        base: bool({ targeting: { if: [{ after: '2026-07-01T00:00:00Z' }, 'on'] } }),
        dependent: bool({ targeting: { if: [{ prerequisite: ['base', 'on'] }, 'on', 'off'] } }),
      },
    });
    expect(evaluateFlag(set, 'dependent', {}, { now }).value).toBe(false);
    expect(evaluateFlag(set, 'dependent', {}, { now: Date.UTC(2026, 6, 2) }).value).toBe(true);
  });
  it('restore the flag key for the rest of the rule', () => {
    const set = compileFlagSet({
      flags: {
        base: bool({ targeting: { if: [{ var: 'go' }, 'on'] } }),
        dep: { state: 'ENABLED', variants: { base: 'B', dep: 'D' }, defaultVariant: 'base', targeting: { if: [{ prerequisite: ['base', 'on'] }, { var: '$flagd.flagKey' }] } },
      },
    });
    expect(evaluateFlag(set, 'dep', { go: true }, { now }).variant).toBe('dep');
  });
  it('stop at a cycle that validation would have rejected', () => {
    const set = compileFlagSet({
      flags: {
        p: bool({ targeting: { if: [{ prerequisite: ['q', 'on'] }, 'on', 'off'] } }),
        q: bool({ targeting: { if: [{ prerequisite: ['p', 'on'] }, 'on', 'off'] } }),
      },
    });
    expect(evaluateFlag(set, 'p', {}, { now })).toMatchObject({ value: false, reason: 'TARGETING_MATCH' });
  });
});

describe('the context a closure reads', () => {
  // The engine stores the context and the flag for closures only when one runs (forClosures); a data test reads the
  // context it is given. Each flag here reads the root context and its own key from a closure: by `fractional` on the
  // targetingKey, in a condition, in an `and` beside data tests, as a whole rule and through a prerequisite.
  const half = { fractional: [['a', 50], ['b', 50]] };
  const set = compileFlagSet({
    flags: {
      rule: bool({ targeting: { fractional: [['on', 50], ['off', 50]] } }),
      data: bool({ targeting: { if: [{ '==': [{ var: 'plan' }, 'pro'] }, 'on', 'off'] } }),
      inCondition: bool({ targeting: { if: [{ '==': [half, 'a'] }, 'on', 'off'] } }),
      inAnd: bool({ targeting: { if: [{ and: [{ in: [{ var: 'plan' }, ['pro', 'free']] }, { '==': [half, 'a'] }] }, 'on', 'off'] } }),
      keyed: bool({ targeting: { if: [{ '==': [{ var: 'plan' }, 'none'] }, 'off', { fractional: [{ cat: [{ var: '$flagd.flagKey' }, { var: 'targetingKey' }] }, ['on', 50], ['off', 50]] }] } }),
      prerequisite: bool({ targeting: { if: [{ prerequisite: ['rule', 'on'] }, 'on', 'off'] } }),
      named: bool({ targeting: { if: [{ '==': [{ var: '$flagd.flagKey' }, 'named'] }, 'on', 'off'] } }),
    },
  });
  const contexts = Array.from({ length: 40 }, (_, i) => ({ targetingKey: `user-${i}`, plan: i % 3 === 0 ? 'pro' : 'free' }));
  it('is the context of its own evaluation, whichever flags and contexts ran before', () => {
    // each context's flags at once, the rule first: its closure makes that context the root
    const expected = contexts.map((ctx) => Object.fromEntries(evaluateAll(set, ctx, { now }).map((r) => [r.key, r.value])));
    // then flag by flag across the contexts, so that a stale root would give one context's answer to the next
    for (const key of set.keys) {
      const got = contexts.map((ctx) => evaluateFlag(set, key, ctx, { now }).value);
      expect(got, key).toEqual(expected.map((e) => e[key]));
      if (key === 'named') expect(got.every((v) => v === true), 'a closure reads its own flag key').toBe(true);
      else if (key !== 'data') expect(new Set(got).size, `${key} splits the users`).toBe(2);
    }
    // and each flag after a data test of another context
    contexts.forEach((ctx, i) => {
      for (const key of ['inCondition', 'inAnd', 'rule', 'prerequisite', 'named']) {
        evaluateFlag(set, 'data', contexts[(i + 1) % contexts.length], { now });
        expect(evaluateFlag(set, key, ctx, { now }).value, key).toBe(expected[i][key]);
      }
    });
  });
});

describe('CompiledFlagSet', () => {
  it('exposes keys, has, metadata and the inferred type of each flag', () => {
    const set = compileFlagSet({ ...doc, metadata: { version: '3' } });
    expect(set.has('a')).toBe(true);
    expect(set.has('zz')).toBe(false);
    expect(set.metadata).toEqual({ version: '3' });
    expect(set.typeOf('d')).toBe('string');
    expect(set.typeOf('zz')).toBeUndefined();
  });
});

describe('inferFlagType', () => {
  it.each([
    [{ on: true, off: false }, 'boolean'],
    [{ a: 'x' }, 'string'],
    [{ a: 1, b: 2 }, 'integer'],
    [{ a: 1, b: 2.5 }, 'float'],
    [{ a: { x: 1 } }, 'object'],
    [{}, null],
    [{ a: 1, b: '1' }, null],
    [{ a: [1] }, null],
    [{ a: null }, null],
  ])('infers %j as %s', (variants, type) => {
    expect(inferFlagType(variants as never)).toBe(type);
  });
});

describe('snapshots made lazily', () => {
  const lazyDoc = {
    flags: {
      many: {
        state: 'ENABLED',
        variants: Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`v${i}`, i])),
        defaultVariant: 'v0',
        targeting: { var: 'pick' },
      },
      broken: 'not a flag',
      plain: bool(),
    },
  } as unknown as FlagSetDocument;

  it('lists, finds and types only the flags that are objects, before any evaluation', () => {
    const set = compileFlagSet(lazyDoc);
    expect(set.keys).toEqual(['many', 'plain']);
    expect([set.has('many'), set.has('broken'), set.has('nope')]).toEqual([true, false, false]);
    expect([set.typeOf('many'), set.typeOf('broken'), set.typeOf('plain')]).toEqual(['integer', undefined, 'boolean']);
    expect(evaluateFlag(set, 'broken', {}, { now }).errorCode).toBe('FLAG_NOT_FOUND');
  });

  it('serves every variant of a flag with more names than the short result list holds, the same result each time', () => {
    const set = compileFlagSet(lazyDoc);
    const first = Array.from({ length: 12 }, (_, i) => evaluateFlag(set, 'many', { pick: `v${i}` }, { now }));
    expect(first.map((r) => [r.variant, r.value, r.reason])).toEqual(Array.from({ length: 12 }, (_, i) => [`v${i}`, i, 'TARGETING_MATCH']));
    for (let i = 0; i < 12; i++) expect(evaluateFlag(set, 'many', { pick: `v${i}` }, { now })).toBe(first[i]);
  });

  it('resolves a selection on its first use, to the same results as evaluating each flag', () => {
    const set = compileFlagSet(lazyDoc);
    const only = selectFlags(set, (k) => k !== 'many');
    expect(evaluateAll(set, {}, { now, only })).toEqual([evaluateFlag(set, 'plain', {}, { now })]);
    expect(evaluateAll(set, {}, { now, only })).toEqual([evaluateFlag(set, 'plain', {}, { now })]);
  });
});
