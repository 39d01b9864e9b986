// Which flags the list shows (search, tag, state, type, in a release, archived) and each flag's status in an environment at a glance.
import type { Flag, FlagEnvironmentConfig, FlagType } from '../api-types';
import type { Release } from '../api-types-releases';
import { releaseLabel, releaseStatus, type ReleasesByFlag, type ReleaseStatusKind } from './release-status';
import { formatPercent, percentages } from '../rules/split';
import { parseTargeting } from '../rules/targeting';

/**
 * off: disabled; on: enabled, everyone gets the default; rules: enabled with targeting; split: enabled, one split for
 * all; or the state of the release that decides the flag there.
 */
export type EnvStatus = ConfigStatus | ReleaseStatusKind;
type ConfigStatus = 'off' | 'on' | 'rules' | 'split';

export interface FlagQuery {
  text: string;
  tag: string;
  /** the status in the environment being looked at; '' for any */
  status: EnvStatus | '';
  type: FlagType | '';
  /** only flags a release decides in the environment being looked at */
  inRelease: boolean;
  /** archived flags are hidden unless this is on */
  showArchived: boolean;
}

export const emptyQuery = (): FlagQuery => ({ text: '', tag: '', status: '', type: '', inRelease: false, showArchived: false });

/** The release, when there is one, says more than the configuration it drives. */
export function envStatus(config: FlagEnvironmentConfig | undefined, release?: Release): EnvStatus {
  return release ? releaseStatus(release) : configStatus(config);
}

function configStatus(config: FlagEnvironmentConfig | undefined): ConfigStatus {
  if (!config || config.state !== 'ENABLED') return 'off';
  const t = parseTargeting(config.targeting);
  if (t.form === 'none') return 'on';
  return t.form === 'bare' && t.outcome.kind === 'split' ? 'split' : 'rules';
}

/** The status as a short label: "Off", "On", "Rules", the split's first share ("on 10.00 %"), or the release's. */
export function statusLabel(config: FlagEnvironmentConfig | undefined, release?: Release): string {
  if (release) return releaseLabel(release);
  const status = configStatus(config);
  if (status === 'split') {
    const t = parseTargeting(config!.targeting);
    if (t.form === 'bare' && t.outcome.kind === 'split' && t.outcome.buckets.length > 0) {
      return `${t.outcome.buckets[0].variant} ${formatPercent(percentages(t.outcome.buckets)[0])}`;
    }
  }
  return { off: 'Off', on: 'On', rules: 'Rules', split: 'Split' }[status];
}

/** `releases`: the release deciding each flag in `env`. */
export function filterFlags(flags: readonly Flag[], query: FlagQuery, env: string, releases: ReleasesByFlag = {}): Flag[] {
  const text = query.text.trim().toLowerCase();
  return flags.filter(
    (f) =>
      (query.showArchived || !f.archived) &&
      (!text || f.key.toLowerCase().includes(text) || f.description.toLowerCase().includes(text)) &&
      (!query.tag || f.tags.includes(query.tag)) &&
      (!query.type || f.type === query.type) &&
      (!query.inRelease || f.key in releases) &&
      (!query.status || envStatus(f.environments[env], releases[f.key]) === query.status)
  );
}

export function allTags(flags: readonly Flag[]): string[] {
  return [...new Set(flags.flatMap((f) => f.tags))].sort();
}
