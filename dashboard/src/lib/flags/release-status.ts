// Which release decides each flag in an environment, and that release's part of the flag's status at a glance.
import type { Release } from '../api-types-releases';

/** The release statuses a flag can show instead of its own off/on/rules/split. */
export type ReleaseStatusKind = 'rolling_out' | 'scheduled' | 'paused' | 'released' | 'rolled_back' | 'killed';

/** The release deciding each flag, by flag key. */
export type ReleasesByFlag = Record<string, Release>;

/** When a release takes (or took) over: its planned start, else its creation. */
const since = (r: Release) => Date.parse(r.startAt ?? r.createdAt) || 0;

/**
 * For each flag, the newest release that names it and is not a draft: a draft serves nothing, and a newer
 * release of the same flag overrides an older one (as the edge does).
 */
export function releasesByFlag(releases: readonly Release[]): ReleasesByFlag {
  const byFlag: ReleasesByFlag = {};
  for (const release of releases) {
    if (release.state === 'draft') continue;
    for (const { key } of release.flags) {
      const held = byFlag[key];
      if (!held || since(release) > since(held)) byFlag[key] = release;
    }
  }
  return byFlag;
}

export function releaseStatus(release: Release): ReleaseStatusKind {
  if (release.killed) return 'killed';
  // a draft never decides a flag (releasesByFlag leaves it out); treat one passed in as not yet started
  return release.state === 'draft' ? 'scheduled' : release.state;
}

/** Two decimals at most, no trailing zeros: 30.5, 10, 0.25. */
const percentText = (percent: number) => `${Number(percent.toFixed(2))} %`;

/** "rolling out 30.5 %", "scheduled", "paused", "released", "rolled back", "killed". */
export function releaseLabel(release: Release): string {
  const status = releaseStatus(release);
  if (status === 'rolling_out') return `rolling out ${percentText(release.status.percent)}`;
  return status === 'rolled_back' ? 'rolled back' : status;
}

/** The longer description for the chip's title: the release's name and, where it means something, its share. */
export function releaseDescription(release: Release): string {
  const status = releaseStatus(release);
  const share = status === 'paused' ? ` at ${percentText(release.status.percent)}` : '';
  return `${releaseLabel(release)}${share} (release ${release.name})`;
}
