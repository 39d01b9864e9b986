/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest';
import { validateFlagSet, validateTargeting } from './index';

type Fixtures = Record<string, unknown>;
const copied = import.meta.glob('./testdata/flagd/**/*.json', { eager: true, import: 'default' }) as Fixtures;
const shared = import.meta.glob('../../../../shared/specs/flagd-schemas/json/test/**/*.json', { eager: true, import: 'default' }) as Fixtures;

/** [name, kind, expected, document] for every fixture under a folder. */
function fixtures(all: Fixtures): [string, 'flags' | 'targeting', 'positive' | 'negative', unknown][] {
  return Object.entries(all).map(([path, doc]) => {
    const name = path.replace(/^.*\/(flags|flagd|targeting)\//, '$1/');
    const kind = name.startsWith('targeting/') ? 'targeting' : 'flags';
    return [name, kind, name.includes('/positive/') ? 'positive' : 'negative', doc];
  });
}

function check(kind: 'flags' | 'targeting', doc: unknown) {
  return kind === 'flags' ? validateFlagSet(doc) : validateTargeting(doc).length ? { ok: false } : { ok: true };
}

describe('flagd schema fixtures copied into the engine', () => {
  it('has both positive and negative fixtures of each kind', () => {
    const kinds = new Set(fixtures(copied).map(([, k, e]) => `${k}/${e}`));
    expect([...kinds].sort()).toEqual(['flags/negative', 'flags/positive', 'targeting/negative', 'targeting/positive']);
  });
  it.each(fixtures(copied))('%s (%s) is %s', (_name, kind, expected, doc) => {
    expect(check(kind, doc).ok).toBe(expected === 'positive');
  });
});

describe.skipIf(Object.keys(shared).length === 0)('every flagd schema fixture in ../shared (skipped: ../shared/specs absent)', () => {
  it('finds the fixtures', () => {
    expect(Object.keys(shared).length).toBeGreaterThanOrEqual(30);
  });
  it.each(fixtures(shared))('%s (%s) is %s', (_name, kind, expected, doc) => {
    expect(check(kind, doc).ok).toBe(expected === 'positive');
  });
});

const flag = (extra: Record<string, unknown> = {}) => ({ state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'off', ...extra });
const issuesOf = (doc: unknown) => {
  const r = validateFlagSet(doc);
  return r.ok ? [] : r.issues;
};

describe('validateFlagSet', () => {
  it('returns the document with flags as a map', () => {
    const r = validateFlagSet({ $schema: 'https://flagd.dev/schema/v0/flagd.json', flags: [{ key: 'a', ...flag() }] });
    expect(r.ok && r.value.flags).toEqual({ a: flag() });
  });
  it('accepts the array form when asked to, whatever the $schema', () => {
    expect(validateFlagSet({ flags: [{ key: 'a', ...flag() }] }, { flagArray: true }).ok).toBe(true);
    expect(validateFlagSet({ flags: [{ key: 'a', ...flag() }] }).ok).toBe(false);
  });
  it('reports array flags without keys or with duplicate keys', () => {
    expect(issuesOf({ flags: [flag(), { key: 'a', ...flag() }, { key: 'a', ...flag() }] })).toEqual(
      expect.arrayContaining([
        { path: '/flags/0/key', message: expect.stringMatching(/key/) },
        { path: '/flags/2/key', message: expect.stringMatching(/duplicate/) },
      ]),
    );
  });
  it('rejects what is not a flag set', () => {
    expect(issuesOf(null)).toEqual([{ path: '', message: expect.any(String) }]);
    expect(issuesOf({})).toEqual([{ path: '/flags', message: expect.any(String) }]);
  });
  it('points at a default variant that does not exist', () => {
    expect(issuesOf({ flags: { f: flag({ defaultVariant: 'maybe' }) } })).toEqual([
      { path: '/flags/f/defaultVariant', message: expect.stringMatching(/"maybe" is not one of the variants/) },
    ]);
  });
  it('rejects array and null variant values', () => {
    expect(issuesOf({ flags: { f: flag({ variants: { a: [1], b: null }, defaultVariant: 'a' }) } }).map((i) => i.path)).toEqual(['/flags/f/variants/a', '/flags/f/variants/b']);
  });
  it('requires string flagSetId and version in flag-set metadata', () => {
    expect(issuesOf({ flags: {}, metadata: { version: 2 } })).toEqual([{ path: '/metadata/version', message: expect.any(String) }]);
  });
  it('points into the targeting at an unknown operator', () => {
    const doc = { flags: { 'my-flag': flag({ targeting: { if: [{ nope: [1] }, 'on', 'off'] } }) } };
    expect(issuesOf(doc)).toEqual([{ path: '/flags/my-flag/targeting/if/0/nope', message: 'unknown operator "nope"' }]);
  });
  it('escapes keys in paths as JSON pointers do', () => {
    const doc = { flags: { 'a/b~c': flag({ state: 'ON' }) } };
    expect(issuesOf(doc)[0].path).toBe('/flags/a~1b~0c/state');
  });
  it('rejects a literal result that names no variant', () => {
    const doc = { flags: { f: flag({ targeting: { if: [{ '==': [1, 1] }, 'onn', 'off'] } }) } };
    expect(issuesOf(doc)).toEqual([{ path: '/flags/f/targeting/if/1', message: expect.stringMatching(/"onn", which is not a variant/) }]);
  });
  it('checks booleans returned by targeting as variant names', () => {
    const ok = { flags: { f: { state: 'ENABLED', variants: { true: 'yes', false: 'no' }, defaultVariant: 'false', targeting: { if: [{ var: 'x' }, true, false] } } } };
    expect(issuesOf(ok)).toEqual([]);
    expect(issuesOf({ flags: { f: flag({ targeting: { if: [{ var: 'x' }, true, false] } }) } }).map((i) => i.path)).toEqual([
      '/flags/f/targeting/if/1',
      '/flags/f/targeting/if/2',
    ]);
  });
  it('checks variants named in fractional buckets', () => {
    const doc = { flags: { f: flag({ targeting: { fractional: [['on', 50], ['of', 50]] } }) } };
    expect(issuesOf(doc)).toEqual([{ path: '/flags/f/targeting/fractional/1/0', message: expect.stringMatching(/"of"/) }]);
  });
  it('resolves $ref, segment and prerequisite references', () => {
    const doc = {
      flags: {
        f: flag({ targeting: { if: [{ and: [{ $ref: 'missing-rule' }, { segment: 'nobody' }, { prerequisite: ['ghost', 'on'] }, { prerequisite: ['g', 'maybe'] }] }, 'on'] } }),
        g: flag(),
      },
    };
    expect(issuesOf(doc)).toEqual([
      { path: '/flags/f/targeting/if/0/and/0/$ref', message: 'no shared rule "missing-rule" in $evaluators' },
      { path: '/flags/f/targeting/if/0/and/1/segment', message: 'no segment "nobody" in segments' },
      { path: '/flags/f/targeting/if/0/and/2/prerequisite', message: 'prerequisite names flag "ghost", which does not exist' },
      { path: '/flags/f/targeting/if/0/and/3/prerequisite', message: 'flag "g" has no variant "maybe"' },
    ]);
  });
  it('rejects $ref cycles', () => {
    const doc = { flags: {}, $evaluators: { a: { $ref: 'b' }, b: { $ref: 'a' } } };
    expect(issuesOf(doc)).toEqual([{ path: '/$evaluators/a', message: expect.stringMatching(/cycle/) }]);
  });
  it('rejects segment cycles', () => {
    const doc = { flags: {}, segments: { a: { segment: 'b' }, b: { or: [{ segment: 'a' }] } } };
    expect(issuesOf(doc)).toEqual([{ path: '/segments/a', message: expect.stringMatching(/cycle/) }]);
  });
  it('rejects prerequisite cycles, including through segments and shared rules', () => {
    const doc = {
      flags: {
        a: flag({ targeting: { if: [{ prerequisite: ['b', 'on'] }, 'on'] } }),
        b: flag({ targeting: { if: [{ segment: 's' }, 'on'] } }),
      },
      segments: { s: { $ref: 'r' } },
      $evaluators: { r: { prerequisite: ['a', ['on', 'off']] } },
    };
    expect(issuesOf(doc)).toEqual([{ path: '/flags/a', message: expect.stringMatching(/cycle: flags\/a -> flags\/b -> segments\/s -> \$evaluators\/r -> flags\/a/) }]);
  });
  it('rejects a flag that is its own prerequisite', () => {
    expect(issuesOf({ flags: { a: flag({ targeting: { if: [{ prerequisite: ['a', 'on'] }, 'on'] } }) } })).toHaveLength(1);
  });
  it('reports every issue, not just the first', () => {
    expect(issuesOf({ flags: { a: { state: 'X', variants: {} }, b: flag({ defaultVariant: 3 }) } })).toHaveLength(3);
  });
});

describe('validateTargeting', () => {
  const paths = (rule: unknown) => validateTargeting(rule).map((i) => `${i.path}: ${i.message}`);
  it('accepts empty targeting', () => {
    expect(paths({})).toEqual([]);
  });
  it('rejects a targeting that is not an object', () => {
    expect(paths('on')).toHaveLength(1);
  });
  it('rejects operations with several operators', () => {
    expect(paths({ '==': [1, 1], in: ['a', 'b'] })).toEqual([': an operation has exactly one operator; found "==", "in"']);
  });
  it.each([
    [{ '==': [1] }, '/==: "==" takes 2 arguments, got 1'],
    [{ '<': [1, 2, 3, 4] }, '/<: "<" takes 2 to 3 arguments, got 4'],
    [{ reduce: [[1], 0] }, '/reduce: "reduce" takes 3 arguments, got 2'],
    [{ '*': [2] }, '/*: "*" takes at least 2 arguments, got 1'],
    [{ in: 'abc' }, '/in: "in" takes an array of arguments'],
    [{ var: 1 }, '/var: var takes a variable name (a string, dots for nesting)'],
    [{ var: ['a', { var: 'b' }] }, '/var/1: the default of var is a string, number, boolean or null'],
    [{ var: '$flagd.nope' }, '/var: "$flagd.nope" is not a flagd property: use $flagd.flagKey or $flagd.timestamp'],
    [{ missing: 'a' }, '/missing: missing takes an array of variable names'],
    [{ missing_some: [1, 'a'] }, '/missing_some/1: missing_some takes [minimum count, [variable names]]'],
    [{ starts_with: [{ var: 'id' }, 0] }, '/starts_with/1: "starts_with" compares strings: each argument is a string or a rule'],
    [{ sem_ver: [{ var: 'v' }, '*', '1.0.0'] }, '/sem_ver/1: sem_ver operator must be one of = != < <= > >= ^ ~'],
    [{ sem_ver: [{ var: 'v' }, '=', '1.0'] }, '/sem_ver/2: "1.0" is not a semantic version (MAJOR.MINOR.PATCH)'],
    [{ fractional: [] }, '/fractional: fractional takes [bucketing rule?, [variant, weight], …]'],
    [{ fractional: ['key', ['a', 1]] }, '/fractional/0: the bucketing value of fractional is a rule (e.g. {"var": "email"}) or omitted'],
    [{ fractional: [{ var: 'k' }] }, '/fractional: fractional needs at least one bucket'],
    [{ fractional: [['a', 1.5]] }, '/fractional/0/1: a fractional weight is a non-negative integer'],
    [{ fractional: [['a', -1]] }, '/fractional/0/1: a fractional weight is a non-negative integer (a negative weight counts as 0)'],
    [{ fractional: [['a', '1']] }, '/fractional/0/1: a fractional weight is a non-negative integer or a rule computing one'],
    [{ fractional: [['a', 1, 2]] }, '/fractional/0: a fractional bucket is [variant] or [variant, weight]'],
    [{ segment: 3 }, '/segment: segment takes the name of a segment'],
    [{ prerequisite: ['f', []] }, '/prerequisite/1: prerequisite takes a variant name or an array of them'],
    [{ regex: [{ var: 'e' }, { var: 'p' }] }, '/regex/1: the pattern of regex is a literal string (so that it can be checked when saved)'],
    [{ regex: [{ var: 'e' }, '(a+)+'] }, '/regex/1: a repeated group must not contain another repetition or an alternation (catastrophic backtracking)'],
    [{ before: [{ var: 'd' }, 'next week'] }, '/before/1: "next week" is not an RFC 3339 date or date-time'],
    [{ ip_in: [{ var: 'ip' }, ['10.0.0.0/8', '10.0.0.0/40']] }, '/ip_in/1/1: "10.0.0.0/40" is not an IP address or CIDR range'],
    [{ $ref: 1 }, '/$ref: $ref must name a shared rule in $evaluators'],
    [{ if: [{ '==': [1, 1] }, { nope: 1 }] }, '/if/1/nope: unknown operator "nope"'],
    [{ in: ['a', [{ nope: 1 }]] }, '/in/1/0/nope: unknown operator "nope"'],
  ])('rejects %j', (rule, issue) => {
    expect(paths(rule)).toEqual([issue]);
  });
  it('rejects rules nested too deeply to evaluate safely', () => {
    let rule: unknown = true;
    for (let i = 0; i < 100; i++) rule = { '!': [rule] };
    expect(paths(rule).join()).toMatch(/deeper than 64/);
  });
  it('accepts every operator in its documented form', () => {
    const rule = {
      and: [
        { '?:': [true, 1, 2] }, { '!': { var: 'a' } }, { '-': [5] }, { missing_some: [1, ['a', 'b']] },
        { segment: 'beta' }, { prerequisite: ['other', ['on', 'off']] }, { regex: [{ var: 'email' }, '^.*@acme\\.com$', 'i'] },
        { before: '2027-01-01T00:00:00Z' }, { after: [{ var: 'signup' }, '2026-01-01'] }, { ip_in: [{ var: 'ip' }, '10.0.0.0/8'] },
        { fractional: [{ var: 'email' }, ['a', { '-': [{ var: '$flagd.timestamp' }, 1] }], ['b']] },
      ],
    };
    expect(paths(rule)).toEqual([]);
  });
});
