// A flag's results: made once and frozen (the edge keeps their wire text), found by the variant name a rule returns.

import type { EvaluationResult, FlagType, JsonValue, Metadata } from './types';
import type { Env, Fn } from './rule';
import type { MurmurState } from './murmur3';
import { ResultCache } from './result-cache';

/**
 * The common targeting as data: an `if` chain of literal branches ending in a literal or a `fractional` split. What an
 * evaluation reads is in one array (`steps`), so that a flag's program is a couple of cache lines rather than a
 * handful of small objects: among 1,000 flags, each evaluation finds its flag's data pushed out of the caches by the
 * other flags', and each object it reads is one more miss.
 */
export interface ChainProgram {
  /** the flag whose program this is: what its closures read as env.flag */
  flag: CompiledFlag;
  /**
   * The conditions, each a closure followed by the result it picks, or as data (condition-data.ts): the index of its
   * result, its tests, then the result (null: resolved from its literal, `outs`); after them, for a split, each
   * bucket's cumulative weight and its result (null: the default).
   */
  steps: unknown[];
  /** where the split's cuts begin in `steps`, after the conditions */
  cutsAt: number;
  /** each branch's literal (null: the default), read only when its result cannot be the one made at compile time */
  outs: JsonValue[];
  /** the `else`: a literal and its result (null for none: the default), when there is no split */
  otherwiseOut: JsonValue;
  otherwise: EvaluationResult | null;
  /** the split's total weight, or −1 for no split */
  total: number;
  /** the split's bucketing key after the flag key (`{"cat": [{"var": "$flagd.flagKey"}, …]}`), or null for the targetingKey */
  rest: Fn | null;
}

export interface CompiledFlag {
  key: string;
  /** murmur3 state after the flag key, set by `fractional` on first use */
  hashPrefix: MurmurState | undefined;
  type: FlagType | null;
  /** the result when it never depends on the context: DISABLED, STATIC, or a PARSE_ERROR; else null */
  fixed: EvaluationResult | null;
  /** the common targeting (an `if` chain of literal branches, a split at the end) as data, or null */
  program: ChainProgram | null;
  /** any other targeting, compiled: it returns a variant name (or null for the default) */
  rule: Fn | null;
  /** budget units (budget.ts) charged before each evaluation: its rule's nodes */
  cost: number;
  /** targeting returned null: the default variant, or no value (the caller's default) */
  defaultResult: EvaluationResult;
  /** made on first use */
  keyMissingResult: EvaluationResult | null;
  /** the answer once the request's budget is spent, made on first use */
  budgetResult: EvaluationResult | null;
  /** the flag's variants (own properties only are variants) */
  variants: Record<string, JsonValue>;
  /** results by variant name, made on first use */
  matches: ResultCache | null;
  splits: ResultCache | null;
  metadata: Metadata | undefined;
  /** with scheduled changes: the flag as it is from each time on (the first from the beginning), each made on first use; else null */
  phases: { from: number; flag: CompiledFlag | null; make: () => CompiledFlag }[] | null;
}

export function makeResult(flag: Pick<CompiledFlag, 'key' | 'metadata'>, fields: Omit<EvaluationResult, 'key' | 'metadata'>): EvaluationResult {
  const r: EvaluationResult = { key: flag.key, ...fields };
  if (flag.metadata) r.metadata = flag.metadata;
  return Object.freeze(r);
}

export function variantResult(flag: CompiledFlag, variant: string, reason: EvaluationResult['reason']): EvaluationResult | undefined {
  if (!Object.prototype.hasOwnProperty.call(flag.variants, variant)) return undefined;
  const value = flag.variants[variant];
  return makeResult(flag, { value, variant, reason });
}

/** The result of a rule returning the variant `name`; an ERROR naming the flag when it is not one of its variants. */
export function namedResult(flag: CompiledFlag, name: string, reason: 'TARGETING_MATCH' | 'SPLIT'): EvaluationResult {
  return (
    variantResult(flag, name, reason) ??
    makeResult(flag, { reason: 'ERROR', errorCode: 'GENERAL', errorMessage: `targeting of flag "${flag.key}" returned "${name}", which is not one of its variants` })
  );
}

export function keyMissingResult(flag: CompiledFlag): EvaluationResult {
  return (flag.keyMissingResult ??= makeResult(flag, {
    reason: 'ERROR',
    errorCode: 'TARGETING_KEY_MISSING',
    errorMessage: `flag "${flag.key}" splits traffic by targetingKey, and the context has none`,
  }));
}

function safeString(v: unknown): string {
  try {
    return String(v);
  } catch {
    return '';
  }
}

/**
 * What a rule's answer `out` resolves to: null is the default (or TARGETING_KEY_MISSING when `fractional` had no
 * key); anything else names a variant by its string form (flagd: `true` -> "true"), a SPLIT when `fractional`
 * picked it. Results are cached per name (rules return the same few names every time).
 */
export function outcomeResult(flag: CompiledFlag, out: unknown, env: Env): EvaluationResult {
  if (out === null || out === undefined) return env.keyMissing ? keyMissingResult(flag) : flag.defaultResult;
  const name = typeof out === 'string' ? out : safeString(out);
  const split = env.split !== undefined && env.split === out;
  const cache = split ? (flag.splits ??= new ResultCache()) : (flag.matches ??= new ResultCache());
  let r = cache.get(name);
  if (r === undefined) {
    r = namedResult(flag, name, split ? 'SPLIT' : 'TARGETING_MATCH');
    // an unknown name's ERROR is made anew each time (it must not fill the cache)
    if (r.reason !== 'ERROR') cache.set(name, r);
  }
  return r;
}

export function budgetResult(flag: CompiledFlag): EvaluationResult {
  return (flag.budgetResult ??= makeResult(flag, {
    reason: 'ERROR',
    errorCode: 'GENERAL',
    errorMessage: `flag "${flag.key}" was not evaluated: this request spent its evaluation budget (see the limits in the documentation)`,
  }));
}
