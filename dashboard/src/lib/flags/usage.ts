// How the edge uses a flag, in words: when it was last evaluated and how often in 24 hours, per environment; and why a
// flag is ready to clean up, with the environments whose code still references it.
import type { Environment, FlagStale, FlagUsage } from '../api-types';

const MIN = 60_000;

/** "just now", "5 min ago", "3 h ago", "12 d ago" for a past time. */
export function agoText(iso: string, now = Date.now()): string {
  const ms = Math.max(0, now - Date.parse(iso));
  if (ms < 2 * MIN) return 'just now';
  if (ms < 60 * MIN) return `${Math.floor(ms / MIN)} min ago`;
  if (ms < 48 * 60 * MIN) return `${Math.floor(ms / (60 * MIN))} h ago`;
  return `${Math.floor(ms / (24 * 60 * MIN))} d ago`;
}

/** A count for a narrow cell: 950, 12.3k, 4.5M. */
export function compactCount(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${Number((n / 1000).toFixed(n < 10_000 ? 1 : 0))}k`;
  return `${Number((n / 1_000_000).toFixed(1))}M`;
}

/** "12.3k in 24 h · 5 min ago", "none in 24 h · 3 d ago", "never evaluated" (30 days back at most). */
export function usageText(u: FlagUsage | undefined, now = Date.now()): string | null {
  if (!u) return null;
  if (!u.lastEvaluatedAt) return 'not evaluated in 30 d';
  return `${u.evaluations24h ? compactCount(u.evaluations24h) : 'none'} in 24 h · ${agoText(u.lastEvaluatedAt, now)}`;
}

/** The same in full words, for a title or a screen reader. */
export function usageTitle(u: FlagUsage | undefined, envName: string, now = Date.now()): string {
  if (!u) return '';
  if (!u.lastEvaluatedAt) return `Not evaluated in ${envName} in the last 30 days`;
  return `Evaluated ${u.evaluations24h.toLocaleString('en-US')} times in ${envName} in the last 24 hours; last ${agoText(u.lastEvaluatedAt, now)} (${new Date(u.lastEvaluatedAt).toLocaleString()})`;
}

/** The environments' names for keys, in the project's order ("Production and Staging"). */
export function envNames(keys: string[], environments: Pick<Environment, 'key' | 'name'>[]): string {
  const names = environments.filter((e) => keys.includes(e.key)).map((e) => e.name);
  for (const k of keys) if (!environments.some((e) => e.key === k)) names.push(k);
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** Why a flag is ready to clean up, in one sentence. */
export function staleText(s: FlagStale, staleAfterDays: number | null, now = Date.now()): string {
  const since = new Date(s.since).toLocaleDateString([], { day: 'numeric', month: 'short', year: 'numeric' });
  return s.reason === 'released'
    ? `Released to everyone since ${since} (${agoText(s.since, now)}${staleAfterDays ? `; ready after ${staleAfterDays} d` : ''}): remove it from the code, then archive it.`
    : `Not evaluated in any environment since ${since}: nobody reads it any more.`;
}
