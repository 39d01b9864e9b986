// From release rows to what the edge evaluates: each flag decided by its most recently started release.
import type { FlagSetDocument, ReleaseDefinition } from '../engine/types';
import type { ReleaseRow } from './db';
import { renderNotes } from './release-notes';

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
 * The releases of one environment for its snapshot, `rows` ordered oldest start first: a flag in several (an ended
 * release and a new one) is decided by the one still running, else named by the newest. `flagIdOf` gives the id of the flag that has a key now: an entry
 * names a flag by id as well, so a flag deleted and created again under its key is in none of its old releases.
 * Ended releases decide nothing at the edge (their outcome is in their flags' configs); they stay to be announced.
 */
export function releaseDefinitions(rows: ReleaseRow[], flagIdOf: (flagKey: string) => string | undefined): Record<string, ReleaseDefinition> {
  const current = (f: ReleaseRow['flags'][number]) => {
    const id = flagIdOf(f.key);
    return id !== undefined && (f.flagId === undefined || f.flagId === id);
  };
  // a running release decides its flags; of ended ones (announced only), the newest names each flag
  const decidedBy = new Map<string, string>();
  const running = (row: ReleaseRow) => row.state === 'scheduled' || row.state === 'rolling_out' || row.state === 'paused';
  for (const row of rows) for (const f of row.flags) if (current(f) && !running(row)) decidedBy.set(f.key, row.id);
  for (const row of rows) for (const f of row.flags) if (current(f) && running(row)) decidedBy.set(f.key, row.id);
  const out: Record<string, ReleaseDefinition> = {};
  for (const row of rows) {
    const def = releaseDefinition(row, (key) => decidedBy.get(key) === row.id);
    if (def && Object.keys(def.flags).length) out[row.key] = def;
  }
  return out;
}

/**
 * Adds what announcing needs to the releases of a snapshot's document: each one's name, and the notes with their
 * HTML, rendered here once per build so that what's new renders nothing per request. Rolled-back releases are
 * announced to nobody: they carry their name only, which keeps the snapshot small.
 */
export function withAnnouncements(doc: FlagSetDocument, rows: ReleaseRow[]): FlagSetDocument {
  if (!doc.releases) return doc;
  for (const row of rows) {
    const def = Object.prototype.hasOwnProperty.call(doc.releases, row.key) ? doc.releases[row.key] : undefined;
    if (!def || def.salt !== row.salt) continue;
    def.name = row.name;
    if (def.state === 'rolled_back' || def.killed || row.notes === '') continue;
    def.notes = row.notes;
    def.notesHtml = renderNotes(row.notes);
  }
  return doc;
}
