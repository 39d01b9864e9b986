// Publishes environments after a committed write: snapshot from D1 → the environment's channel (→ KV).
// Imports nothing from the edge: the caller (routes/publish-and-adopt.ts) has its own isolate adopt the result.
import type { Bindings } from '../bindings';
import type { Db } from '../store/db';
import { buildSnapshot } from '../store/snapshots';
import { kvKey, type Snapshot } from './format';

export const channelOf = (env: Bindings, environmentId: string) => env.CHANNELS.get(env.CHANNELS.idFromName(environmentId));

export interface PublishResult {
  environmentId: string;
  version: number;
  published: boolean;
  /** what was published, for the writing isolate to adopt */
  snapshot: Snapshot;
}

/** Publishes one snapshot; when the channel cannot be reached, writes KV directly so cold isolates still see it. */
export async function publishSnapshot(env: Bindings, snapshot: Snapshot): Promise<PublishResult> {
  const body = JSON.stringify(snapshot);
  try {
    await channelOf(env, snapshot.environmentId).publish(body, snapshot.version, snapshot.builtAt);
    return { environmentId: snapshot.environmentId, version: snapshot.version, published: true, snapshot };
  } catch (err) {
    console.error('curtain: channel unreachable, writing snapshot to KV only', snapshot.environmentId, String(err));
    await env.SNAPSHOTS.put(kvKey(snapshot.environmentId), body, { metadata: { version: snapshot.version } }).catch(() => {});
    return { environmentId: snapshot.environmentId, version: snapshot.version, published: false, snapshot };
  }
}

export async function publishEnvironments(env: Bindings, db: Db, environmentIds: string[]): Promise<PublishResult[]> {
  const results: PublishResult[] = [];
  for (const id of environmentIds) {
    const snapshot = await buildSnapshot(db, id);
    if (!snapshot) continue;
    results.push(await publishSnapshot(env, snapshot));
  }
  return results;
}
