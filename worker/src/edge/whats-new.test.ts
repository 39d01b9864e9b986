// What's new against the engine, in plain Node: notes go to exactly the users the edge serves a release to.
import { describe, expect, it } from 'vitest';
import { compileFlagSet, evaluateFlag } from '../engine';
import type { FlagSetDocument, JsonValue, ReleaseDefinition } from '../engine/types';
import { announcementsOf, whatsNewBody, whatsNewFor } from './whats-new';

const T0 = Date.parse('2027-03-01T09:00:00Z');
const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
const steps = [
  { percent: 10, holdMinutes: 60 },
  { percent: 50, holdMinutes: 60 },
  { percent: 100, holdMinutes: 60 },
];
const users = Array.from({ length: 10_000 }, (_, i) => `user-${i}`);

function release(flags: ReleaseDefinition['flags'], overrides: Partial<ReleaseDefinition> = {}): ReleaseDefinition {
  return { state: 'rolling_out', flags, salt: 'salt-' + Object.keys(flags).join(), startAt: iso(T0), steps, name: 'New checkout', notes: '# New checkout\n\nFaster.', notesHtml: '<h1>New checkout</h1>\n<p>Faster.</p>\n', ...overrides };
}

function doc(releases: Record<string, ReleaseDefinition>, targeting: Record<string, JsonValue> = {}): FlagSetDocument {
  const flag = (key: string) => ({ state: 'ENABLED' as const, variants: { on: true, off: false }, defaultVariant: 'off', ...(targeting[key] ? { targeting: targeting[key] } : {}) });
  return { flags: { 'checkout-v2': flag('checkout-v2'), 'search-v2': flag('search-v2'), 'pay-v2': flag('pay-v2') }, releases };
}

function setup(d: FlagSetDocument, clientVisible: string[] = []) {
  const set = compileFlagSet(d);
  const list = announcementsOf(d, new Set(clientVisible));
  const news = (u: string, now: number, kind: 'server' | 'client' = 'server', since?: number, ctx: Record<string, unknown> = {}) => whatsNewFor(list, set, kind, { targetingKey: u, ...ctx }, now, since);
  return { set, news };
}

describe("what's new for 10,000 users at a 10 % step", () => {
  const d = doc({ checkout: release({ 'checkout-v2': { inside: 'on', outside: 'off' } }) });
  const { set, news } = setup(d);
  const now = T0 + 30 * MIN;
  const served = users.filter((u) => evaluateFlag(set, 'checkout-v2', { targetingKey: u }, { now }).value === true);

  it('answers the notes to exactly the users the edge serves the feature to, and nothing to the others', () => {
    // about 10 % (the share itself is proven in engine/release.test.ts)
    expect(Math.abs(served.length / users.length - 0.1)).toBeLessThanOrEqual(0.01);
    const told = users.filter((u) => news(u, now).length > 0);
    expect(told).toEqual(served);
    for (const u of served.slice(0, 50)) expect(news(u, now)).toEqual([{ release: expect.objectContaining({ key: 'checkout' }), joinedAt: T0 }]);
  });

  it('tells a user who joins at the next step then, with that step’s start; `since` keeps only what is new after it', () => {
    const next = T0 + 60 * MIN;
    const joiners = users.filter((u) => evaluateFlag(set, 'checkout-v2', { targetingKey: u }, { now: next }).value === true && !served.includes(u));
    expect(joiners.length).toBeGreaterThan(3500);
    for (const u of joiners.slice(0, 200)) {
      expect(news(u, now)).toEqual([]);
      expect(news(u, next).map((e) => e.joinedAt)).toEqual([next]);
      expect(news(u, next, 'server', now)).toHaveLength(1);
      expect(news(u, next, 'server', next)).toEqual([]);
    }
    for (const u of served.slice(0, 200)) expect(news(u, next, 'server', now)).toEqual([]);
  });
});

describe("what's new", () => {
  it('announces a release of several flags to users served any of them; newest first', () => {
    const d = doc({
      checkout: release({ 'checkout-v2': { inside: 'on', outside: 'off' } }, { steps: [{ percent: 100, holdMinutes: 10 }] }),
      bundle: release({ 'search-v2': { inside: 'on', outside: 'off' }, 'pay-v2': { inside: 'on', outside: 'off' } }, { startAt: iso(T0 + 5 * MIN), steps: [{ percent: 100, holdMinutes: 10 }] }),
    }, { 'pay-v2': { if: [{ '==': [{ var: 'tier' }, 'beta'] }, 'on', null] } });
    const { news } = setup(d);
    expect(news('u1', T0 + 10 * MIN).map((e) => e.release.key)).toEqual(['bundle', 'checkout']);
  });

  it('counts the flag’s own rules: a tester served it before their step has had it since the start', () => {
    const d = doc({ checkout: release({ 'checkout-v2': { inside: 'on', outside: 'off' } }) }, { 'checkout-v2': { if: [{ '==': [{ var: 'tester' }, true] }, 'on', null] } });
    const { set, news } = setup(d);
    const now = T0 + 30 * MIN;
    const outside = users.find((u) => evaluateFlag(set, 'checkout-v2', { targetingKey: u }, { now }).value === false)!;
    expect(news(outside, now)).toEqual([]);
    expect(news(outside, now, 'server', undefined, { tester: true }).map((e) => e.joinedAt)).toEqual([T0]);
  });

  it('announces nothing before the start, after a rollback or a kill, nor a release without notes', () => {
    const flags = { 'checkout-v2': { inside: 'on', outside: 'off' } };
    const all = { steps: [{ percent: 100, holdMinutes: 10 }] };
    for (const r of [release(flags, { ...all, state: 'scheduled', startAt: iso(T0 + 60 * MIN) }), release(flags, { ...all, state: 'rolled_back' }), release(flags, { ...all, killed: true, state: 'rolled_back' }), release(flags, { ...all, notes: undefined, notesHtml: undefined })]) {
      expect(setup(doc({ r })).news('u1', T0 + 30 * MIN)).toEqual([]);
    }
    expect(setup(doc({ r: release(flags, all) })).news('u1', T0 + 30 * MIN)).toHaveLength(1);
  });

  it('shows client keys only the releases whose flags are all client-visible', () => {
    const d = doc({ bundle: release({ 'search-v2': { inside: 'on', outside: 'off' }, 'pay-v2': { inside: 'on', outside: 'off' } }, { steps: [{ percent: 100, holdMinutes: 10 }] }) });
    expect(setup(d, ['search-v2']).news('u1', T0, 'client')).toEqual([]);
    expect(setup(d, ['search-v2']).news('u1', T0, 'server')).toHaveLength(1);
    expect(setup(d, ['search-v2', 'pay-v2']).news('u1', T0, 'client')).toHaveLength(1);
  });

  it('answers JSON whose ETag follows its text', () => {
    const d = doc({ checkout: release({ 'checkout-v2': { inside: 'on', outside: 'off' } }, { steps: [{ percent: 10, holdMinutes: 60 }, { percent: 100, holdMinutes: 60 }] }) });
    const { news } = setup(d);
    const early = whatsNewBody(news('user-1', T0 + 90 * MIN));
    expect(JSON.parse(early.text)).toEqual({ releases: [{ key: 'checkout', name: 'New checkout', notes: '# New checkout\n\nFaster.', notesHtml: '<h1>New checkout</h1>\n<p>Faster.</p>\n', joinedAt: expect.any(String) }] });
    expect(whatsNewBody(news('user-1', T0 + 100 * MIN)).etag).toBe(early.etag);
    const others = users.map((u) => whatsNewBody(news(u, T0 + 90 * MIN)));
    expect(new Set(others.map((o) => o.etag)).size).toBe(new Set(others.map((o) => o.text)).size);
    expect(whatsNewBody([]).text).toBe('{"releases":[]}');
  });
});
