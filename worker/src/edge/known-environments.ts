// Environments an SDK key may name: one that does not exist is refused from D1 (and then from memory, briefly),
// so a forged key with a made-up environment id never wakes a channel Durable Object.
import type { Bindings } from '../bindings';
import { openDb } from '../store/db';
import { environmentExists } from '../store/projects';

/**
 * How long an isolate remembers that an environment id does not exist. Safe both ways: the memory only ever
 * refuses, so a revocation is never delayed by it; and environment ids are random (80 bits, store/projects.ts),
 * so no caller can have been refused an id that is created later, save by guessing it before it exists.
 * The isolate that creates an environment forgets any such entry when it adopts the first snapshot.
 */
export const UNKNOWN_ENVIRONMENT_TTL_MS = 60_000;
/** Past this many remembered ids (made-up ids are free to make) the memory starts again. */
const MAX_REMEMBERED = 10_000;

const unknown = new Map<string, number>();

/**
 * False when the environment certainly does not exist (D1 says so, now or within the TTL); true when it does,
 * or when D1 cannot be asked (an outage): then the snapshot stores decide, as before.
 */
export async function environmentKnown(env: Bindings, environmentId: string, now: number): Promise<boolean> {
  const until = unknown.get(environmentId);
  if (until !== undefined) {
    if (now < until) return false;
    unknown.delete(environmentId);
  }
  let exists: boolean;
  try {
    exists = await environmentExists(openDb(env.DB), environmentId);
  } catch (err) {
    console.error('curtain: cannot tell whether an environment exists, asking its channel', environmentId, String(err));
    return true;
  }
  if (!exists) {
    if (unknown.size >= MAX_REMEMBERED) unknown.clear();
    unknown.set(environmentId, now + UNKNOWN_ENVIRONMENT_TTL_MS);
  }
  return exists;
}

/** An environment this isolate now holds a snapshot of (its own write, e.g. just created): never unknown. */
export function environmentSeen(environmentId: string): void {
  unknown.delete(environmentId);
}

/** For tests: forget every unknown id. */
export function forgetUnknownEnvironments(): void {
  unknown.clear();
}
