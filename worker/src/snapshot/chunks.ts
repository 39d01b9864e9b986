// A snapshot on the wire and in storage: a small envelope plus its flags in content-addressed chunks, so that
// no stored value passes a store's limit (2 MB per Durable Object row) and a change moves and parses one chunk.
import { murmur3 } from '../engine';
import type { FlagDefinition } from '../engine/types';
import { toHex } from '../auth/secrets';
import type { Envelope, FlagChunk, Snapshot } from './format';

/**
 * Average chunk size, in UTF-16 code units: 512 Ki, doubled as often as needed to keep an environment at
 * about MAX_CHUNKS chunks. After each flag the chunk ends with probability (flag's size / average), decided by
 * a hash of the flag's key: a chunk's bounds depend on its own flags only, so editing one flag changes one
 * chunk (two when the edit moves a bound). Each doubling keeps only bounds the smaller size had, so an
 * environment that grows past one merges neighbouring chunks rather than cutting anew.
 */
const BASE_CHUNK_CHARS = 512 * 1024;
/**
 * A cold isolate reads each chunk from the location's cache and stores what it fetched there: about two Cache
 * API calls per chunk, plus KV reads when the channel is down, against 50 subrequests per request on the
 * Workers Free plan (1,000 on Paid).
 */
const MAX_CHUNKS = 12;
const CUT_SEED = 0x5eed_c0de;

export interface SplitSnapshot {
  snapshot: Snapshot;
  /** the envelope's JSON text */
  envelope: string;
  /** chunk ids in document order, and each chunk's text and parsed form (which shares the snapshot's objects) */
  ids: string[];
  texts: Map<string, string>;
  parsed: Map<string, FlagChunk>;
}

const encoder = new TextEncoder();
export const chunkId = async (text: string) => toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text))), 16);

const splits = new WeakMap<Snapshot, Promise<SplitSnapshot>>();

/** The snapshot as envelope and chunks; made once per snapshot object (publishing and adopting share it). */
export function splitSnapshot(snapshot: Snapshot): Promise<SplitSnapshot> {
  let split = splits.get(snapshot);
  if (!split) splits.set(snapshot, (split = split_(snapshot)));
  return split;
}

async function split_(snapshot: Snapshot): Promise<SplitSnapshot> {
  const { flags, ...shared } = snapshot.document;
  const visible = new Set(snapshot.clientVisible);
  const keys = Object.keys(flags);
  const all = keys.map((key) => `${JSON.stringify(key)}:${JSON.stringify(flags[key])}`);
  const total = all.reduce((n, piece) => n + piece.length + 1, 0);
  let target = BASE_CHUNK_CHARS;
  while (total / target > MAX_CHUNKS) target *= 2;
  // no chunk grows past four times the average (unless one flag alone is larger)
  const max = 4 * target;
  const groups: { keys: string[]; pieces: string[]; chars: number }[] = [];
  let group = { keys: [] as string[], pieces: [] as string[], chars: 0 };
  keys.forEach((key, i) => {
    const piece = all[i];
    group.keys.push(key);
    group.pieces.push(piece);
    group.chars += piece.length + 1;
    if ((murmur3(key, CUT_SEED) >>> 0) / 2 ** 32 < piece.length / target || group.chars >= max) {
      groups.push(group);
      group = { keys: [], pieces: [], chars: 0 };
    }
  });
  if (group.keys.length || groups.length === 0) groups.push(group);

  const ids: string[] = [];
  const texts = new Map<string, string>();
  const parsed = new Map<string, FlagChunk>();
  const sizes: number[] = [];
  for (const g of groups) {
    const clientVisible = g.keys.filter((k) => visible.has(k));
    const text = `{"flags":{${g.pieces.join(',')}},"clientVisible":${JSON.stringify(clientVisible)}}`;
    const id = await chunkId(text);
    ids.push(id);
    sizes.push(text.length);
    texts.set(id, text);
    const own: Record<string, FlagDefinition> = Object.fromEntries(g.keys.map((k) => [k, flags[k]]));
    parsed.set(id, { flags: own, clientVisible });
  }
  const { document: _document, clientVisible: _visible, format: _format, ...head } = snapshot;
  const envelope: Envelope = { ...head, format: 2, document: shared, chunks: ids.map((id, i) => ({ id, chars: sizes[i] })) };
  return { snapshot, envelope: JSON.stringify(envelope), ids, texts, parsed };
}

/** The snapshot an envelope and its chunks (in the envelope's order) stand for. */
export function joinSnapshot(envelope: Envelope, chunks: FlagChunk[]): Snapshot {
  const entries: [string, FlagDefinition][] = [];
  const clientVisible: string[] = [];
  for (const c of chunks) {
    // entries, not assignment: a key such as `__proto__` stays an own property
    for (const key of Object.keys(c.flags)) entries.push([key, c.flags[key]]);
    for (const key of c.clientVisible) clientVisible.push(key);
  }
  const { chunks: _chunks, format: _format, document, ...head } = envelope;
  return { ...head, format: 1, document: { ...document, flags: Object.fromEntries(entries) }, clientVisible };
}

/**
 * A text cut into pieces of at most `max` UTF-16 code units, never inside a surrogate pair (a lone half
 * would not survive a store's UTF-8 encoding; with `max` 1 a pair is one piece). Used for Durable Object rows.
 */
export function pieces(text: string, max: number): string[] {
  const out: string[] = [];
  for (let at = 0; at < text.length; ) {
    let end = Math.min(at + max, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end += end - 1 > at ? -1 : 1;
    out.push(text.slice(at, end));
    at = end;
  }
  return out.length ? out : [''];
}

/** Groups of items whose texts add up to at most `budget` code units each (an item larger than that goes alone). */
export function batches<T>(items: T[], size: (item: T) => number, budget: number): T[][] {
  const out: T[][] = [];
  let batch: T[] = [];
  let total = 0;
  for (const item of items) {
    const n = size(item);
    if (batch.length && total + n > budget) {
      out.push(batch);
      batch = [];
      total = 0;
    }
    batch.push(item);
    total += n;
  }
  if (batch.length) out.push(batch);
  return out;
}
