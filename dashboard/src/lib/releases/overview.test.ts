// The release overview groups what needs an eye now across environments, soonest first, and says which a guardrail paused.
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../api-types';
import type { Release } from '../api-types-releases';
import { overviewGroups, pausedBy } from './overview';

const r = (key: string, state: Release['state'], nextStepAt: string | null = null, killed = false) =>
  ({ key, name: key, state, killed, startAt: null, status: { percent: 10, step: 0, nextStepAt, releasedAt: null } }) as unknown as Release;
const pause = (id: number, env: string, key: string, actor: string) =>
  ({ id, action: 'release.pause', actor, resource: `projects/default/environments/${env}/releases/${key}` }) as AuditEntry;

describe('the release overview', () => {
  it('groups paused, rolling out and scheduled releases of every environment, soonest step first, ended ones left out', () => {
    const groups = overviewGroups(
      [
        { env: 'production', releases: [r('late', 'rolling_out', '2027-01-02T00:00:00Z'), r('done', 'released'), r('killed', 'rolled_back', null, true)] },
        { env: 'staging', releases: [r('soon', 'rolling_out', '2027-01-01T00:00:00Z'), r('held', 'paused'), r('tomorrow', 'scheduled', '2027-01-03T00:00:00Z')] }
      ],
      new Map(),
      'default'
    );
    expect(groups.rollingOut.map((g) => `${g.env}/${g.release.key}`)).toEqual(['staging/soon', 'production/late']);
    expect(groups.paused.map((g) => g.release.key)).toEqual(['held']);
    expect(groups.scheduled.map((g) => g.release.key)).toEqual(['tomorrow']);
  });

  it('says which paused release a guardrail paused, from its newest pause', () => {
    const pauses = pausedBy([pause(3, 'staging', 'held', 'guardrail error_rate (readings)'), pause(1, 'staging', 'held', 'maya'), pause(2, 'staging', 'other', 'maya')]);
    const groups = overviewGroups([{ env: 'staging', releases: [r('held', 'paused'), r('other', 'paused')] }], pauses, 'default');
    expect(groups.paused.map((g) => [g.release.key, g.pausedBy])).toEqual([['held', 'guardrail error_rate (readings)'], ['other', null]]);
  });
});
