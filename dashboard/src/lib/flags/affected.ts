// How many users a change of a flag's configuration affects, for the confirmation a protected environment asks for:
// exact where what everyone gets is one variant or one split (bucketing keeps each user's place in [0, 100)), and
// said to depend on who matches when rules decide.
import type { FlagEnvironmentConfig } from '../api-types';
import { sameJson } from '../rules/json';
import { parseTargeting } from '../rules/targeting';

type Config = Pick<FlagEnvironmentConfig, 'state' | 'defaultVariant' | 'targeting'>;

export interface Affected {
  /** the share of users whose answer changes (0–100), null when it depends on who the rules match */
  percent: number | null;
}

/** What each place in [0, 100) gets, in order: one range for everyone, or a split's ranges; null with rules. */
function places(config: Config): { bucketBy: string | null; ranges: [string, number, number][] } | null {
  if (config.state !== 'ENABLED') return { bucketBy: null, ranges: [['(off)', 0, 100]] };
  const t = parseTargeting(config.targeting);
  const fallback = config.defaultVariant ?? '(code default)';
  if (t.form === 'none') return { bucketBy: null, ranges: [[fallback, 0, 100]] };
  if (t.form !== 'bare') return null;
  const o = t.outcome;
  if (o.kind === 'variant') return { bucketBy: null, ranges: [[o.variant, 0, 100]] };
  if (o.kind === 'default') return { bucketBy: null, ranges: [[fallback, 0, 100]] };
  if (o.kind !== 'split') return null;
  const total = o.buckets.reduce((s, b) => s + Math.max(0, b.weight), 0);
  if (total <= 0) return null;
  let at = 0;
  const ranges = o.buckets.map((b): [string, number, number] => {
    const from = at;
    at += (Math.max(0, b.weight) / total) * 100;
    return [b.variant, from, at];
  });
  return { bucketBy: o.bucketBy, ranges };
}

const uniform = (p: NonNullable<ReturnType<typeof places>>) => p.ranges.length === 1;

/** The share of users who get something else after the change than before it. */
export function affectedUsers(before: Config, after: Config): Affected {
  if (before.state === after.state && before.defaultVariant === after.defaultVariant && sameJson(before.targeting ?? null, after.targeting ?? null)) return { percent: 0 };
  if (before.state !== after.state) return { percent: 100 };
  const a = places(before);
  const b = places(after);
  // splits bucketed by different attributes put users in unrelated places: only a uniform side compares
  if (!a || !b || (a.bucketBy !== b.bucketBy && !uniform(a) && !uniform(b))) return { percent: null };
  let same = 0;
  for (const [va, fa, ta] of a.ranges) for (const [vb, fb, tb] of b.ranges) if (va === vb) same += Math.max(0, Math.min(ta, tb) - Math.max(fa, fb));
  return { percent: Math.round((100 - same) * 100) / 100 };
}

/** The share in words, for an environment. */
export function affectedText(affected: Affected, envName: string): string {
  const p = affected.percent;
  if (p === null) return `the users in ${envName} whose answer the changed rules decide: how many depends on who matches them`;
  if (p === 0) return `no user in ${envName}: everyone gets what they get now`;
  if (p === 100) return `every user in ${envName} (100 %)`;
  return `about ${Number(p.toFixed(2))} % of users in ${envName}`;
}

