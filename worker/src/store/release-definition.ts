// From release rows to what the edge evaluates: each flag decided by its most recently started release.
import type { ReleaseDefinition } from '../engine/types';
import type { ReleaseRow } from './db';

const iso = (ms: number) => new Date(ms).toISOString();

/** One release as the engine reads it; null for a draft (drafts never reach the edge). */
export function releaseDefinition(row: ReleaseRow, only?: (flagKey: string) => boolean): ReleaseDefinition | null {
  if (row.state === 'draft' || row.anchorAt === null) return null;
  const flags: ReleaseDefinition['flags'] = {};
  for (const f of row.flags) if (!only || only(f.key)) flags[f.key] = { inside: f.inside, outside: f.outside };
  const def: ReleaseDefinition = { state: row.state, flags, salt: row.salt, startAt: iso(row.anchorAt), steps: row.steps };
  if (row.killed) def.killed = true;
  if (row.bucketBy !== 'targetingKey') def.bucketBy = row.bucketBy;
  if (row.state === 'paused' && row.pausedAt !== null) def.pausedAt = iso(row.pausedAt);
  return def;
}

/**
 * The releases of one environment for its snapshot, `rows` ordered oldest start first: a flag in several
 * (an old rolled-back release and a new one) is decided by the newest. Flags that no longer exist are left out.
 */
export function releaseDefinitions(rows: ReleaseRow[], exists: (flagKey: string) => boolean): Record<string, ReleaseDefinition> {
  const decidedBy = new Map<string, string>();
  for (const row of rows) for (const f of row.flags) if (exists(f.key)) decidedBy.set(f.key, row.id);
  const out: Record<string, ReleaseDefinition> = {};
  for (const row of rows) {
    const def = releaseDefinition(row, (key) => decidedBy.get(key) === row.id);
    if (def && Object.keys(def.flags).length) out[row.key] = def;
  }
  return out;
}
