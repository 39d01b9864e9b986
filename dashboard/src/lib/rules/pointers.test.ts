// Validation issues land beside the part of the builder they concern.
import { describe, expect, it } from 'vitest';
import { bucketPointer, conditionPointer, issuesAt, issuesOnlyAt, otherwisePointer, relativeTo, ruleConditionPointer } from './pointers';
import { parseTargeting, type Targeting } from './targeting';

describe('issue placement', () => {
  const t = parseTargeting({
    if: [{ and: [{ '==': [{ var: 'a' }, 1] }, { regex: [{ var: 'e' }, '(a+)+'] }] }, 'on', { fractional: [{ var: 'email' }, ['on', 1], ['nope', 1]] }]
  }) as Extract<Targeting, { form: 'if' }>;
  const issues = relativeTo(
    [
      { path: '/flags/f/targeting/if/0/and/1/regex/1', message: 'unsafe' },
      { path: '/flags/f/targeting/if/2/fractional/2/0', message: 'no variant "nope"' },
      { path: '/flags/f/targeting/if/10', message: 'not this rule' },
      { path: '/flags/other/targeting/if/0', message: 'another flag' }
    ],
    '/flags/f/targeting'
  );

  it('keeps only the flag’s own targeting issues, relative to it', () => {
    expect(issues.map((i) => i.path)).toEqual(['/if/0/and/1/regex/1', '/if/2/fractional/2/0', '/if/10']);
  });

  it('puts an issue on its condition, not on its neighbour or on /if/1x', () => {
    const match = t.rules[0].match;
    expect(issuesAt(issues, conditionPointer(match, ruleConditionPointer(0), 1)).map((i) => i.message)).toEqual(['unsafe']);
    expect(issuesAt(issues, conditionPointer(match, ruleConditionPointer(0), 0))).toEqual([]);
    expect(issuesAt(issues, '/if/1')).toEqual([]);
  });

  it('puts a split issue on its bucket, counting the bucket-by attribute', () => {
    const otherwise = otherwisePointer(t);
    expect(otherwise).toBe('/if/2');
    expect(issuesAt(issues, bucketPointer(t.otherwise!, otherwise, 1)).map((i) => i.message)).toEqual(['no variant "nope"']);
  });

  it('leaves issues already shown elsewhere out of the general list', () => {
    expect(issuesOnlyAt(issues, '', ['/if/0', '/if/2']).map((i) => i.message)).toEqual(['not this rule']);
  });
});
