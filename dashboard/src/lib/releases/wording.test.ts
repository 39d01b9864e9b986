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
    expect(impact(r({ state: 'draft', startAt: null }), 'start', Date.parse('2027-01-01T00:00:00Z'))).toMatch(/^Right away, about 12.5 % of users/);
  });

  it('allows the actions the state allows, kill on any started release', () => {
    expect(allowed(r({ state: 'draft' }))).toEqual({ start: true, pause: false, resume: false, rollback: false, kill: false });
    expect(allowed(r({ state: 'paused' }))).toEqual({ start: false, pause: false, resume: true, rollback: true, kill: true });
    expect(allowed(r({ state: 'rolled_back' })).kill).toBe(true);
    expect(allowed(r({ state: 'rolled_back', killed: true })).kill).toBe(false);
  });
});
