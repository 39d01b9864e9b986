// KV's copy of a snapshot, what cold isolates read when the channel is unreachable: the envelope under the
// environment's key, each chunk under its own (a value may hold 25 MiB; a chunk stays far below).
import { kvChunkKey, kvKey } from './format';

/**
 * How long a chunk that the newest envelope no longer names stays in KV: KV reads may be up to 60 s old,
 * and an isolate that read the previous envelope must still find its chunks.
 */
export const KV_CHUNK_GRACE_MS = 120_000;

export interface KvSnapshot {
  environmentId: string;
  version: number;
  envelope: string;
  /** the chunk ids the envelope names, and their texts */
  ids: string[];
  textOf(id: string): string | undefined;
}

/** Writes the chunks, then the envelope that names them, so that a reader seldom finds an envelope without its chunks. */
export async function writeKv(kv: KVNamespace, s: KvSnapshot, skip: ReadonlySet<string> = new Set()) {
  await Promise.all(s.ids.filter((id) => !skip.has(id)).map((id) => kv.put(kvChunkKey(s.environmentId, id), s.textOf(id) ?? '')));
  await kv.put(kvKey(s.environmentId), s.envelope, { metadata: { version: s.version } });
}

/**
 * The channel's copy to KV, with a record (SQLite table `kv_chunks`) of the chunks written, so that each is
 * written once and deleted once no envelope has named it for KV_CHUNK_GRACE_MS. Returns when to run again
 * for chunks still in their grace period, or null.
 */
export async function copyToKv(kv: KVNamespace, sql: SqlStorage, s: KvSnapshot, now: number): Promise<number | null> {
  sql.exec('CREATE TABLE IF NOT EXISTS kv_chunks (id TEXT PRIMARY KEY, dropped_at INTEGER)');
  const known = new Map(sql.exec<{ id: string; dropped_at: number | null }>('SELECT id, dropped_at FROM kv_chunks').toArray().map((r) => [r.id, r.dropped_at]));
  const named = new Set(s.ids);
  const written = new Set(s.ids.filter((id) => known.has(id)));
  await writeKv(kv, s, written);
  for (const id of s.ids) sql.exec('INSERT OR REPLACE INTO kv_chunks (id, dropped_at) VALUES (?, NULL)', id);
  let next: number | null = null;
  for (const [id, droppedAt] of known) {
    if (named.has(id)) continue;
    if (droppedAt === null) sql.exec('UPDATE kv_chunks SET dropped_at = ? WHERE id = ?', now, id);
    const since = droppedAt ?? now;
    if (now - since >= KV_CHUNK_GRACE_MS) {
      await kv.delete(kvChunkKey(s.environmentId, id));
      sql.exec('DELETE FROM kv_chunks WHERE id = ?', id);
    } else next = Math.min(next ?? Infinity, since + KV_CHUNK_GRACE_MS);
  }
  return next;
}
