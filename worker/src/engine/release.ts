// Releases at the edge: where a release's plan stands at a given time, and who is inside it.
// The plan travels in the snapshot; every location computes the same percentage from the evaluation time.

import type { ReleaseDefinition, ReleasePosition } from './types';
import { bucketFrom, murmur3Prefix, type MurmurState } from './murmur3';
import { attribute } from './ops-data';
import type { Env, Fn } from './rule';
import { charge, CHAR_UNITS, CHARGE_FROM } from './budget';

/** Buckets per release: 0.01 % steps. */
export const RELEASE_BUCKETS = 10_000;
const MINUTE = 60_000;

/** A plan's step percentages in basis points (0.01 %), and when each step starts, relative to the start. */
interface Timeline {
  offsets: number[];
  points: number[];
  /** ms after the start at which the last step has held its time */
  end: number;
}

function timeline(def: ReleaseDefinition): Timeline {
  const offsets: number[] = [];
  const points: number[] = [];
  let t = 0;
  for (const step of def.steps) {
    offsets.push(t);
    points.push(Math.round(step.percent * 100));
    t += Math.max(0, step.holdMinutes) * MINUTE;
  }
  return { offsets, points, end: t };
}

/**
 * Where the release stands at `now` (ms): its percentage, its current step and when the next begins.
 * `startAt` is the plan's anchor (moved on by the time spent paused); a paused plan's clock stands at `pausedAt`.
 */
export function releasePosition(def: ReleaseDefinition, now: number): ReleasePosition {
  const startAt = Date.parse(def.startAt);
  if (def.state === 'rolled_back') return { percent: 0, step: null, nextStepAt: null, completeAt: null };
  const tl = timeline(def);
  const last = tl.points.length - 1;
  const completeAt = last >= 0 && tl.points[last] === RELEASE_BUCKETS ? startAt + tl.end : null;
  if (def.state === 'released') return { percent: 100, step: last, nextStepAt: null, completeAt };
  const paused = def.state === 'paused' && def.pausedAt !== undefined;
  const clock = paused ? Date.parse(def.pausedAt as string) : now;
  if (!(clock >= startAt) || last < 0) return { percent: 0, step: null, nextStepAt: paused || last < 0 ? null : startAt, completeAt };
  const elapsed = clock - startAt;
  let step = 0;
  while (step < last && tl.offsets[step + 1] <= elapsed) step++;
  const next = step < last ? startAt + tl.offsets[step + 1] : null;
  return { percent: tl.points[step] / 100, step, nextStepAt: paused ? null : next, completeAt };
}

/** The release's percentage at `now`, in basis points: a closure that does no allocation per call. */
function basisPoints(def: ReleaseDefinition): (now: number) => number {
  if (def.state === 'rolled_back') return () => 0;
  if (def.state === 'released') return () => RELEASE_BUCKETS;
  const startAt = Date.parse(def.startAt);
  const { offsets, points } = timeline(def);
  if (points.length === 0 || !Number.isFinite(startAt)) return () => 0;
  if (def.state === 'paused' && def.pausedAt !== undefined) {
    const frozen = Math.round(releasePosition(def, 0).percent * 100);
    return () => frozen;
  }
  const at = offsets.map((o) => startAt + o);
  return (now) => {
    if (now < at[0]) return 0;
    let i = at.length - 1;
    while (i > 0 && at[i] > now) i--;
    return points[i];
  };
}

/** The value a release buckets a user by: a string, or a finite number as text; '' when the context has none. */
function bucketingValue(ctx: Record<string, unknown>, by: string): string {
  const raw = by === 'targetingKey' ? ctx.targetingKey : attribute(ctx, by);
  return typeof raw === 'string' ? raw : typeof raw === 'number' && Number.isFinite(raw) ? String(raw) : '';
}

/** A user's bucket in a release, 0 to RELEASE_BUCKETS − 1: fixed for the release's life, so users only ever join. */
const bucketIn = (salt: MurmurState, id: string) => bucketFrom(salt, id, RELEASE_BUCKETS);

/**
 * When the plan took in the user of `ctx` (ms): the start of the first step whose percentage covers their
 * bucket, as the edge buckets them (releaseRule). Null when no step of the plan covers them, or when the
 * context has no bucketing value. Says nothing of the flags' own rules, nor of whether that step has begun:
 * the caller evaluates the flags for that. A released release covers everyone, from the end of its plan at
 * the latest. The times are those of the plan's clock: a pause moves the steps after it, and the steps before
 * it too once resumed (the anchor moves on by the time spent paused).
 */
export function releaseJoinedAt(def: ReleaseDefinition, ctx: Record<string, unknown>): number | null {
  const id = bucketingValue(ctx, def.bucketBy ?? 'targetingKey');
  const startAt = Date.parse(def.startAt);
  if (id === '' || !Number.isFinite(startAt)) return null;
  const bucket = bucketIn(murmur3Prefix(def.salt), id);
  const tl = timeline(def);
  for (let i = 0; i < tl.points.length; i++) if (bucket < tl.points[i]) return startAt + tl.offsets[i];
  return def.state === 'released' ? startAt + tl.end : null;
}

/**
 * The rule of a flag under a release: the flag's own targeting first (testers always in, a blocked region
 * always out); for everyone it leaves to the default, the release decides by bucket. Users only join as
 * the percentage grows, since a user's bucket never changes: murmur3 over the release's salt and the
 * bucketing value, bucket = (hash × 10,000) >> 32 as flagd's. Returns null for a killed release, whose
 * answer does not depend on the context. Kept to one closure call and no allocation per evaluation.
 */
export function releaseRule(def: ReleaseDefinition, inside: string, outside: string, own: Fn | null): Fn | null {
  if (def.killed) return null;
  const percentAt = basisPoints(def);
  const salt = murmur3Prefix(def.salt);
  const by = def.bucketBy ?? 'targetingKey';
  // the percentage is the same for every evaluation at one time (a request evaluates at one time)
  let lastNow = NaN;
  let bp = 0;
  const decide = (ctx: Record<string, unknown>, env: Env): string => {
    if (env.now !== lastNow) {
      lastNow = env.now;
      bp = percentAt(lastNow);
    }
    if (bp <= 0) return outside;
    if (bp >= RELEASE_BUCKETS) return inside;
    const id = bucketingValue(ctx, by);
    // without a bucketing value nobody can be kept in as the rollout grows: such users wait outside
    if (id === '') return outside;
    if (id.length > CHARGE_FROM) charge(env, CHAR_UNITS * id.length);
    // the bucket straight from the hash (bucketIn's): a hash returned on its own would be a heap number
    const v = bucketIn(salt, id) < bp ? inside : outside;
    env.split = v;
    return v;
  };
  if (!own) return (_data, env) => decide(env.ctx, env);
  return (data, env) => {
    const v = own(data, env);
    if (v !== null && v !== undefined) return v;
    env.keyMissing = false;
    env.split = undefined;
    return decide(env.ctx, env);
  };
}
