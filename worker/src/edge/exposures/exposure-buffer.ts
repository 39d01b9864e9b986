// Counting evaluations on the hot path: a Map increment (one flag), or for a bulk answer a counter per entry found by
// position and identity (a counter increment when the answer equals the one before); the write happens when the
// buffer is flushed, in the background. Nothing of a request is kept but its counts and, inside a release, its user.
import type { EvaluationContext, EvaluationResult } from '../../engine/types';
import type { Bindings } from '../../bindings';
import type { LiveSnapshot } from '../live-snapshots';
import { MINUTE, minuteOf } from '../../measure/exposure-types';
import { bucketId, releaseSides, sideOf, type ReleaseOfFlag, type ReleaseSides } from './release-sides';
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

/** Results counted in a bulk answer's entry position before the rest of that position's results go to a Map. */
const SLOTS = 4;

/**
 * Counts of the results of bulk answers. Entry i of an answer is the same flag every time (the snapshot's order), and
 * a flag has few shared results (one per variant and reason), so each position keeps its first few results with their
 * counts, compared by identity: counting an answer walks it once and allocates nothing. Position is only where the
 * search starts; any result is counted under its own identity, so answers of another length or kind count right too.
 */
export class BulkCounts {
  private slots: (EvaluationResult | null)[] = [];
  private counts: number[] = [];
  private other: Map<EvaluationResult, number> | null = null;

  add(results: readonly EvaluationResult[], n: number): void {
    if (results.length * SLOTS > this.slots.length) this.grow(results.length * SLOTS);
    const slots = this.slots;
    const counts = this.counts;
    next: for (let i = 0; i < results.length; i++) {
      const r = results[i];
      const end = (i + 1) * SLOTS;
      for (let j = i * SLOTS; j < end; j++) {
        const s = slots[j];
        if (s === r) {
          counts[j] += n;
          continue next;
        }
        if (s === null) {
          slots[j] = r;
          counts[j] = n;
          continue next;
        }
      }
      const other = (this.other ??= new Map());
      other.set(r, (other.get(r) ?? 0) + n);
    }
  }

  private grow(to: number): void {
    for (let j = this.slots.length; j < to; j++) {
      this.slots.push(null);
      this.counts.push(0);
    }
  }

  /** Each counted result with its count; a result counted at two positions (answers in another order) comes twice. */
  forEach(f: (r: EvaluationResult, n: number) => void): void {
    for (let j = 0; j < this.slots.length; j++) {
      const r = this.slots[j];
      if (r !== null) f(r, this.counts[j]);
    }
    this.other?.forEach((n, r) => f(r, n));
  }
}

/** One environment's counts for one minute and one snapshot (a newer snapshot has other result objects). */
export class Pending {
  readonly single = new Map<EvaluationResult, number>();
  readonly bulk = new BulkCounts();
  /** the last bulk answer, not yet in `bulk`: equal answers in a row (by their rendered answer) add to `lastN` */
  last: EvaluationResult[] | null = null;
  lastToken: object | null = null;
  lastN = 0;
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

  /** Adds the last answer to the counts and starts counting `next` (an answer rendered as `token`), or nothing. */
  settleLast(next: EvaluationResult[] | null, token: object | null): void {
    if (this.last !== null) this.bulk.add(this.last, this.lastN);
    this.last = next;
    this.lastToken = next === null ? null : token;
    this.lastN = next === null ? 0 : 1;
  }

  /** The bulk counts with the last answer in them. */
  bulkCounts(): BulkCounts {
    this.settleLast(null, null);
    return this.bulk;
  }

  /** Where each release's flag sits in answers of a given length (server and client answers differ), -1 if absent. */
  releaseAt(results: readonly EvaluationResult[]): number[] {
    const sides = this.sides!;
    let at = this.at.get(results.length);
    if (!at) this.at.set(results.length, (at = sides.releases.map((rel) => results.findIndex((r) => r.key === rel.flag))));
    return at;
  }
  private readonly at = new Map<number, number[]>();

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
    if (rel) releaseUser(p, rel, r, ctx);
  }
  return ++size >= FLUSH_SIZE || now >= flushAt;
}

/** Counts a bulk evaluation (every result of it); true when the buffer is due to be flushed. */
export function countMany(live: LiveSnapshot, env: Bindings, results: EvaluationResult[], ctx: EvaluationContext, token: object | null, now: number): boolean {
  const p = bufferFor(live, env, now);
  if (token !== null && token === p.lastToken) p.lastN++;
  else p.settleLast(results, token);
  if (p.sides !== null) bulkUser(p, results, ctx);
  return ++size >= FLUSH_SIZE || now >= flushAt;
}

/** A bulk request's user, on the side of each release its answer put them (read from the release's first flag). */
function bulkUser(p: Pending, results: readonly EvaluationResult[], ctx: EvaluationContext): void {
  const sides = p.sides!;
  const at = p.releaseAt(results);
  for (let k = 0; k < sides.releases.length; k++) {
    const rel = sides.releases[k];
    let i = at[k];
    if (i < 0) continue;
    if (results[i].key !== rel.flag) i = results.findIndex((r) => r.key === rel.flag);
    if (i >= 0) releaseUser(p, sides.byFlag.get(rel.flag)!, results[i], ctx);
  }
}

/** The user of a request whose result `r` a release decides: sketched on the side it was served, and recorded if inside. */
function releaseUser(p: Pending, rel: ReleaseOfFlag, r: EvaluationResult, ctx: EvaluationContext): void {
  const side = sideOf(rel, r);
  const id = side ? bucketId(ctx, rel.by) : '';
  if (id === '') return;
  addUser(p, rel.release, side!, r.reason === 'SPLIT', id);
  if (side === 'inside') servedInside(p.served, rel.release, id);
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
