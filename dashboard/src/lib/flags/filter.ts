// Which flags the list shows (search, tag, state, type, in a release, ready to clean up, archived) and each flag's status in an environment
// at a glance: the release's while one owns the flag there, else the flag's own (what the edge serves).
import type { Flag, FlagEnvironmentConfig, FlagType, JsonValue } from '../api-types';
import { endedRelease, owningRelease, releaseLabel, releaseStatus, type ReleaseStatusKind } from './release-status';
import { formatPercent, percentages } from '../rules/split';
import { parseTargeting } from '../rules/targeting';

/**
 * off: disabled; on: enabled, everyone gets the default; rules: enabled with targeting; split: enabled, one split for
 * all; or the state of the release that owns the flag there.
 */
export type EnvStatus = ConfigStatus | ReleaseStatusKind;
type ConfigStatus = 'off' | 'on' | 'rules' | 'split';

export interface FlagQuery {
  text: string;
  tag: string;
  /** the status in the environment being looked at ('released', 'rolled_back', 'killed': its last release ended so); '' for any */
  status: EnvStatus | '';
  type: FlagType | '';
  /** only flags a release owns in the environment being looked at */
  inRelease: boolean;
  /** archived flags are hidden unless this is on */
  showArchived: boolean;
  /** only flags ready to clean up (stale: released to everyone long enough, or evaluated nowhere for 30 days) */
  stale: boolean;
}

export const emptyQuery = (): FlagQuery => ({ text: '', tag: '', status: '', type: '', inRelease: false, showArchived: false, stale: false });

/** The owning release, when there is one, says what users get; otherwise the flag's own configuration does. */
export function envStatus(config: FlagEnvironmentConfig | undefined): EnvStatus {
  const release = owningRelease(config);
  return release ? releaseStatus(release) : configStatus(config);
}

function configStatus(config: FlagEnvironmentConfig | undefined): ConfigStatus {
  if (!config || config.state !== 'ENABLED') return 'off';
  const t = parseTargeting(config.targeting);
  if (t.form === 'none') return 'on';
  return t.form === 'bare' && t.outcome.kind === 'split' ? 'split' : 'rules';
}

/**
 * The status as a short label: "Off"; "On" (or "On: red" when everyone gets a variant other than a boolean's true);
 * "Rules"; the split's first share ("on 10.00 %"); or the owning release's ("rolling out 30 %").
 */
export function statusLabel(config: FlagEnvironmentConfig | undefined, variants: Record<string, JsonValue> = {}): string {
  const release = owningRelease(config);
  if (release) return releaseLabel(release);
  const status = configStatus(config);
  if (status === 'split') {
    const t = parseTargeting(config!.targeting);
    if (t.form === 'bare' && t.outcome.kind === 'split' && t.outcome.buckets.length > 0) {
      return `${t.outcome.buckets[0].variant} ${formatPercent(percentages(t.outcome.buckets)[0])}`;
    }
  }
  if (status === 'on') {
    const served = config!.defaultVariant;
    if (served === null) return 'On: code default';
    if (variants[served] !== true && Object.keys(variants).length > 0) return `On: ${served}`;
  }
  return { off: 'Off', on: 'On', rules: 'Rules', split: 'Split' }[status];
}

function matchesStatus(config: FlagEnvironmentConfig | undefined, status: EnvStatus): boolean {
  if (status === 'released' || status === 'rolled_back' || status === 'killed') {
    const ended = endedRelease(config);
    return !!ended && releaseStatus(ended) === status;
  }
  return envStatus(config) === status;
}

export function filterFlags(flags: readonly Flag[], query: FlagQuery, env: string): Flag[] {
  const text = query.text.trim().toLowerCase();
  return flags.filter(
    (f) =>
      (query.showArchived || !f.archived) &&
      (!text || f.key.toLowerCase().includes(text) || f.description.toLowerCase().includes(text)) &&
      (!query.tag || f.tags.includes(query.tag)) &&
      (!query.type || f.type === query.type) &&
      (!query.inRelease || owningRelease(f.environments[env]) !== null) &&
      (!query.stale || !!f.stale) &&
      (!query.status || matchesStatus(f.environments[env], query.status))
  );
}

export function allTags(flags: readonly Flag[]): string[] {
  return [...new Set(flags.flatMap((f) => f.tags))].sort();
}
