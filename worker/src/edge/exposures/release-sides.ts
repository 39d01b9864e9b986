// Which release decides each flag of a snapshot, and with which variants: how an evaluation is told inside from outside.
import type { EvaluationResult } from '../../engine/types';
import type { Snapshot } from '../../snapshot/format';
import type { Side } from '../../measure/exposure-types';

export interface ReleaseOfFlag {
  release: string;
  inside: string;
  outside: string;
  /** the context attribute the release buckets users by */
  by: string;
}

export interface ReleaseSides {
  byFlag: Map<string, ReleaseOfFlag>;
  /** each release once, by the first of its flags: a user's side is read from that flag's result */
  releases: { key: string; flag: string; by: string }[];
}

const made = new WeakMap<Snapshot, ReleaseSides | null>();

/** The snapshot's releases that serve users (not rolled back), or null when there are none: then counting keeps no users. */
export function releaseSides(snapshot: Snapshot): ReleaseSides | null {
  let sides = made.get(snapshot);
  if (sides !== undefined) return sides;
  sides = null;
  for (const [key, def] of Object.entries(snapshot.document.releases ?? {})) {
    if (def.state === 'rolled_back') continue;
    const by = def.bucketBy ?? 'targetingKey';
    const flags = Object.entries(def.flags);
    if (flags.length === 0) continue;
    sides ??= { byFlag: new Map(), releases: [] };
    sides.releases.push({ key, flag: flags[0][0], by });
    for (const [flag, v] of flags) sides.byFlag.set(flag, { release: key, inside: v.inside, outside: v.outside, by });
  }
  made.set(snapshot, sides);
  return sides;
}

/** The side of the release a result was served on; null when the variant is neither (an error, a variant of the flag's own). */
export function sideOf(rel: ReleaseOfFlag, r: EvaluationResult): Side | null {
  return r.variant === rel.inside ? 'inside' : r.variant === rel.outside ? 'outside' : null;
}

/** The value a release buckets a user by, as text; '' when the context has none (such users are not counted as users). */
export function bucketId(ctx: Record<string, unknown>, by: string): string {
  const raw = ctx[by];
  return typeof raw === 'string' ? raw : typeof raw === 'number' && Number.isFinite(raw) ? String(raw) : '';
}

/** The name a result is counted under. */
export function variantName(r: EvaluationResult): string {
  if (r.errorCode) return '(error)';
  if (r.reason === 'DISABLED') return '(disabled)';
  return r.variant ?? '(none)';
}
