import { describe, expect, it } from 'vitest';
import { compileFlagSet, evaluateAll, evaluateFlag, validateFlagSet, type FlagSetDocument } from './index';
import { MAX_EXPANDED_RULE_NODES, MAX_VARIANT_DEPTH, MAX_VARIANTS_BYTES } from './validate-limits';

const now = Date.UTC(2026, 5, 1);
const flag = (extra: Record<string, unknown> = {}) => ({ state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'off', ...extra });
const when = (condition: unknown) => flag({ targeting: { if: [condition, 'on'] } });

/** Every construct flagd loads although Curtain's own checks refuse it, each in its own flag. */
const flagdFile = {
  $evaluators: { isPro: { '==': [{ var: 'plan' }, 'pro'] } },
  flags: {
    'semver-operator': when({ sem_ver: [{ var: 'version' }, '*', '2.0.0'] }),
    'semver-arity': when({ sem_ver: [{ var: 'version' }, '='] }),
    'semver-partial': when({ sem_ver: [{ var: 'version' }, '>=', '1.2'] }),
    'starts-with-arity': when({ starts_with: [{ var: 'email' }, 'a', 'b'] }),
    'ends-with-number': when({ ends_with: [{ var: 'id' }, 0] }),
    'missing-ref': when({ $ref: 'nope' }),
    'negative-weight': flag({ targeting: { fractional: [['on', -10], ['off', 10]] } }),
    'not-a-variant': flag({ targeting: { if: [{ var: 'x' }, 'maybe', 'off'] } }),
    'unknown-operator': when({ nope: [1] }),
    valid: when({ $ref: 'isPro' }),
  },
};

const expectedWarnings = [
  '/flags/semver-operator/targeting/if/0/sem_ver/1',
  '/flags/semver-arity/targeting/if/0/sem_ver',
  '/flags/semver-partial/targeting/if/0/sem_ver/2',
  '/flags/starts-with-arity/targeting/if/0/starts_with',
  '/flags/ends-with-number/targeting/if/0/ends_with/1',
  '/flags/negative-weight/targeting/fractional/0/1',
  '/flags/not-a-variant/targeting/if/1',
  '/flags/unknown-operator/targeting/if/0/nope',
  '/flags/missing-ref/targeting/if/0/$ref',
];

describe('lenient validation (flagd files)', () => {
  it('accepts what flagd loads, with a warning at each path that Curtain would refuse', () => {
    const r = validateFlagSet(flagdFile, { lenient: true });
    expect(r.ok).toBe(true);
    expect(r.warnings.map((w) => w.path)).toEqual(expectedWarnings);
    expect(r.warnings.every((w) => w.message.length > 0)).toBe(true);
  });
  it('refuses the same file in strict mode, with the same paths', () => {
    const r = validateFlagSet(flagdFile);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.issues.map((i) => i.path)).toEqual(expectedWarnings);
    expect(r.warnings).toEqual([]);
  });
  it('still refuses, in lenient mode, what Curtain cannot store or evaluate', () => {
    const r = validateFlagSet({ flags: { a: flag({ defaultVariant: 'nope' }), b: flag({ state: 'ON' }), c: when({ regex: [{ var: 'e' }, '(a+)+'] }) } }, { lenient: true });
    expect(!r.ok && r.issues.map((i) => i.path)).toEqual(['/flags/a/defaultVariant', '/flags/b/state', '/flags/c/targeting/if/0/regex/1']);
  });
  it('evaluates each such flag as flagd does, and the others as usual', () => {
    const r = validateFlagSet(flagdFile, { lenient: true });
    const set = compileFlagSet(r.ok ? r.value : (flagdFile as unknown as FlagSetDocument));
    const ctx = { targetingKey: 'u1', version: '2.0.0', email: 'ab', id: '10', x: true, plan: 'pro' };
    const results = Object.fromEntries(evaluateAll(set, ctx, { now }).map((x) => [x.key, [x.reason, x.errorCode ?? x.variant]]));
    expect(results).toEqual({
      'semver-operator': ['DEFAULT', 'off'],
      'semver-arity': ['DEFAULT', 'off'],
      'semver-partial': ['TARGETING_MATCH', 'on'],
      'starts-with-arity': ['DEFAULT', 'off'],
      'ends-with-number': ['DEFAULT', 'off'],
      'missing-ref': ['ERROR', 'PARSE_ERROR'],
      'negative-weight': ['SPLIT', 'off'],
      'not-a-variant': ['ERROR', 'GENERAL'],
      'unknown-operator': ['ERROR', 'PARSE_ERROR'],
      valid: ['TARGETING_MATCH', 'on'],
    });
  });
  it('keeps flag keys of the array form as plain data', () => {
    const r = validateFlagSet({ $schema: 'https://flagd.dev/schema/v0/flagd.json', flags: [{ key: '__proto__', ...flag() }, { key: 'constructor', ...flag() }] });
    expect(r.ok && Object.keys(r.value.flags)).toEqual(['__proto__', 'constructor']);
    expect(({} as Record<string, unknown>).state).toBeUndefined();
  });
});

/** An object nested `depth` levels deep, built without recursion. */
function nested(depth: number): Record<string, unknown> {
  let v: Record<string, unknown> = { leaf: true };
  for (let i = 1; i < depth; i++) v = { v };
  return v;
}

describe('variant limits', () => {
  it(`accepts object variants nested ${MAX_VARIANT_DEPTH} levels and refuses one more`, () => {
    const doc = (depth: number) => ({ flags: { o: { state: 'ENABLED', variants: { a: nested(depth), b: {} }, defaultVariant: 'b' } } });
    expect(validateFlagSet(doc(MAX_VARIANT_DEPTH)).ok).toBe(true);
    const r = validateFlagSet(doc(MAX_VARIANT_DEPTH + 1));
    expect(!r.ok && r.issues).toEqual([{ path: '/flags/o/variants/a', message: expect.stringContaining(`${MAX_VARIANT_DEPTH} levels`) }]);
  });
  it('refuses a variant nested 100,000 levels deep without overflowing the stack', () => {
    const r = validateFlagSet({ flags: { o: { state: 'DISABLED', variants: { a: nested(100_000) }, defaultVariant: 'a' } } });
    expect(!r.ok && r.issues.map((i) => i.path)).toEqual(['/flags/o/variants/a']);
  });
  it(`refuses variants above ${MAX_VARIANTS_BYTES} bytes of JSON`, () => {
    const r = validateFlagSet({ flags: { s: { state: 'ENABLED', variants: { a: 'x'.repeat(MAX_VARIANTS_BYTES), b: 'y' }, defaultVariant: 'b' } } });
    expect(!r.ok && r.issues).toEqual([{ path: '/flags/s/variants', message: expect.stringContaining('64 KiB') }]);
  });
  it('serves the other flags when one flag holds values too deep to copy, enabled or disabled', () => {
    const deep = nested(100_000);
    const doc = {
      flags: {
        before: flag(),
        'deep-off': { state: 'DISABLED', variants: { a: deep }, defaultVariant: 'a' },
        'deep-on': { state: 'ENABLED', variants: { a: deep }, defaultVariant: 'a' },
        after: flag({ targeting: { if: [{ var: 'x' }, 'on'] } }),
      },
    } as unknown as FlagSetDocument;
    const results = evaluateAll(compileFlagSet(doc), { x: true }, { now });
    expect(results.map((r) => [r.key, r.reason, r.errorCode])).toEqual([
      ['before', 'STATIC', undefined],
      ['deep-off', 'DISABLED', undefined],
      ['deep-on', 'ERROR', 'GENERAL'],
      ['after', 'TARGETING_MATCH', undefined],
    ]);
  });
});

/** `e0 = x == 1`, `eN = or(eN-1, eN-1)`: under 1 kB, and 2^N leaves once expanded. */
function doublingChain(levels: number, kind: '$ref' | 'segment' | 'prerequisite'): Record<string, unknown> {
  const leaf = { '==': [{ var: 'x' }, 1] };
  if (kind === 'prerequisite') {
    const flags: Record<string, unknown> = { p0: when(leaf) };
    for (let i = 1; i <= levels; i++) flags[`p${i}`] = when({ or: [{ prerequisite: [`p${i - 1}`, 'on'] }, { prerequisite: [`p${i - 1}`, 'on'] }] });
    return { flags };
  }
  const section = kind === '$ref' ? '$evaluators' : 'segments';
  const rules: Record<string, unknown> = { e0: leaf };
  for (let i = 1; i <= levels; i++) rules[`e${i}`] = { or: [{ [kind]: `e${i - 1}` }, { [kind]: `e${i - 1}` }] };
  return { [section]: rules, flags: { top: when({ [kind]: `e${levels}` }) } };
}

describe('rules that expand exponentially', () => {
  it.each(['$ref', 'segment', 'prerequisite'] as const)('refuses a 17-level doubling chain of %s, naming the limit', (kind) => {
    const r = validateFlagSet(doublingChain(17, kind));
    expect(r.ok).toBe(false);
    const paths = !r.ok ? r.issues.filter((i) => i.message.includes(String(MAX_EXPANDED_RULE_NODES))).map((i) => i.path) : [];
    expect(paths).toContain(kind === 'prerequisite' ? '/flags/p17/targeting' : '/flags/top/targeting');
  });
  it.each(['$ref', 'segment', 'prerequisite'] as const)('accepts a 10-level chain of %s', (kind) => {
    expect(validateFlagSet(doublingChain(10, kind)).ok).toBe(true);
  });
  it('compiles shared rules once: a 22-level $ref chain that skipped validation compiles and evaluates at once', () => {
    const started = performance.now();
    const set = compileFlagSet(doublingChain(22, '$ref') as unknown as FlagSetDocument, { eager: true });
    expect(evaluateFlag(set, 'top', { x: 1 }, { now })).toMatchObject({ reason: 'TARGETING_MATCH', value: true });
    expect(performance.now() - started).toBeLessThan(1000);
  });
  it('counts a literal list once: large `in` lists stay accepted', () => {
    const ids = Array.from({ length: MAX_EXPANDED_RULE_NODES * 2 }, (_, i) => `user-${i}`);
    expect(validateFlagSet({ flags: { f: when({ in: [{ var: 'id' }, ids] }) } }).ok).toBe(true);
  });
});
