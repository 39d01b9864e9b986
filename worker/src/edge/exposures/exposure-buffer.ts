// Counting evaluations on the hot path: a Map increment (one flag) or one array push (bulk) into this isolate's buffer;
// everything else (expanding bulk answers, user sketches, the write) happens when the buffer is flushed, in the background.
import type { EvaluationContext, EvaluationResult } from '../../engine/types';
import type { Bindings } from '../../bindings';
import type { LiveSnapshot } from '../live-snapshots';
import { MINUTE, minuteOf } from '../../measure/exposure-types';
import { bucketId, releaseSides, sideOf, type ReleaseSides } from './release-sides';
import { hashUser, HyperLogLog } from '../../measure/hyperloglog';
import type { Side, UserSet } from '../../measure/exposure-types';

/** A user on their side of a release, and among the release's randomized users when it bucketed them itself. */
export function addUser(to: { sketch(release: string, set: UserSet): HyperLogLog }, release: string, side: Side, randomized: boolean, id: string) {
  const h = hashUser(id);
  to.sketch(release, side).addHash(h);
  if (randomized) to.sketch(release, `${side}-random`).addHash(h);
}

/** Flush after this many counted requests even before the interval is up. */
export const FLUSH_SIZE = 5000;
/** Default flush interval (EXPOSURE_FLUSH_SECONDS overrides it). */
const FLUSH_SECONDS = 10;

export interface BulkEntry {
  results: EvaluationResult[];
  ctx: EvaluationContext;
  n: number;
  /** the answer the results were rendered as: equal answers in a row are counted once with n > 1 */
  token: object | null;
}

/** One environment's counts for one minute and one snapshot (a newer snapshot has other result objects). */
export class Pending {
  readonly single = new Map<EvaluationResult, number>();
  readonly bulk: BulkEntry[] = [];
  /** user sketches of single-flag requests, by release and side */
  readonly users = new Map<string, HyperLogLog>();
  /** users of single-flag requests served inside, by release: their tokens are made at flush */
  readonly served = new Map<string, Set<string>>();
  readonly end: number;

  constructor(
    readonly live: LiveSnapshot,
    readonly minute: number,
    readonly sides: ReleaseSides | null,
  ) {
    this.end = minute + MINUTE;
  }

  sketch(release: string, side: UserSet): HyperLogLog {
    const key = `${release}\u0000${side}`;
    let h = this.users.get(key);
    if (!h) this.users.set(key, (h = new HyperLogLog()));
    return h;
  }
}

let buffers: Pending[] = [];
let current: Pending | null = null;
let size = 0;
let flushAt = Infinity;

function bufferFor(live: LiveSnapshot, env: Bindings, now: number): Pending {
  const c = current;
  if (c !== null && c.live === live && now < c.end) return c;
  const minute = minuteOf(now);
  let p = buffers.find((b) => b.live === live && b.minute === minute);
  if (!p) buffers.push((p = new Pending(live, minute, releaseSides(live.snapshot))));
  if (flushAt === Infinity) flushAt = now + flushMs(env);
  return (current = p);
}

function flushMs(env: Bindings): number {
  const s = Number(env.EXPOSURE_FLUSH_SECONDS ?? FLUSH_SECONDS);
  return Number.isFinite(s) && s >= 0 ? s * 1000 : FLUSH_SECONDS * 1000;
}

/** Counts one flag's evaluation; true when the buffer is due to be flushed. */
export function countOne(live: LiveSnapshot, env: Bindings, r: EvaluationResult, ctx: EvaluationContext, now: number): boolean {
  // an unknown flag's result is made per request: nothing to count
  if (r.errorCode === 'FLAG_NOT_FOUND') return false;
  const p = bufferFor(live, env, now);
  p.single.set(r, (p.single.get(r) ?? 0) + 1);
  if (p.sides !== null) {
    const rel = p.sides.byFlag.get(r.key);
    const side = rel ? sideOf(rel, r) : null;
    const id = side ? bucketId(ctx, rel!.by) : '';
    if (id !== '') {
      addUser(p, rel!.release, side!, r.reason === 'SPLIT', id);
      if (side === 'inside') servedInside(p.served, rel!.release, id);
    }
  }
  return ++size >= FLUSH_SIZE || now >= flushAt;
}

/** Counts a bulk evaluation (every result of it); true when the buffer is due to be flushed. */
export function countMany(live: LiveSnapshot, env: Bindings, results: EvaluationResult[], ctx: EvaluationContext, token: object | null, now: number): boolean {
  const p = bufferFor(live, env, now);
  const last = p.bulk.length > 0 ? p.bulk[p.bulk.length - 1] : null;
  // with no release to count users for, equal answers in a row need only a count
  if (last !== null && token !== null && last.token === token && p.sides === null) last.n++;
  else p.bulk.push({ results, ctx, n: 1, token });
  return ++size >= FLUSH_SIZE || now >= flushAt;
}

export function servedInside(served: Map<string, Set<string>>, release: string, id: string) {
  let ids = served.get(release);
  if (!ids) served.set(release, (ids = new Set()));
  ids.add(id);
}

/** Takes every buffer out (the next count starts new ones). */
export function takeBuffers(): Pending[] {
  const out = buffers;
  buffers = [];
  current = null;
  size = 0;
  flushAt = Infinity;
  return out;
}
