// Releases in the engine, with the evaluation time passed in: plans, membership, pause, rollback, kill.
import { describe, expect, it } from 'vitest';
import { compileFlagSet, evaluateFlag, releasePosition, validateReleases } from './index';
import type { FlagSetDocument, JsonValue, ReleaseDefinition } from './types';

const T0 = Date.parse('2026-12-01T09:00:00Z');
const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
const plan = [
  { percent: 1, holdMinutes: 60 },
  { percent: 5, holdMinutes: 60 },
  { percent: 25, holdMinutes: 120 },
  { percent: 50, holdMinutes: 120 },
  { percent: 100, holdMinutes: 1440 },
];

function release(overrides: Partial<ReleaseDefinition> = {}): ReleaseDefinition {
  return { state: 'rolling_out', flags: { 'checkout-v2': { inside: 'on', outside: 'off' } }, salt: 'r1-salt', startAt: iso(T0), steps: plan, ...overrides };
}

function doc(rel: ReleaseDefinition | null, targeting?: JsonValue, state: 'ENABLED' | 'DISABLED' = 'ENABLED'): FlagSetDocument {
  return {
    flags: { 'checkout-v2': { state, variants: { on: true, off: false }, defaultVariant: 'on', ...(targeting ? { targeting } : {}) } },
    ...(rel ? { releases: { r1: rel } } : {}),
  };
}

const users = Array.from({ length: 10_000 }, (_, i) => `user-${i}`);
const inside = (set: ReturnType<typeof compileFlagSet>, now: number, ctx: Record<string, unknown> = {}) =>
  users.filter((u) => evaluateFlag(set, 'checkout-v2', { targetingKey: u, ...ctx }, { now }).value === true);

describe('a release plan', () => {
  it('steps on time: percentage, current step and next step from the evaluation time', () => {
    const def = release();
    expect(releasePosition(def, T0 - 1)).toMatchObject({ percent: 0, step: null, nextStepAt: T0 });
    expect(releasePosition(def, T0)).toMatchObject({ percent: 1, step: 0, nextStepAt: T0 + 60 * MIN });
    expect(releasePosition(def, T0 + 60 * MIN - 1)).toMatchObject({ percent: 1, step: 0 });
    expect(releasePosition(def, T0 + 60 * MIN)).toMatchObject({ percent: 5, step: 1, nextStepAt: T0 + 120 * MIN });
    expect(releasePosition(def, T0 + 300 * MIN)).toMatchObject({ percent: 50, step: 3, nextStepAt: T0 + 360 * MIN });
    expect(releasePosition(def, T0 + 360 * MIN)).toMatchObject({ percent: 100, step: 4, nextStepAt: null, completeAt: T0 + 1800 * MIN });
  });

  it('stands still while paused, and serves nobody once rolled back', () => {
    const paused = release({ state: 'paused', pausedAt: iso(T0 + 90 * MIN) });
    expect(releasePosition(paused, T0 + 1000 * MIN)).toMatchObject({ percent: 5, step: 1, nextStepAt: null });
    expect(releasePosition(release({ state: 'rolled_back' }), T0 + 1000 * MIN).percent).toBe(0);
    expect(releasePosition(release({ state: 'released' }), T0).percent).toBe(100);
  });
});

describe('membership', () => {
  it('only grows: whoever is in at one step is in at every later one, and each step serves its share ±0.5 points', () => {
    const set = compileFlagSet(doc(release()));
    let previous = new Set<string>();
    for (const [i, step] of plan.entries()) {
      const at = T0 + plan.slice(0, i).reduce((t, s) => t + s.holdMinutes * MIN, 0);
      const now = new Set(inside(set, at));
      for (const u of previous) expect(now.has(u)).toBe(true);
      expect(Math.abs((now.size / users.length) * 100 - step.percent)).toBeLessThanOrEqual(0.5);
      previous = now;
    }
    expect(previous.size).toBe(users.length);
  });

  it('serves the outside variant to everyone before a scheduled start', () => {
    const set = compileFlagSet(doc(release({ state: 'scheduled', startAt: iso(T0 + 60 * MIN) })));
    expect(inside(set, T0)).toEqual([]);
    const r = evaluateFlag(set, 'checkout-v2', { targetingKey: 'u' }, { now: T0 });
    expect(r).toMatchObject({ value: false, variant: 'off' });
  });

  it('answers SPLIT for users bucketed by the release', () => {
    const set = compileFlagSet(doc(release()));
    const reasons = new Set(users.slice(0, 300).map((u) => evaluateFlag(set, 'checkout-v2', { targetingKey: u }, { now: T0 + 200 * MIN }).reason));
    expect(reasons).toEqual(new Set(['SPLIT']));
  });

  it('picks different first users for releases with different salts', () => {
    const a = new Set(inside(compileFlagSet(doc(release({ salt: 'a' }))), T0));
    const b = inside(compileFlagSet(doc(release({ salt: 'b' }))), T0);
    const both = b.filter((u) => a.has(u)).length;
    expect(a.size).toBeGreaterThan(50);
    expect(both).toBeLessThan(a.size / 2);
  });

  it('buckets by another attribute when told, and keeps users without one outside', () => {
    const set = compileFlagSet(doc(release({ bucketBy: 'accountId' })));
    const now = T0 + 300 * MIN; // 50 %
    const byAccount = (acc: string) => users.slice(0, 50).map((u) => evaluateFlag(set, 'checkout-v2', { targetingKey: u, accountId: acc }, { now }).value);
    for (const acc of ['acc-1', 'acc-2', 'acc-3']) expect(new Set(byAccount(acc)).size).toBe(1);
    expect(evaluateFlag(set, 'checkout-v2', { targetingKey: 'u1' }, { now }).value).toBe(false);
  });

  it('keeps the flag’s own rules first: testers always in, a blocked region always out', () => {
    const rules: JsonValue = { if: [{ ends_with: [{ var: 'email' }, '@acme.com'] }, 'on', { '==': [{ var: 'region' }, 'xx'] }, 'off', null] };
    const set = compileFlagSet(doc(release(), rules));
    const now = T0; // 1 %
    expect(inside(set, now, { email: 'ann@acme.com' }).length).toBe(users.length);
    expect(inside(set, now, { region: 'xx' }).length).toBe(0);
    const share = inside(set, now, { region: 'de' }).length / users.length;
    expect(share).toBeGreaterThan(0.005);
    expect(share).toBeLessThan(0.015);
  });
});

describe('pause, resume, rollback and kill', () => {
  it('pause freezes the share; resume continues with the same users, not re-bucketed', () => {
    const before = inside(compileFlagSet(doc(release())), T0 + 90 * MIN);
    const paused = compileFlagSet(doc(release({ state: 'paused', pausedAt: iso(T0 + 90 * MIN) })));
    expect(inside(paused, T0 + 5000 * MIN)).toEqual(before);
    // resumed two days later: the plan's anchor moves on by the pause, the rest of step 2 follows
    const shift = 2 * 1440 * MIN;
    const resumed = compileFlagSet(doc(release({ startAt: iso(T0 + shift) })));
    expect(inside(resumed, T0 + shift + 90 * MIN)).toEqual(before);
    const later = new Set(inside(resumed, T0 + shift + 120 * MIN));
    for (const u of before) expect(later.has(u)).toBe(true);
    expect(later.size).toBeGreaterThan(before.length);
  });

  it('an ended release (rolled back or released) decides nothing: its flag serves its own configuration, where the outcome was written', () => {
    const rules: JsonValue = { if: [{ ends_with: [{ var: 'email' }, '@acme.com'] }, 'off', null] };
    for (const state of ['rolled_back', 'released'] as const) {
      // the flag's default variant is "on": the release no longer puts anyone outside
      const set = compileFlagSet(doc(release({ state }), rules));
      expect(inside(set, T0 + 400 * MIN).length).toBe(users.length);
      expect(evaluateFlag(set, 'checkout-v2', { targetingKey: 'u', email: 'a@acme.com' }, { now: T0 }).value).toBe(false);
    }
  });

  it('kill serves the outside variant to everyone, over the flag’s own rules', () => {
    const rules: JsonValue = { if: [{ ends_with: [{ var: 'email' }, '@acme.com'] }, 'on', null] };
    const set = compileFlagSet(doc(release({ killed: true }), rules));
    const r = evaluateFlag(set, 'checkout-v2', { targetingKey: 'u', email: 'a@acme.com' }, { now: T0 });
    expect(r).toMatchObject({ value: false, variant: 'off', reason: 'STATIC' });
  });

  it('leaves a disabled flag disabled (the caller’s code default)', () => {
    const set = compileFlagSet(doc(release({ state: 'released' }), undefined, 'DISABLED'));
    expect(evaluateFlag(set, 'checkout-v2', { targetingKey: 'u' }, { now: T0 })).toMatchObject({ reason: 'DISABLED' });
  });

  it('a damaged release fails its own flags alone', () => {
    const d = doc(release({ steps: 'nope' as never }));
    d.flags.other = { state: 'ENABLED', variants: { a: 'a' }, defaultVariant: 'a' };
    const set = compileFlagSet(d);
    expect(evaluateFlag(set, 'other', {}, { now: T0 }).value).toBe('a');
    expect(evaluateFlag(set, 'checkout-v2', { targetingKey: 'u' }, { now: T0 }).value).not.toBe(true);
  });
});

describe('validateReleases', () => {
  it('accepts a valid plan', () => expect(validateReleases(doc(release()))).toEqual([]));

  it.each([
    ['a shrinking plan', { steps: [{ percent: 10, holdMinutes: 1 }, { percent: 5, holdMinutes: 1 }] }, '/releases/r1/steps/1/percent'],
    ['three decimals', { steps: [{ percent: 1.005, holdMinutes: 1 }] }, '/releases/r1/steps/0/percent'],
    ['no steps', { steps: [] }, '/releases/r1/steps'],
    ['an unknown flag', { flags: { nope: { inside: 'on', outside: 'off' } } }, '/releases/r1/flags/nope'],
    ['an unknown variant', { flags: { 'checkout-v2': { inside: 'yes', outside: 'off' } } }, '/releases/r1/flags/checkout-v2/inside'],
    ['a bad start', { startAt: 'soon' }, '/releases/r1/startAt'],
    ['a negative hold', { steps: [{ percent: 1, holdMinutes: -1 }] }, '/releases/r1/steps/0/holdMinutes'],
  ])('refuses %s', (_name, change, path) => {
    expect(validateReleases(doc(release(change as Partial<ReleaseDefinition>))).map((i) => i.path)).toContain(path);
  });

  it('refuses a flag in two releases', () => {
    const d = doc(release());
    d.releases!.r2 = release({ salt: 'x' });
    expect(validateReleases(d).map((i) => i.path)).toContain('/releases/r2/flags/checkout-v2');
  });
});
