// A release page lists the changes of its flags' own rules made while it runs, and nothing else.
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../api-types';
import { ruleChanges } from './rule-changes';

const rules = { if: [{ in: [{ var: 'country' }, ['de']] }, 'on'] };
const entry = (id: number, over: Partial<AuditEntry>): AuditEntry => ({
  id, at: '2027-01-01T10:00:00.000Z', actor: 'maya', action: 'flag.configure', resource: 'projects/default/environments/staging/flags/checkout',
  before: { state: 'ENABLED', defaultVariant: 'on', targeting: null }, after: { state: 'ENABLED', defaultVariant: 'on', targeting: rules }, flags: ['checkout'], revertOf: null, actorId: null, review: null, ...over
});
const since = Date.parse('2027-01-01T09:00:00.000Z');

describe('the flags’ own rule changes during a release', () => {
  it('keeps rule changes in its environment since its start, once each', () => {
    const changes = ruleChanges([entry(3, {}), entry(3, {})], 'staging', since, 'r');
    expect(changes.map((c) => [c.entry.id, c.flag])).toEqual([[3, 'checkout']]);
    expect(changes[0].after.targeting).toEqual(rules);
  });

  it('leaves out other environments, earlier changes, changes that kept the rules and the release’s own end', () => {
    expect(ruleChanges([entry(1, { resource: 'projects/default/environments/production/flags/checkout' })], 'staging', since, 'r')).toEqual([]);
    expect(ruleChanges([entry(2, { at: '2027-01-01T08:59:59.000Z' })], 'staging', since, 'r')).toEqual([]);
    expect(ruleChanges([entry(4, { after: { state: 'DISABLED', defaultVariant: 'on', targeting: null } })], 'staging', since, 'r')).toEqual([]);
    expect(ruleChanges([entry(5, { before: { state: 'ENABLED', defaultVariant: 'on', targeting: rules }, after: { state: 'ENABLED', defaultVariant: 'off', targeting: null, cause: { release: 'r', action: 'kill' } } })], 'staging', since, 'r')).toEqual([]);
    expect(ruleChanges([entry(6, { action: 'release.start' })], 'staging', since, 'r')).toEqual([]);
  });
});
