// The worst case of each flag, bounded when saved: regex cost × fan-out, shared rules and segments at each use.
import { describe, expect, it } from 'vitest';
import { compileFlagSet, evaluateAll, evaluateFlag, validateFlagSet, type FlagSetDocument, type JsonValue } from './index';
import { MAX_FLAG_COST, REQUEST_BUDGET } from './budget';

const flag = (targeting: JsonValue) => ({ state: 'ENABLED' as const, variants: { on: true, off: false }, defaultVariant: 'off', targeting });
const one = (targeting: JsonValue, rest: Partial<FlagSetDocument> = {}): FlagSetDocument => ({ ...rest, flags: { f: flag(targeting) } });
const issues = (doc: FlagSetDocument) => {
  const v = validateFlagSet(doc, { lenient: true });
  return v.ok ? [] : v.issues;
};

describe('a flag whose worst case is over the limit is refused, at the part that makes it so', () => {
  it('a regex multiplied by `some` over a context array (issue 22, attack 2): refused at the `some`', () => {
    const found = issues(one({ if: [{ some: [{ var: 'emails' }, { regex: [{ var: '' }, '^[a-z]*[a-y]*b'] }] }, 'on'] }));
    expect(found).toEqual([{ path: '/flags/f/targeting/if/0/some', message: expect.stringMatching(/^"some" runs its body for each element.*over the limit/) }]);
  });

  it('the attack as sent (an unanchored pattern, cubic on its own): refused at the pattern, saying to anchor it', () => {
    const found = issues(one({ if: [{ some: [{ var: 'emails' }, { regex: [{ var: '' }, '[a-z]*[a-y]*b'] }] }, 'on'] }));
    expect(found).toEqual([{ path: '/flags/f/targeting/if/0/some/1/regex/1', message: expect.stringContaining('anchor it with ^') }]);
  });

  it('an `or` of 40 such regexes on one attribute: refused at the `or`', () => {
    const found = issues(one({ if: [{ or: Array.from({ length: 40 }, () => ({ regex: [{ var: 'email' }, '^[a-z]*[a-y]*b'] })) }, 'on'] }));
    expect(found).toEqual([{ path: '/flags/f/targeting/if/0/or', message: expect.stringContaining('over the limit') }]);
  });

  it('a segment that iterates the context, used inside an iteration (its work is multiplied): refused', () => {
    const doc = one({ if: [{ some: [{ var: 'items' }, { segment: 'heavy' }] }, 'on'] }, { segments: { heavy: { some: [{ var: 'tags' }, { '==': [{ var: '' }, 'x'] }] } } });
    expect(issues(doc)).toEqual([{ path: '/flags/f/targeting/if/0/some', message: expect.stringContaining('over the limit') }]);
  });

  it('a shared rule over the limit is named where it is written', () => {
    const doc = one({ if: [{ $ref: 'slow' }, 'on'] }, { $evaluators: { slow: { some: [{ var: 'emails' }, { regex: [{ var: '' }, '^[a-z]*[a-y]*b'] }] } } });
    expect(issues(doc)).toEqual([{ path: '/flags/f/targeting', message: expect.stringMatching(/^it uses \/\$evaluators\/slow\/some, where "some" runs/) }]);
  });

  it('a scheduled phase is bounded like the targeting it replaces', () => {
    const doc: FlagSetDocument = { flags: { f: { ...flag({}), schedule: [{ at: '2030-01-01T00:00:00Z', targeting: { if: [{ regex: [{ var: 'email' }, '[a-z]*[a-y]*b'] }, 'on'] } }] } } };
    expect(issues(doc)).toEqual([{ path: '/flags/f/schedule/0/targeting/if/0/regex/1', message: expect.stringContaining('anchor') }]);
  });
});

describe('ordinary rules are accepted', () => {
  it.each([
    ['an e-mail domain', { regex: [{ var: 'email' }, '@acme\\.com$'] }],
    ['an anchored pattern with two repetitions', { regex: [{ var: 'email' }, '^[a-z]*[a-y]*b'] }],
    ['a tag among the context’s tags', { some: [{ var: 'tags' }, { '==': [{ var: '' }, 'beta'] }] }],
    ['a domain among the context’s e-mails', { some: [{ var: 'emails' }, { regex: [{ var: '' }, '@acme\\.com$'] }] }],
    ['nested arrays of the context', { some: [{ var: 'teams' }, { some: [{ var: 'members' }, { '==': [{ var: 'role' }, 'admin'] }] }] }],
    ['a split keyed on an attribute', { fractional: [{ var: 'email' }, ['on', 50], ['off', 50]] }],
  ])('%s', (_what, rule) => {
    expect(issues(one({ if: [rule as JsonValue, 'on', 'off'] }))).toEqual([]);
  });
});

describe('the request budget (the backstop at run time)', () => {
  // flags refused by validation, compiled anyway (as an old snapshot could hold them): evaluation stays bounded
  const heavy: JsonValue = { some: [{ var: 'emails' }, { regex: [{ var: '' }, '^[a-z]*[a-y]*b'] }] };
  const doc: FlagSetDocument = { flags: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`f${i}`, flag({ if: [heavy, 'on', 'off'] })])) };
  // each flag: one match of 1,024² steps, most of a request's budget
  const context = { targetingKey: 'u', emails: ['a'.repeat(1024)] };

  it('stops a bulk evaluation once spent: the rest answer ERROR without being evaluated', () => {
    const results = evaluateAll(compileFlagSet(doc), context, { now: 0 });
    expect(results[0]).toMatchObject({ value: false, reason: 'TARGETING_MATCH' });
    const spent = results.filter((r) => r.reason === 'ERROR');
    expect(spent.length).toBeGreaterThanOrEqual(48);
    expect(spent[0]).toMatchObject({ errorCode: 'GENERAL', errorMessage: expect.stringContaining('evaluation budget') });
  });

  it('gives each single evaluation its own budget', () => {
    const set = compileFlagSet(doc);
    for (const key of ['f0', 'f49']) expect(evaluateFlag(set, key, context, { now: 0 })).toMatchObject({ value: false });
  });

  it('charges a long targeting key by its length (hashing it for every flag would cost seconds)', () => {
    const split = { state: 'ENABLED' as const, variants: { a: 'a', b: 'b' }, defaultVariant: 'a', targeting: { fractional: [['a', 50], ['b', 50]] } };
    const many: FlagSetDocument = { flags: Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`s${i}`, split])) };
    const results = evaluateAll(compileFlagSet(many), { targetingKey: 'k'.repeat(200_000) }, { now: 0 });
    const evaluated = results.filter((r) => r.reason === 'SPLIT').length;
    expect(evaluated).toBeGreaterThan(0);
    expect(evaluated).toBeLessThanOrEqual(Math.ceil(REQUEST_BUDGET / 200_000));
  });

  it('is larger than what one flag may cost, so that every accepted flag can be evaluated', () => {
    expect(REQUEST_BUDGET).toBeGreaterThan(MAX_FLAG_COST);
  });
});
