// Where an isolate gets a snapshot: the envelope and the chunks it lacks, from the location's cache, the
// environment's channel or KV, each checked before use; chunks it already holds are neither moved nor parsed.
import type { Bindings } from '../bindings';
import { batches, chunkId, joinSnapshot } from '../snapshot/chunks';
import { chunkProblem, envelopeProblem, kvChunkKey, kvKey, type Envelope, type FlagChunk, type Snapshot } from '../snapshot/format';
import { channelOf, RPC_CHUNK_BUDGET } from '../snapshot/publish';

export interface Loaded {
  snapshot: Snapshot;
  /** the snapshot's chunks, parsed, by id (none for a format-1 snapshot) */
  chunks: Map<string, FlagChunk>;
}

/** A snapshot found and checked, one that failed its check (never to be adopted), or nothing found. */
export type LoadOutcome = { loaded: Loaded; problem?: undefined } | { loaded?: undefined; problem: string } | null;

interface Reader {
  env: Bindings;
  waitUntil(promise: Promise<unknown>): void;
}

const CACHE_CONTROL = { 'cache-control': 'max-age=3600' };
/** A version's envelope and a chunk never change: one isolate per location fetches them, the others read the cache. */
const envelopeUrl = (environmentId: string, version: number) => `https://curtain.internal/snapshot/${environmentId}/${version}`;
const chunkUrl = (environmentId: string, id: string) => `https://curtain.internal/chunk/${environmentId}/${id}`;

const openCache = () => caches.open('curtain-snapshots').catch(() => null);

async function fromLocation(url: string): Promise<string | null> {
  const hit = await (await openCache())?.match(url).catch(() => undefined);
  return hit ? hit.text() : null;
}

async function keepAtLocation(url: string, text: string) {
  await (await openCache())?.put(url, new Response(text, { headers: CACHE_CONTROL })).catch(() => {});
}

async function readFromChannel(env: Bindings, environmentId: string, have: number): Promise<string | null> {
  try {
    return await channelOf(env, environmentId).read(have);
  } catch (err) {
    console.error('curtain: channel unreachable, falling back to KV', environmentId, String(err));
    return null;
  }
}

/**
 * The newest snapshot when `head` (the channel's version, null when unknown) is newer than `have`.
 * `held`: the chunks of the snapshot this isolate serves, reused when the new envelope names them.
 */
export async function loadSnapshot(req: Reader, environmentId: string, head: number | null, have: number, held?: ReadonlyMap<string, FlagChunk>): Promise<LoadOutcome> {
  let text = head !== null ? await fromLocation(envelopeUrl(environmentId, head)) : null;
  let source: 'location' | 'channel' | 'kv' = 'location';
  if (text === null) {
    // a channel without a head holds nothing (an environment never published, or one that does not
    // exist, as in a forged key): KV, then D1, decide
    source = 'channel';
    text = head !== null ? await readFromChannel(req.env, environmentId, have) : null;
    if (text === null) {
      source = 'kv';
      text = await req.env.SNAPSHOTS.get(kvKey(environmentId));
    }
  }
  if (text === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: 'not JSON' };
  }
  const problem = envelopeProblem(value, environmentId);
  if (problem) return { problem };
  const envelope = value as Envelope | Snapshot;
  if (envelope.format === 1) return { loaded: { snapshot: envelope, chunks: new Map() } };
  const chunks = await loadChunks(req, environmentId, envelope, source, held);
  if (typeof chunks === 'string') return { problem: chunks };
  if (source === 'channel') req.waitUntil(keepAtLocation(envelopeUrl(environmentId, envelope.version), text));
  return { loaded: { snapshot: joinSnapshot(envelope, envelope.chunks.map((c) => chunks.get(c.id)!)), chunks } };
}

/** The envelope's chunks, parsed and checked, or what is wrong. */
async function loadChunks(req: Reader, environmentId: string, envelope: Envelope, source: string, held?: ReadonlyMap<string, FlagChunk>): Promise<Map<string, FlagChunk> | string> {
  const out = new Map<string, FlagChunk>();
  const needed = envelope.chunks.filter((c) => {
    const have = held?.get(c.id);
    if (have) out.set(c.id, have);
    return !have;
  });
  const texts = new Map<string, string>();
  const cached = await Promise.all(needed.map((c) => fromLocation(chunkUrl(environmentId, c.id))));
  needed.forEach((c, i) => cached[i] !== null && texts.set(c.id, cached[i]));
  const fetched = new Set<string>();
  // the channel holds its newest envelope's chunks; when the envelope came from KV, the channel failed already
  if (source !== 'kv') {
    const rest = needed.filter((c) => !texts.has(c.id));
    for (const group of batches(rest, (c) => c.chars, RPC_CHUNK_BUDGET)) {
      const got = await channelOf(req.env, environmentId).readChunks(group.map((c) => c.id));
      group.forEach((c, i) => got[i] !== null && (texts.set(c.id, got[i]!), fetched.add(c.id)));
    }
  }
  const fromKv = needed.filter((c) => !texts.has(c.id));
  const kvTexts = await Promise.all(fromKv.map((c) => req.env.SNAPSHOTS.get(kvChunkKey(environmentId, c.id))));
  fromKv.forEach((c, i) => kvTexts[i] !== null && (texts.set(c.id, kvTexts[i]!), fetched.add(c.id)));

  for (const c of needed) {
    const text = texts.get(c.id);
    if (text === undefined) return `chunk ${c.id} not found`;
    // content-addressed: a chunk whose text does not hash to its id is damaged, whatever it parses to
    if ((await chunkId(text)) !== c.id) return `chunk ${c.id} is damaged`;
    let chunk: unknown;
    try {
      chunk = JSON.parse(text);
    } catch {
      return `chunk ${c.id} is not JSON`;
    }
    const problem = chunkProblem(chunk);
    if (problem) return `chunk ${c.id}: ${problem}`;
    out.set(c.id, chunk as FlagChunk);
  }
  for (const id of fetched) req.waitUntil(keepAtLocation(chunkUrl(environmentId, id), texts.get(id)!));
  return out;
}
