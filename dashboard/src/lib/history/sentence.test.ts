// The history in sentences: who did what to which flag, release or environment; times relative, reverts labelled.
import { describe, expect, it } from 'vitest';
import type { AuditEntry, JsonValue } from '../api-types';
import { describeEntry, entryText, releaseIndex, type EntryContext } from './sentence';
import { relativeTime } from './time';

const envs: Record<string, string> = { production: 'Production', staging: 'Staging' };
const entry = (over: Partial<AuditEntry>): AuditEntry => ({ id: 1, at: '2027-03-03T09:00:00.000Z', actor: 'maya', action: 'flag.configure', resource: 'projects/default/environments/production/flags/checkout-v2', before: null, after: null, flags: ['checkout-v2'], revertOf: null, actorId: null, review: null, ...over });
const config = (state: string, defaultVariant = 'on', targeting: JsonValue = null): { [key: string]: JsonValue } => ({ state, defaultVariant, targeting });
const rel = 'projects/default/environments/production/releases/new-checkout';

function say(e: AuditEntry, entries: AuditEntry[] = [e]): string {
  const ctx: EntryContext = { envName: (k) => envs[k] ?? k, releases: releaseIndex(entries) };
  return entryText(describeEntry(e, ctx), ctx);
}

describe('history sentences', () => {
  it('say a switch, a default variant, new rules, or several at once', () => {
    expect(say(entry({ before: config('DISABLED'), after: config('ENABLED') }))).toBe('maya switched checkout-v2 on in Production');
    expect(say(entry({ before: config('ENABLED', 'off'), after: config('ENABLED', 'on') }))).toBe('maya set the default variant of checkout-v2 to on in Production');
    expect(say(entry({ before: config('ENABLED'), after: config('ENABLED', 'on', { fractional: [['on', 1], ['off', 1]] }) }))).toBe('maya changed the rules of checkout-v2 in Production');
    expect(say(entry({ before: config('DISABLED', 'off'), after: config('ENABLED', 'on') }))).toBe('maya changed checkout-v2 in Production: switched on, default variant on');
  });

  it('say what a release did, with its name and step count from the entries that carry them', () => {
    const created = entry({ id: 1, action: 'release.create', resource: rel, after: { name: 'New checkout', plan: { steps: [{}, {}, {}, {}] } } as never });
    const step = entry({ id: 2, actor: 'scheduler', action: 'release.step', resource: rel, after: { step: 1, percent: 10 } as never });
    expect(say(step, [step, created])).toBe('the release New checkout reached step 2 of 4: 10 % in Production');
    expect(say(created)).toBe('maya planned the release New checkout in Production');
    expect(say(entry({ action: 'release.pause', resource: rel, actor: 'guardrail error_rate (readings)', after: { name: 'New checkout', status: { percent: 30 } } as never }))).toBe('guardrail error_rate (readings) paused the release New checkout at 30 % in Production');
  });

  it('say how a release’s end changed its flags', () => {
    expect(say(entry({ actor: 'maya', before: config('ENABLED', 'on', { if: [true, 'on'] }), after: { ...config('ENABLED', 'off'), cause: { release: 'new-checkout', action: 'kill' } } }))).toBe(
      'maya killed the release new-checkout: checkout-v2 now serves off by default in Production, its rules cleared'
    );
  });

  it('say a release’s start switching its flag on', () => {
    expect(say(entry({ before: config('DISABLED'), after: { ...config('ENABLED'), cause: { release: 'new-checkout', action: 'start' } } }))).toBe('maya started the release new-checkout: checkout-v2 switched on in Production');
  });

  it('say scheduled changes, deployments, archiving and protection', () => {
    expect(say(entry({ action: 'flag.schedule', after: { at: '2027-03-04T09:00:00.000Z', state: 'ENABLED', split: [['on', 2500], ['off', 7500]] } as never }))).toMatch(/^maya scheduled checkout-v2 to switch on, set a split after the rules \(which stay\): on 25 %, off 75 % in Production at /);
    expect(say(entry({ action: 'deployment.record', resource: 'projects/default/environments/staging/deployments/d1', flags: ['a', 'b'], after: { version: '2.14.0' } as never }))).toBe('maya recorded the deployment 2.14.0 in Staging, using a, b');
    expect(say(entry({ action: 'flag.update', resource: 'projects/default/flags/checkout-v2', before: { archived: false } as never, after: { archived: true } as never }))).toBe('maya archived checkout-v2');
    expect(say(entry({ action: 'environment.update', resource: 'projects/default/environments/staging', before: { protected: false } as never, after: { protected: true } as never }))).toBe('maya protected Staging');
  });
});

describe('relative times', () => {
  const now = new Date(2027, 2, 3, 15, 0).getTime();
  it('read as people say them', () => {
    expect(relativeTime(new Date(now - 20_000).toISOString(), now)).toBe('just now');
    expect(relativeTime(new Date(now - 5 * 60_000).toISOString(), now)).toBe('5 min ago');
    expect(relativeTime(new Date(now - 2 * 3_600_000).toISOString(), now)).toBe('2 h ago');
    expect(relativeTime(new Date(2027, 2, 3, 1, 5).toISOString(), now)).toMatch(/^today /);
    expect(relativeTime(new Date(2027, 2, 2, 14, 5).toISOString(), now)).toMatch(/^yesterday /);
    expect(relativeTime(new Date(2027, 1, 20, 14, 5).toISOString(), now)).toMatch(/20/);
  });
});
