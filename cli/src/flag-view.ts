// A flag's status in an environment in a few words, as the flag list in the dashboard shows it: off, on (serving
// which variant), with rules, a split, or the release that decides it while it runs.
import type { Flag, FlagEnvironment } from './api';

const percent = (p: number) => `${p}%`;

/** The release's words while it owns the flag: what users get is the release's, not the flag's switch. */
export function releaseWords(r: NonNullable<FlagEnvironment['release']>): string {
  const state = r.state === 'rolling_out' ? `rolling out ${percent(r.percent)}` : r.state === 'paused' ? `paused at ${percent(r.percent)}` : r.state === 'scheduled' ? `scheduled${r.nextStepAt ? ` for ${r.nextStepAt}` : ''}` : r.state.replace('_', ' ');
  return `release ${r.key}: ${state}`;
}

/** Whether targeting is a split for everyone (a top-level fractional) rather than rules. */
const isSplit = (targeting: unknown) => targeting !== null && typeof targeting === 'object' && Object.keys(targeting).length === 1 && 'fractional' in (targeting as object);

/** The flag's own configuration in words: off, on → variant, rules, split. */
export function configWords(config: Pick<FlagEnvironment, 'state' | 'defaultVariant' | 'targeting'>): string {
  if (config.state === 'DISABLED') return 'off';
  const hasRules = config.targeting !== null && config.targeting !== undefined && Object.keys(config.targeting as object).length > 0;
  if (hasRules && isSplit(config.targeting)) return 'on, split';
  const serves = config.defaultVariant === null ? 'the code default' : `"${config.defaultVariant}"`;
  return hasRules ? `on, rules, else ${serves}` : `on, serves ${serves}`;
}

/** What users get in `env`: the release's state while it owns the flag, else the flag's own configuration (and how its last release ended). */
export function statusIn(flag: Flag, env: string): string {
  const config = flag.environments[env];
  if (!config) return '-';
  const r = config.release;
  if (r?.owns) return releaseWords(r);
  const ended = r && !r.owns && (r.state === 'released' || r.state === 'rolled_back') ? ` (${r.killed ? 'killed' : r.state.replace('_', ' ')}: ${r.key})` : '';
  return `${configWords(config)}${ended}`;
}

/** The environments where the flag serves something (on, or under a release), for warnings before a delete. */
export function liveIn(flag: Flag): string[] {
  return Object.entries(flag.environments)
    .filter(([, c]) => c.state === 'ENABLED' || c.release?.owns)
    .map(([env]) => env);
}
