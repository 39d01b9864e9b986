// Publishes environments after a committed write: snapshot from D1 → the environment's channel (→ KV).
// Imports nothing from the edge: the caller (routes/publish-and-adopt.ts) has its own isolate adopt the result.
import type { Bindings } from '../bindings';
import type { Db } from '../store/db';
import { buildSnapshot } from '../store/snapshots';
import { batches, splitSnapshot, type SplitSnapshot } from './chunks';
import type { Snapshot } from './format';
import { writeKv } from './kv-copy';

export const channelOf = (env: Bindings, environmentId: string) => env.CHANNELS.get(env.CHANNELS.idFromName(environmentId));

/**
 * UTF-16 code units of chunk text per channel call. Workers RPC refuses a call whose serialized arguments or
 * result pass 32 MiB; V8 writes a string in one or two bytes per unit, so this keeps every call under 16 MiB.
 */
export const RPC_CHUNK_BUDGET = 8 * 1024 * 1024;
/** Below this size the chunks go with the publish call itself: one round trip, as for any small environment. */
const INLINE_CHARS = 1024 * 1024;

export interface PublishResult {
  environmentId: string;
  version: number;
  published: boolean;
  /** what was published, for the writing isolate to adopt */
  snapshot: Snapshot;
}

/** Publishes one snapshot; when the channel cannot be reached, writes KV directly so cold isolates still see it. */
export async function publishSnapshot(env: Bindings, snapshot: Snapshot): Promise<PublishResult> {
  const split = await splitSnapshot(snapshot);
  const result = (published: boolean): PublishResult => ({ environmentId: snapshot.environmentId, version: snapshot.version, published, snapshot });
  try {
    await toChannel(env, split);
    return result(true);
  } catch (err) {
    console.error('curtain: channel unreachable, writing snapshot to KV only', snapshot.environmentId, String(err));
    const kvCopy = { environmentId: snapshot.environmentId, version: snapshot.version, envelope: split.envelope, ids: split.ids, textOf: (id: string) => split.texts.get(id) };
    await writeKv(env.SNAPSHOTS, kvCopy).catch((e) => console.error('curtain: KV unreachable too; the write is in D1 only', snapshot.environmentId, String(e)));
    return result(false);
  }
}

/**
 * Sends the chunks the channel lacks (all of them with the publish when they are small), then the envelope.
 * A racing publisher's commit may drop chunks put ahead: then the channel names them and this tries again.
 */
async function toChannel(env: Bindings, split: SplitSnapshot) {
  const channel = channelOf(env, split.snapshot.environmentId);
  const { version, builtAt } = split.snapshot;
  const total = split.ids.reduce((n, id) => n + split.texts.get(id)!.length, 0);
  // copied out of the RPC results (they arrive as disposable stubs' values)
  let missing: string[] | null = total <= INLINE_CHARS ? null : [...(await channel.missingChunks(split.ids))];
  for (let attempt = 0; attempt < 3; attempt++) {
    const send = (missing ?? split.ids).map((id): [string, string] => [id, split.texts.get(id)!]);
    const groups = batches(send, ([, text]) => text.length, RPC_CHUNK_BUDGET);
    const inline = groups.length === 1 && total <= INLINE_CHARS ? groups.pop()! : [];
    for (const group of groups) await channel.putChunks(group);
    const answer = await channel.publish(split.envelope, version, builtAt, inline);
    if (!answer.missing) return;
    missing = [...answer.missing];
  }
  throw new Error(`the channel kept missing chunks of version ${version}`);
}

/** Pauses between attempts to read a committed write's snapshot when D1 fails for a moment. */
const REBUILD_PAUSES_MS = [50, 250];

/**
 * After a commit: the write stands whatever happens here, so a snapshot that cannot be read from D1 (after a
 * few tries) is logged, not thrown, and goes out with the environment's next write.
 */
export async function publishEnvironments(env: Bindings, db: Db, environmentIds: string[]): Promise<PublishResult[]> {
  const results: PublishResult[] = [];
  for (const id of environmentIds) {
    const snapshot = await buildAfterCommit(db, id);
    if (!snapshot) continue;
    results.push(await publishSnapshot(env, snapshot));
  }
  return results;
}

async function buildAfterCommit(db: Db, environmentId: string): Promise<Snapshot | null> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await buildSnapshot(db, environmentId);
    } catch (err) {
      if (attempt >= REBUILD_PAUSES_MS.length) {
        console.error('curtain: committed, but its snapshot could not be read from D1; the next write publishes it', environmentId, String(err));
        return null;
      }
      await new Promise((r) => setTimeout(r, REBUILD_PAUSES_MS[attempt]));
    }
  }
}
