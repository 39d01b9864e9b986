// A flag's release in the list: its status while it owns the flag (rolling out N %, scheduled, paused), and the note
// an ended one leaves (released, rolled back, killed), from the flag view's `environments[env].release`.
import type { FlagEnvironmentConfig, FlagRelease } from '../api-types';

/** The release statuses a flag can show instead of its own off/on/rules/split, or beside it once ended. */
export type ReleaseStatusKind = 'rolling_out' | 'scheduled' | 'paused' | 'released' | 'rolled_back' | 'killed';

/** What the status words need of a release: the flag's summary of it, or the whole release. */
export interface ReleaseLike {
  name: string;
  state: string;
  killed: boolean;
  percent: number;
}

/** The release that decides the flag here now (scheduled, rolling out or paused), if any. */
export const owningRelease = (config: FlagEnvironmentConfig | undefined): FlagRelease | null => (config?.release?.owns ? config.release : null);

/** The release that last decided the flag here and has ended (its outcome is now the flag's own configuration). */
export const endedRelease = (config: FlagEnvironmentConfig | undefined): FlagRelease | null => (config?.release && !config.release.owns ? config.release : null);

export function releaseStatus(release: Pick<ReleaseLike, 'state' | 'killed'>): ReleaseStatusKind {
  if (release.killed) return 'killed';
  return release.state === 'draft' ? 'scheduled' : (release.state as ReleaseStatusKind);
}

/** Two decimals at most, no trailing zeros: 30.5 %, 10 %, 0.25 %. */
export const percentText = (percent: number) => `${Number(percent.toFixed(2))} %`;

/** "rolling out 30.5 %", "scheduled", "paused", "released", "rolled back", "killed". */
export function releaseLabel(release: ReleaseLike): string {
  const status = releaseStatus(release);
  if (status === 'rolling_out') return `rolling out ${percentText(release.percent)}`;
  return status === 'rolled_back' ? 'rolled back' : status;
}

/** The longer description for a title: the release's name and, where it means something, its share. */
export function releaseDescription(release: ReleaseLike): string {
  const status = releaseStatus(release);
  const share = status === 'paused' ? ` at ${percentText(release.percent)}` : '';
  return `${releaseLabel(release)}${share} (release ${release.name})`;
}
