// Starting a release never takes a feature away silently: the share that would lose it, before the start is sent.
import { describe, expect, it } from 'vitest';
import type { Flag } from '../api-types';
import { featureLoss } from './feature-loss';

const flag = (key: string, state: 'ENABLED' | 'DISABLED', defaultVariant: string | null): Flag => ({
  key, type: 'boolean', description: '', tags: [], variants: { on: true, off: false, yes: true }, clientVisible: false, metadata: {}, archived: false,
  environments: { staging: { state, defaultVariant, targeting: null } }, createdAt: '', updatedAt: ''
});
const release = (startAt: string | null = null) => ({ flags: [{ key: 'a', inside: 'on', outside: 'off' }, { key: 'b', inside: 'on', outside: 'off' }], plan: { steps: [{ percent: 1, holdMinutes: 60 }, { percent: 100, holdMinutes: 60 }] }, startAt });
const now = Date.parse('2027-01-01T00:00:00Z');

describe('what a start takes away', () => {
  it('is the share outside the first step, for each flag on with the inside variant (or its value) as default', () => {
    expect(featureLoss(release(), [flag('a', 'ENABLED', 'on'), flag('b', 'ENABLED', 'yes')], 'staging', now)).toEqual([
      { flag: 'a', inside: 'on', losing: 99 },
      { flag: 'b', inside: 'on', losing: 99 }
    ]);
  });

  it('is nothing for a flag that is off, serves the outside variant or the code default', () => {
    expect(featureLoss(release(), [flag('a', 'DISABLED', 'on'), flag('b', 'ENABLED', 'off')], 'staging', now)).toEqual([]);
    expect(featureLoss(release(), [flag('a', 'ENABLED', null)], 'staging', now)).toEqual([]);
  });

  it('is everyone the release decides for until a start still to come', () => {
    expect(featureLoss(release('2027-01-02T00:00:00Z'), [flag('a', 'ENABLED', 'on')], 'staging', now)).toEqual([{ flag: 'a', inside: 'on', losing: 100 }]);
  });

  it('is nothing when the first step is everyone', () => {
    expect(featureLoss({ ...release(), plan: { steps: [{ percent: 100, holdMinutes: 0 }] } }, [flag('a', 'ENABLED', 'on')], 'staging', now)).toEqual([]);
  });
});
