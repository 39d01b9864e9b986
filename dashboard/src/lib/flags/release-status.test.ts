// A flag's release in the list: shown while it owns the flag, a note once it has ended.
import { describe, expect, it } from 'vitest';
import type { FlagEnvironmentConfig, FlagRelease } from '../api-types';
import { endedRelease, owningRelease, releaseDescription, releaseLabel, releaseStatus } from './release-status';

const release = (over: Partial<FlagRelease> = {}): FlagRelease => ({
  key: 'r', name: 'New checkout', state: 'rolling_out', killed: false, percent: 10, nextStepAt: null, inside: 'on', outside: 'off', owns: true, ...over
});
const config = (r: FlagRelease | null): FlagEnvironmentConfig => ({ state: 'ENABLED', defaultVariant: 'on', targeting: null, release: r });

describe('which release a flag shows', () => {
  it('shows the release while it owns the flag, and only notes it once it has ended', () => {
    expect(owningRelease(config(release()))?.key).toBe('r');
    expect(endedRelease(config(release()))).toBeNull();
    const ended = release({ state: 'released', owns: false });
    expect(owningRelease(config(ended))).toBeNull();
    expect(endedRelease(config(ended))?.state).toBe('released');
    expect(owningRelease(config(null))).toBeNull();
    expect(owningRelease(undefined)).toBeNull();
  });
});

describe('a release’s status in the list', () => {
  it.each([
    [{ state: 'rolling_out' }, 'rolling_out', 'rolling out 10 %'],
    [{ state: 'rolling_out', percent: 30.5 }, 'rolling_out', 'rolling out 30.5 %'],
    [{ state: 'rolling_out', percent: 12.345 }, 'rolling_out', 'rolling out 12.35 %'],
    [{ state: 'scheduled' }, 'scheduled', 'scheduled'],
    [{ state: 'paused' }, 'paused', 'paused'],
    [{ state: 'released' }, 'released', 'released'],
    [{ state: 'rolled_back' }, 'rolled_back', 'rolled back'],
    [{ state: 'rolled_back', killed: true }, 'killed', 'killed']
  ] as [Partial<FlagRelease>, string, string][])('%o is %s, "%s"', (over, status, label) => {
    const r = release(over);
    expect(releaseStatus(r)).toBe(status);
    expect(releaseLabel(r)).toBe(label);
  });

  it('names the release, and where a paused one froze', () => {
    expect(releaseDescription(release({ state: 'paused' }))).toBe('paused at 10 % (release New checkout)');
  });
});
