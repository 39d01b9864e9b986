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
export const envelopeUrl = (environmentId: string, version: number) => `https://curtain.internal/snapshot/${environmentId}/${version}`;
export const chunkUrl = (environmentId: string, id: string) => `https://curtain.internal/chunk/${environmentId}/${id}`;

const openCache = () => caches.open('curtain-snapshots').catch(() => null);

async function fromLocation(url: string): Promise<string | null> {
  const hit = await (await openCache())?.match(url).catch(() => undefined);
  return hit ? hit.text() : null;
}

async function keepAtLocation(url: string, text: string) {
  await (await openCache())?.put(url, new Response(text, { headers: CACHE_CONTROL })).catch(() => {});
}

/** KV failing is one more store out of reach: logged, and the caller goes on (a cold isolate to D1). */
async function fromKv(env: Bindings, key: string): Promise<string | null> {
  try {
    return await env.SNAPSHOTS.get(key);
  } catch (err) {
    console.error('curtain: KV unreachable', key, String(err));
    return null;
  }
}

async function readFromChannel(env: Bindings, environmentId: string, have: number): Promise<string | null> {
  try {
    return await channelOf(env, environmentId).read(have);
  } catch (err) {
    console.error('curtain: channel unreachable, falling back to KV', environmentId, String(err));
    return null;
  }
}

type Source = 'location' | 'channel' | 'kv';

async function envelopeText(req: Reader, environmentId: string, source: Source, head: number | null, have: number): Promise<string | null> {
  // a channel without a head holds nothing (an environment never published, or one that does not exist,
  // as in a forged key): KV, then D1, decide
  if (source === 'kv') return fromKv(req.env, kvKey(environmentId));
  if (head === null) return null;
  return source === 'location' ? fromLocation(envelopeUrl(environmentId, head)) : readFromChannel(req.env, environmentId, have);
}

/**
 * The newest snapshot when `head` (the channel's version, null when unknown) is newer than `have`, from the
 * first store that holds a good copy: a damaged copy is logged and passed over, never adopted.
 * `held`: the chunks of the snapshot this isolate serves, reused when the new envelope names them.
 */
export async function loadSnapshot(req: Reader, environmentId: string, head: number | null, have: number, held?: ReadonlyMap<string, FlagChunk>): Promise<LoadOutcome> {
  let problem: string | null = null;
  for (const source of ['location', 'channel', 'kv'] as const) {
    const text = await envelopeText(req, environmentId, source, head, have);
    if (text === null) continue;
    const outcome = await fromEnvelope(req, environmentId, text, source, held);
    if (outcome.loaded) {
      // an older copy than the head, found after a damaged one, is not what the head promised
      if (problem && head !== null && outcome.loaded.snapshot.version < head) break;
      if (source === 'channel') req.waitUntil(keepAtLocation(envelopeUrl(environmentId, outcome.loaded.snapshot.version), text));
      return outcome;
    }
    console.error('curtain: a snapshot failed its check and was ignored', environmentId, source, outcome.problem);
    problem ??= outcome.problem;
  }
  return problem ? { problem } : null;
}

async function fromEnvelope(req: Reader, environmentId: string, text: string, source: Source, held?: ReadonlyMap<string, FlagChunk>): Promise<NonNullable<LoadOutcome>> {
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
  return { loaded: { snapshot: joinSnapshot(envelope, envelope.chunks.map((c) => chunks.get(c.id)!)), chunks } };
}

/**
 * The envelope's chunks, parsed and checked, or what is wrong. Each comes from the first store whose copy
 * hashes to its id (content-addressed: a copy that does not is damaged, whatever it parses to).
 */
async function loadChunks(req: Reader, environmentId: string, envelope: Envelope, source: Source, held?: ReadonlyMap<string, FlagChunk>): Promise<Map<string, FlagChunk> | string> {
  const out = new Map<string, FlagChunk>();
  const needed = envelope.chunks.filter((c) => {
    const have = held?.get(c.id);
    if (have) out.set(c.id, have);
    return !have;
  });
  const texts = new Map<string, string>();
  const fetched = new Set<string>();
  const accept = async (id: string, text: string | null, fromStore: boolean) => {
    if (text === null) return;
    if ((await chunkId(text)) !== id) return console.error('curtain: a damaged chunk was passed over', environmentId, id);
    texts.set(id, text);
    if (fromStore) fetched.add(id);
  };
  const missing = () => needed.filter((c) => !texts.has(c.id));

  const cached = await Promise.all(needed.map((c) => fromLocation(chunkUrl(environmentId, c.id))));
  for (const [i, c] of needed.entries()) await accept(c.id, cached[i], false);
  // the channel holds its newest envelope's chunks; when the envelope came from KV, the channel failed already
  if (source !== 'kv') {
    try {
      for (const group of batches(missing(), (c) => c.chars, RPC_CHUNK_BUDGET)) {
        const got = await channelOf(req.env, environmentId).readChunks(group.map((c) => c.id));
        for (const [i, c] of group.entries()) await accept(c.id, got[i], true);
      }
    } catch (err) {
      console.error('curtain: channel unreachable, reading chunks from KV', environmentId, String(err));
    }
  }
  const inKv = missing();
  const kvTexts = await Promise.all(inKv.map((c) => fromKv(req.env, kvChunkKey(environmentId, c.id))));
  for (const [i, c] of inKv.entries()) await accept(c.id, kvTexts[i], true);

  for (const [i, c] of needed.entries()) {
    // one chunk per task: a large snapshot parsed in the background lets this isolate's requests run in between
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, 0));
    const text = texts.get(c.id);
    if (text === undefined) return `chunk ${c.id} not found`;
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
