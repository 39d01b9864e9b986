// The edge's view of each environment: compiled once, kept in isolate memory, revalidated every second
// through the location's cache and the environment's channel, with KV as the fallback. Never waits on
// propagation when it already has a snapshot to serve.
import { compileFlagSet, selectFlags, type CompiledFlagSet, type FlagSelection } from '../engine';
import type { Bindings } from '../bindings';
import { randomId } from '../auth/secrets';
import { splitSnapshot } from '../snapshot/chunks';
import type { FlagChunk, Snapshot } from '../snapshot/format';
import { channelOf, publishSnapshot } from '../snapshot/publish';
import { buildSnapshot } from '../store/snapshots';
import { openDb } from '../store/db';
import { environmentKnown, environmentSeen } from './known-environments';
import { BulkWireSlots, type BulkWire } from './ofrep-results';
import { loadSnapshot } from './snapshot-source';

/** How often an isolate asks whether its snapshot is still current. */
export const REVALIDATE_MS = 1000;
/** Past this age a request waits for revalidation instead of serving what it has (the propagation bound). */
export const MAX_STALE_MS = 2500;
/** How long a location caches an environment's head version, shared by all its isolates. */
const HEAD_CACHE_SECONDS = 1;

export interface LiveSnapshot {
  snapshot: Snapshot;
  /** its flag chunks, parsed, by id: a newer version that names one of them reuses it */
  chunks: ReadonlyMap<string, FlagChunk>;
  compiled: CompiledFlagSet;
  clientVisible: ReadonlySet<string>;
  /** the flags client keys may evaluate, picked once per snapshot */
  clientSelection: FlagSelection;
  /** when this isolate last confirmed the version */
  checkedAt: number;
  /** whether the channel has been told that this isolate applied the version */
  reported: boolean;
  /** the bulk answer's tail (flag-set metadata, event stream) by SDK key id, made on first use; dropped with the snapshot */
  bulkTails: Map<string, BulkWire>;
  /** the last bulk answer's entry wires by position, for server keys and for client keys (see BulkWireSlots) */
  bulkSlots: { server: BulkWireSlots; client: BulkWireSlots };
  /** SDK keys this isolate has verified against the snapshot's hashes, by key id (see edge/sdk-auth.ts) */
  verifiedKeys: Map<string, string>;
}

const live = new Map<string, LiveSnapshot>();
/** Identifies this isolate in propagation reports (random values are not allowed at global scope). */
let isolate: string | undefined;
export const isolateId = () => (isolate ??= randomId(12));

/** Nothing to serve: no snapshot in memory and none could be read (channel, KV and D1 all failed). */
export class SnapshotUnavailable extends Error {
  constructor(environmentId: string, cause: unknown) {
    super(`no snapshot available for environment ${environmentId}`, { cause });
  }
}

export interface EdgeRequest {
  env: Bindings;
  waitUntil(promise: Promise<unknown>): void;
  /** the edge location's code; read only when reporting, since `request.cf` is costly to materialize */
  location(): string;
}

export const colo = (request: Request) => (request.cf?.colo as string | undefined) ?? 'local';

/** The parts of a Hono context that an edge request needs (structural, so the edge does not import the routes' context). */
interface RouteContext {
  env: Bindings;
  executionCtx: Pick<ExecutionContext, 'waitUntil'>;
  req: { raw: Request };
}

export function edgeRequest(c: RouteContext): EdgeRequest {
  return {
    env: c.env,
    waitUntil: (p) => c.executionCtx.waitUntil(p),
    location: () => colo(c.req.raw),
  };
}

/** The snapshot in memory when it needs nothing done (confirmed recently, reported, not behind `atLeast`): the hot path, synchronous. */
export function currentSnapshot(environmentId: string, now: number, atLeast?: number): LiveSnapshot | undefined {
  const current = live.get(environmentId);
  if (!current || !current.reported || now - current.checkedAt >= REVALIDATE_MS) return undefined;
  if (atLeast !== undefined && current.snapshot.version < atLeast) return undefined;
  return current;
}

/** A client told of version N by the change stream may ask for it: at most this often per isolate. */
const FORCED_REVALIDATE_MS = 200;

/**
 * The snapshot to evaluate with. `atLeast`: a version the caller knows exists (OFREP's
 * `flagConfigEtag` after a change event); an isolate holding an older one asks the channel directly.
 */
export async function liveSnapshot(req: EdgeRequest, environmentId: string, now = Date.now(), atLeast?: number): Promise<LiveSnapshot | null> {
  const current = live.get(environmentId);
  if (current && !current.reported) {
    current.reported = true; // however the version arrived (revalidation or this isolate's own write)
    req.waitUntil(reportApplied(req, environmentId, current.snapshot.version));
  }
  if (current && atLeast !== undefined && current.snapshot.version < atLeast && now - current.checkedAt >= FORCED_REVALIDATE_MS) {
    current.checkedAt = now;
    return revalidate(req, environmentId, current, now, true);
  }
  if (current && now - current.checkedAt < REVALIDATE_MS) return current;
  if (current && now - current.checkedAt < MAX_STALE_MS) {
    current.checkedAt = now; // one revalidation at a time per isolate
    req.waitUntil(revalidate(req, environmentId, current, now));
    return current;
  }
  // an environment this isolate has never served: one that does not exist (a forged key) is refused before any channel is asked
  if (!current && !(await environmentKnown(req.env, environmentId, now))) return null;
  return (await revalidate(req, environmentId, current, now)) ?? current ?? null;
}

async function revalidate(req: EdgeRequest, environmentId: string, current: LiveSnapshot | undefined, now: number, skipLocationCache = false) {
  try {
    const have = current?.snapshot.version ?? -1;
    const head = await headVersion(req.env, environmentId, skipLocationCache);
    if (current && head !== null && head <= have) {
      current.checkedAt = now;
      return current;
    }
    const outcome = await loadSnapshot(req, environmentId, head, have, current?.chunks);
    let loaded = outcome?.loaded ?? null;
    const problem = outcome?.problem;
    if (problem) {
      // never adopt it (loadSnapshot logged it): the last good snapshot goes on serving (a cold isolate builds one from D1)
      if (current) {
        current.checkedAt = now;
        return current;
      }
    }
    if (!loaded && !current) loaded = await rebuild(req.env, environmentId);
    if (!loaded || loaded.snapshot.version <= have) {
      if (current) current.checkedAt = now;
      return current ?? null;
    }
    const { snapshot } = loaded;
    // A newer snapshot may have arrived while this revalidation awaited (this isolate's own write):
    // never replace it with an older one.
    const latest = live.get(environmentId);
    if (latest && latest !== current && latest.snapshot.version >= snapshot.version) return latest;
    const next = prepare(snapshot, loaded.chunks, now);
    live.set(environmentId, next);
    next.reported = true;
    req.waitUntil(reportApplied(req, environmentId, snapshot.version));
    return next;
  } catch (err) {
    if (!current) throw new SnapshotUnavailable(environmentId, err);
    console.error('curtain: snapshot revalidation failed, serving the last good one', environmentId, String(err));
    // the next attempt in a revalidation period, in the background: not one per request while it fails
    current.checkedAt = now;
    return current;
  }
}

function prepare(snapshot: Snapshot, chunks: ReadonlyMap<string, FlagChunk>, now: number): LiveSnapshot {
  const compiled = compileFlagSet(snapshot.document);
  const clientVisible = new Set(snapshot.clientVisible);
  return { snapshot, chunks, compiled, clientVisible, clientSelection: selectFlags(compiled, (k) => clientVisible.has(k)), checkedAt: now, reported: false, bulkTails: new Map(), bulkSlots: { server: new BulkWireSlots(), client: new BulkWireSlots() }, verifiedKeys: new Map() };
}

/**
 * Read-your-writes: the isolate that committed a change serves it at once, and tells its location's
 * cache the new version so the other isolates here pick it up on their next revalidation.
 */
export async function adoptSnapshot(snapshot: Snapshot, now = Date.now()): Promise<void> {
  const current = live.get(snapshot.environmentId);
  if (current && current.snapshot.version >= snapshot.version) return;
  // the chunks as published (publishing made them from this very object): the next version reuses them
  const { parsed } = await splitSnapshot(snapshot);
  const latest = live.get(snapshot.environmentId);
  if (latest && latest.snapshot.version >= snapshot.version) return;
  live.set(snapshot.environmentId, prepare(snapshot, parsed, now));
  environmentSeen(snapshot.environmentId);
  const cache = await caches.open('curtain-heads').catch(() => null);
  await cache?.put(headUrl(snapshot.environmentId), headResponse(snapshot.version)).catch(() => {});
}

const headUrl = (environmentId: string) => `https://curtain.internal/head/${environmentId}`;
const headResponse = (version: number) => new Response(String(version), { headers: { 'cache-control': `max-age=${HEAD_CACHE_SECONDS}` } });

/** The environment's current version, from the location's cache or (once a second per location) its channel. */
async function headVersion(env: Bindings, environmentId: string, skipLocationCache: boolean): Promise<number | null> {
  const url = headUrl(environmentId);
  const cache = await caches.open('curtain-heads').catch(() => null);
  const hit = skipLocationCache ? undefined : await cache?.match(url).catch(() => undefined);
  if (hit) return Number(await hit.text());
  try {
    const head = await channelOf(env, environmentId).getHead();
    if (!head) return null;
    await cache?.put(url, headResponse(head.version)).catch(() => {});
    return head.version;
  } catch {
    return null;
  }
}

/** Cold start with neither channel nor KV holding the environment: build it from D1 and publish it. */
async function rebuild(env: Bindings, environmentId: string) {
  const snapshot = await buildSnapshot(openDb(env.DB), environmentId);
  if (!snapshot) return null;
  await publishSnapshot(env, snapshot);
  return { snapshot, chunks: (await splitSnapshot(snapshot)).parsed };
}

async function reportApplied(req: EdgeRequest, environmentId: string, version: number) {
  try {
    await channelOf(req.env, environmentId).reportApplied({ location: req.location(), isolate: isolateId(), version, appliedAt: Date.now() });
  } catch {
    // best effort: propagation status is informational
  }
}

/** For tests: forget what this isolate holds. */
export function dropLiveSnapshots() {
  live.clear();
}
