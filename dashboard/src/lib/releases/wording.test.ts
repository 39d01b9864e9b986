// Releases in words: holds, shares of users, and what each action's confirmation says will happen.
import { describe, expect, it } from 'vitest';
import type { Release } from '../api-types-releases';
import { aboutPercent, allowed, holdText, impact } from './wording';

const r = (over: Partial<Release> = {}): Release => ({
  key: 'k', name: 'K', owner: null, notes: '', bucketBy: 'targetingKey', state: 'rolling_out', killed: false,
  flags: [{ key: 'checkout-v2', inside: 'on', outside: 'off' }, { key: 'cart', inside: 'new', outside: 'old' }],
  plan: { steps: [{ percent: 12.5, holdMinutes: 60 }, { percent: 50, holdMinutes: 60 }] }, timeline: [], startAt: '2027-01-01T00:00:00Z', startedAt: null, pausedAt: null, endedAt: null,
  guardrails: [], status: { percent: 12.5, step: 0, nextStepAt: null, releasedAt: null }, createdAt: '', updatedAt: '', ...over
});

describe('release wording', () => {
  it('says shares and holds the way people say them', () => {
    expect([aboutPercent(12.5), aboutPercent(0.01), aboutPercent(100)]).toEqual(['about 12.5 %', 'about 0.01 %', 'about 100 %']);
    expect([holdText(0), holdText(30), holdText(120), holdText(1680)]).toEqual(['no hold', '30 min', '2 h', '1 d 4 h']);
  });

  it('each confirmation says what happens to how many users', () => {
    expect(impact(r(), 'pause')).toContain('freezes at about 12.5 % of users');
    expect(impact(r(), 'pause')).toContain('the next step, 50 %, will not happen');
    expect(impact(r(), 'rollback')).toMatch(/^About 12.5 % of users lose the feature and get checkout-v2 → off and cart → old/);
    expect(impact(r(), 'kill')).toContain('Everyone gets checkout-v2 → off and cart → old');
    expect(impact(r(), 'kill')).toContain('overridden');
    expect(impact(r({ state: 'draft', startAt: null }), 'start', Date.parse('2027-01-01T00:00:00Z'))).toMatch(/^Right away, about 12.5 % of users.*No traffic is counted for this release yet, so only the share is known\.$/);
  });

  it('allows the actions the state allows, kill on any started release', () => {
    expect(allowed(r({ state: 'draft' }))).toEqual({ start: true, pause: false, resume: false, rollback: false, kill: false });
    expect(allowed(r({ state: 'paused' }))).toEqual({ start: false, pause: false, resume: true, rollback: true, kill: true });
    expect(allowed(r({ state: 'rolled_back' })).kill).toBe(true);
    expect(allowed(r({ state: 'rolled_back', killed: true })).kill).toBe(false);
  });
});

describe('release wording with exposures', () => {
  const now = Date.parse('2027-01-01T12:00:00Z');
  const x = (inside: number, outside: number, since = '2027-01-01T11:00:00Z') => ({ inside, outside, since });

  it('says how many people the share was in the last hour', () => {
    expect(impact(r(), 'rollback', now, x(1240, 8700))).toMatch(/^About 12.5 % of users \(about 1,240 people in the last hour\) lose the feature/);
    expect(impact(r(), 'kill', now, x(1240, 8700))).toContain('the about 12.5 % of users (about 1,240 people in the last hour) who have it now lose it');
    expect(impact(r(), 'pause', now, x(1, 9))).toContain('freezes at about 12.5 % of users (about 1 person in the last hour)');
    // 10,000 people in the hour: the next step (50 %) adds 37.5 points of them
    expect(impact(r(), 'resume', now, x(1250, 8750))).toContain('the next step (50 %, adding about 3,750 people at the last hour');
  });

  it('says since when for a release younger than an hour', () => {
    expect(impact(r(), 'rollback', now, x(30, 200, '2027-01-01T11:45:00Z'))).toMatch(/about 30 people since \d/);
  });

  it('falls back to the share, and says so, when no traffic is counted yet', () => {
    const text = impact(r(), 'rollback', now, x(0, 0));
    expect(text).toMatch(/^About 12.5 % of users lose the feature/);
    expect(text).toContain('No traffic is counted for this release yet, so only the share is known.');
    // unknown (a list without exposures): the share alone, no claim about traffic
    expect(impact(r(), 'rollback', now, undefined)).not.toContain('traffic');
  });
});
