// Which flags the list shows (search, tag, state, type) and each flag's status in an environment at a glance.
import type { Flag, FlagEnvironmentConfig, FlagType } from '../api-types';
import { formatPercent, percentages } from '../rules/split';
import { parseTargeting } from '../rules/targeting';

/** off: disabled; on: enabled, everyone gets the default; rules: enabled with targeting; split: enabled, one split for all. */
export type EnvStatus = 'off' | 'on' | 'rules' | 'split';

export interface FlagQuery {
  text: string;
  tag: string;
  /** the status in the environment being looked at; '' for any */
  status: EnvStatus | '';
  type: FlagType | '';
}

export const emptyQuery = (): FlagQuery => ({ text: '', tag: '', status: '', type: '' });

export function envStatus(config: FlagEnvironmentConfig | undefined): EnvStatus {
  if (!config || config.state !== 'ENABLED') return 'off';
  const t = parseTargeting(config.targeting);
  if (t.form === 'none') return 'on';
  return t.form === 'bare' && t.outcome.kind === 'split' ? 'split' : 'rules';
}

/** The status as a short label: "Off", "On", "Rules", or the split's first share ("on 10.00 %"). */
export function statusLabel(config: FlagEnvironmentConfig | undefined): string {
  const status = envStatus(config);
  if (status === 'split') {
    const t = parseTargeting(config!.targeting);
    if (t.form === 'bare' && t.outcome.kind === 'split' && t.outcome.buckets.length > 0) {
      return `${t.outcome.buckets[0].variant} ${formatPercent(percentages(t.outcome.buckets)[0])}`;
    }
  }
  return { off: 'Off', on: 'On', rules: 'Rules', split: 'Split' }[status];
}

export function filterFlags(flags: readonly Flag[], query: FlagQuery, env: string): Flag[] {
  const text = query.text.trim().toLowerCase();
  return flags.filter(
    (f) =>
      (!text || f.key.toLowerCase().includes(text) || f.description.toLowerCase().includes(text)) &&
      (!query.tag || f.tags.includes(query.tag)) &&
      (!query.type || f.type === query.type) &&
      (!query.status || envStatus(f.environments[env]) === query.status)
  );
}

export function allTags(flags: readonly Flag[]): string[] {
  return [...new Set(flags.flatMap((f) => f.tags))].sort();
}
