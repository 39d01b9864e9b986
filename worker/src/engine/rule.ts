// The shapes shared by the rule compiler and its operators: compiled closures and their run-time environment.

import type { JsonValue } from './types';
import type { MurmurState } from './murmur3';

/** The flag being evaluated, as operators see it. */
export interface FlagRef {
  readonly key: string;
  /** murmur3 state after the flag key: fractional's implicit bucketing key starts with it */
  hashPrefix?: MurmurState;
}

/** Per-evaluation state handed to every compiled closure (never shared across evaluations in flight). */
export interface Env {
  /**
   * the caller's evaluation context, the root that `var`, segments and bucketing read, and the flag being evaluated:
   * both set (`forClosures`) before any closure runs; a program's data tests read the context they are given
   */
  ctx: Record<string, unknown>;
  flag: FlagRef;
  /** evaluation time, ms since the epoch */
  now: number;
  /** set by `fractional` when it picked a bucket */
  split: unknown;
  /** set by `fractional` when it needed the targeting key and there was none */
  keyMissing: boolean;
  /** how many prerequisite evaluations are in progress (a guard; cycles are rejected at save) */
  depth: number;
  /** what is left of the request's budget (budget.ts): the operators whose cost depends on the data spend it */
  budget: number;
  /** resolves a prerequisite flag to its variant for this same context and time */
  variantOf(flagKey: string, env: Env): string | undefined;
}

/**
 * Makes `flag` and `ctx` what closures read, storing each only when it changes: each store of a young object (a
 * request's context, a flag compiled on first use) in the long-lived env costs a write barrier.
 */
export function forClosures(env: Env, flag: FlagRef, ctx: Record<string, unknown>): void {
  if (env.flag !== flag) env.flag = flag;
  if (env.ctx !== ctx) env.ctx = ctx;
}

/** A compiled rule: `data` is what `var` reads (the context, or the element inside map/filter/…). */
export type Fn = (data: unknown, env: Env) => unknown;

export interface CompileScope {
  /** flagd `$evaluators`, inlined where referenced */
  evaluators: Record<string, JsonValue>;
  /** compiled Curtain segments by name (compiled once per snapshot) */
  segment(name: string): Fn | undefined;
  /** true inside the body of map/filter/reduce/all/some/none, where `var` reads the element */
  inIteration: boolean;
  /** `$ref` names being expanded (a guard; cycles are rejected at save) */
  refStack: string[];
  /** a segment's rule as written, for counting its nodes (budget.ts) */
  segmentRule?(name: string): JsonValue | undefined;
  /** conditions compiled so far in this snapshot, by their JSON: flags that test the same thing share one closure */
  conditions?: Map<string, Fn>;
}

export type OperatorCompiler = (args: JsonValue[], scope: CompileScope, compile: (node: JsonValue, scope: CompileScope) => Fn) => Fn;

export class RuleError extends Error {}

/** JsonLogic truthiness: JavaScript's, except that an empty array is false. */
export function truthy(v: unknown): boolean {
  return Array.isArray(v) ? v.length > 0 : !!v;
}

export function isPlainObject(v: unknown): v is Record<string, JsonValue> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
