// When the plan took a user in (releaseJoinedAt): the same buckets as the edge's evaluation, step by step.
import { describe, expect, it } from 'vitest';
import { compileFlagSet, evaluateFlag, releaseJoinedAt } from './index';
import type { FlagSetDocument, ReleaseDefinition } from './types';

const T0 = Date.parse('2026-12-01T09:00:00Z');
const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
const plan = [
  { percent: 1, holdMinutes: 60 },
  { percent: 10, holdMinutes: 60 },
  { percent: 50, holdMinutes: 120 },
  { percent: 100, holdMinutes: 1440 },
];
const stepStarts = [T0, T0 + 60 * MIN, T0 + 120 * MIN, T0 + 240 * MIN];

const release = (overrides: Partial<ReleaseDefinition> = {}): ReleaseDefinition => ({
  state: 'rolling_out',
  flags: { 'checkout-v2': { inside: 'on', outside: 'off' } },
  salt: 'join-salt',
  startAt: iso(T0),
  steps: plan,
  ...overrides,
});

const doc = (rel: ReleaseDefinition): FlagSetDocument => ({
  flags: { 'checkout-v2': { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'on' } },
  releases: { r1: rel },
});

const users = Array.from({ length: 10_000 }, (_, i) => `user-${i}`);

describe('releaseJoinedAt', () => {
  it('is, for each of 10,000 users, the start of the first step at which the edge serves them the release', () => {
    const def = release();
    const set = compileFlagSet(doc(def));
    const firstServed = new Map<string, number>();
    for (const at of stepStarts) {
      for (const u of users) {
        if (!firstServed.has(u) && evaluateFlag(set, 'checkout-v2', { targetingKey: u }, { now: at }).value === true) firstServed.set(u, at);
      }
    }
    expect(firstServed.size).toBe(users.length);
    for (const u of users) expect(releaseJoinedAt(def, { targetingKey: u })).toBe(firstServed.get(u));
    // about 1 % joined at the first step, 9 % more at the second
    const joinedAt = (t: number) => users.filter((u) => firstServed.get(u) === t).length;
    expect(Math.abs(joinedAt(stepStarts[0]) - 100)).toBeLessThanOrEqual(50);
    expect(Math.abs(joinedAt(stepStarts[1]) - 900)).toBeLessThanOrEqual(50);
  });

  it('buckets by the release’s attribute, and is null without a bucketing value', () => {
    const def = release({ bucketBy: 'org.id' });
    const set = compileFlagSet(doc(def));
    const now = stepStarts[2];
    for (const id of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 42]) {
      const ctx = { targetingKey: 'same-user', org: { id } };
      const served = evaluateFlag(set, 'checkout-v2', ctx, { now }).value === true;
      const joined = releaseJoinedAt(def, ctx);
      expect(joined !== null && joined <= now).toBe(served);
    }
    expect(releaseJoinedAt(def, { targetingKey: 'u1' })).toBeNull();
    expect(releaseJoinedAt(release(), {})).toBeNull();
    expect(releaseJoinedAt(release(), { targetingKey: '' })).toBeNull();
  });

  it('is null for users no step of a plan that stops short of 100 % covers; a released release covers everyone', () => {
    const half = release({ steps: [{ percent: 50, holdMinutes: 60 }] });
    const joined = users.slice(0, 1000).map((u) => releaseJoinedAt(half, { targetingKey: u }));
    expect(joined.filter((j) => j === null).length).toBeGreaterThan(400);
    expect(joined.filter((j) => j === T0).length).toBeGreaterThan(400);
    const released = { ...half, state: 'released' as const };
    for (const u of users.slice(0, 1000)) expect(releaseJoinedAt(released, { targetingKey: u })).toBe(releaseJoinedAt(half, { targetingKey: u }) ?? T0 + 60 * MIN);
  });

  it('during a pause, the users served joined at or before the pause', () => {
    const pausedAt = T0 + 90 * MIN;
    const def = release({ state: 'paused', pausedAt: iso(pausedAt) });
    const set = compileFlagSet(doc(def));
    const later = T0 + 1000 * MIN;
    for (const u of users.slice(0, 2000)) {
      const served = evaluateFlag(set, 'checkout-v2', { targetingKey: u }, { now: later }).value === true;
      const joined = releaseJoinedAt(def, { targetingKey: u })!;
      expect(served).toBe(joined <= pausedAt);
    }
  });
});
