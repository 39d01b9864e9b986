// Which release decides a flag in the list, and how its status reads.
import { describe, expect, it } from 'vitest';
import type { Release } from '../api-types-releases';
import { releaseDescription, releaseLabel, releasesByFlag, releaseStatus } from './release-status';

const release = (key: string, flags: string[], over: Partial<Release> = {}): Release => ({
  key, name: key, owner: null, notes: '', bucketBy: 'targetingKey', state: 'rolling_out', killed: false,
  flags: flags.map((f) => ({ key: f, inside: 'on', outside: 'off' })), plan: { steps: [{ percent: 100, holdMinutes: 0 }] },
  startAt: '2026-11-01T10:00:00.000Z', startedAt: null, pausedAt: null, endedAt: null, guardrails: [],
  status: { percent: 10, step: 0, nextStepAt: null, releasedAt: null }, createdAt: '2026-11-01T09:00:00.000Z', updatedAt: '', ...over
});

describe('the release deciding each flag', () => {
  it('is the newest by start that names it, whatever order the list comes in', () => {
    const old = release('old', ['a', 'b'], { state: 'released', startAt: '2026-10-01T10:00:00.000Z' });
    const recent = release('recent', ['a']);
    expect(releasesByFlag([old, recent]).a.key).toBe('recent');
    expect(releasesByFlag([recent, old]).a.key).toBe('recent');
    expect(releasesByFlag([old, recent]).b.key).toBe('old');
  });

  it('leaves drafts out, so an older running release still decides', () => {
    const running = release('running', ['a']);
    const draft = release('draft', ['a', 'c'], { state: 'draft', startAt: null, createdAt: '2026-11-20T00:00:00.000Z' });
    const byFlag = releasesByFlag([draft, running]);
    expect(byFlag.a.key).toBe('running');
    expect('c' in byFlag).toBe(false);
  });

  it('falls back on the creation time for a release without a start', () => {
    const scheduled = release('scheduled', ['a'], { state: 'scheduled', startAt: null, createdAt: '2026-11-02T00:00:00.000Z' });
    expect(releasesByFlag([release('running', ['a']), scheduled]).a.key).toBe('scheduled');
  });
});

describe('a release’s status in the list', () => {
  it.each([
    [{ state: 'rolling_out' }, 'rolling_out', 'rolling out 10 %'],
    [{ state: 'rolling_out', status: { percent: 30.5, step: 0, nextStepAt: null, releasedAt: null } }, 'rolling_out', 'rolling out 30.5 %'],
    [{ state: 'rolling_out', status: { percent: 12.345, step: 0, nextStepAt: null, releasedAt: null } }, 'rolling_out', 'rolling out 12.35 %'],
    [{ state: 'scheduled' }, 'scheduled', 'scheduled'],
    [{ state: 'paused' }, 'paused', 'paused'],
    [{ state: 'released' }, 'released', 'released'],
    [{ state: 'rolled_back' }, 'rolled_back', 'rolled back'],
    [{ state: 'rolled_back', killed: true }, 'killed', 'killed']
  ] as [Partial<Release>, string, string][])('%o is %s, "%s"', (over, status, label) => {
    const r = release('r', ['a'], over);
    expect(releaseStatus(r)).toBe(status);
    expect(releaseLabel(r)).toBe(label);
  });

  it('names the release, and where a paused one froze', () => {
    expect(releaseDescription(release('new-checkout', ['a'], { state: 'paused', name: 'New checkout' }))).toBe('paused at 10 % (release New checkout)');
  });
});
