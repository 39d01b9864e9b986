// Evaluates flags of a compiled snapshot for one context: one flag, or all of them (the hot paths).

import type {
  CompiledFlagSet,
  EvaluateAllOptions,
  EvaluateFlagOptions,
  EvaluationContext,
  EvaluationResult,
  FlagSelection,
  ValueType,
} from './types';
import { FlagSnapshot } from './compile';
import { budgetResult, makeResult, outcomeResult, type CompiledFlag } from './results';
import { BudgetExceeded, REQUEST_BUDGET } from './budget';
import { runProgram } from './flag-program';
import { forClosures, type Env, type Fn } from './rule';

function snapshotOf(set: CompiledFlagSet): FlagSnapshot {
  if (!(set instanceof FlagSnapshot)) throw new TypeError('not a compiled flag set: use compileFlagSet()');
  return set;
}

/** Why a context cannot be used, or null. */
function contextProblem(context: unknown): string | null {
  if (typeof context !== 'object' || context === null || Array.isArray(context)) return 'the evaluation context must be an object';
  const tk = (context as EvaluationContext).targetingKey;
  if (tk !== undefined && tk !== null && typeof tk !== 'string') return 'targetingKey must be a string';
  return null;
}

interface RunEnv extends Env {
  snapshot: FlagSnapshot;
}

/** A prerequisite: the other flag's variant for the same context and time; the caller's state is restored. */
function prerequisiteVariant(key: string, env: Env): string | undefined {
  const flag = (env as RunEnv).snapshot.flag(key);
  if (!flag) return undefined;
  const { flag: current, split, keyMissing } = env;
  env.depth++;
  try {
    // reached only from a closure, which set env.ctx and env.flag (restored below)
    return run(flag, env, env.ctx).variant;
  } finally {
    env.depth--;
    env.flag = current;
    env.split = split;
    env.keyMissing = keyMissing;
  }
}

/**
 * One environment object, reused: evaluation is synchronous and never re-entered except by
 * prerequisites, which save and restore what they change. This keeps the hot paths allocation-free.
 * Its context and flag are stored only before a closure runs (`forClosures`): a program's data tests read the
 * context they are given, and storing a young object in this long-lived one costs a write barrier.
 */
const shared: RunEnv = {
  ctx: {},
  flag: { key: '' },
  now: 0,
  split: undefined,
  keyMissing: false,
  depth: 0,
  budget: REQUEST_BUDGET,
  variantOf: prerequisiteVariant,
  snapshot: null as unknown as FlagSnapshot,
};

function enter(snapshot: FlagSnapshot, now: number): RunEnv {
  if (shared.snapshot !== snapshot) shared.snapshot = snapshot;
  shared.now = now;
  shared.depth = 0;
  shared.budget = REQUEST_BUDGET;
  return shared;
}

/** The phase of a flag with scheduled changes in effect at `now`: the last that began (binary search, any number of changes). */
export function phaseAt(flag: CompiledFlag, now: number): CompiledFlag {
  const phases = flag.phases as NonNullable<CompiledFlag['phases']>;
  let lo = 0;
  let hi = phases.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (phases[mid].from <= now) lo = mid;
    else hi = mid - 1;
  }
  const phase = phases[lo];
  return (phase.flag ??= phase.make());
}

/** Evaluates `flag` for the context `ctx`. */
function run(flag: CompiledFlag, env: Env, ctx: Record<string, unknown>): EvaluationResult {
  if (flag.fixed !== null) return flag.fixed;
  if ((env.budget -= flag.cost) < 0) return budgetResult(flag);
  env.split = undefined;
  env.keyMissing = false;
  try {
    if (flag.program !== null) return runProgram(flag, flag.program, env, ctx);
    if (flag.phases !== null) return run(phaseAt(flag, env.now), env, ctx);
    forClosures(env, flag, ctx);
    return outcomeResult(flag, (flag.rule as NonNullable<CompiledFlag['rule']>)(ctx, env), env);
  } catch (err) {
    if (err instanceof BudgetExceeded) return budgetResult(flag);
    return makeResult(flag, { reason: 'ERROR', errorCode: 'GENERAL', errorMessage: `error evaluating the targeting of flag "${flag.key}"` });
  }
}

/**
 * Runs `rule` (compiled by the snapshot) as flag `key`'s targeting would run for `context` at `now`: the same
 * flag key for `fractional` and `$flagd.flagKey`, prerequisites against the same snapshot. For explain.
 */
export function runRuleAs(snapshot: FlagSnapshot, key: string, rule: Fn, context: EvaluationContext, now: number): unknown {
  const env = enter(snapshot, now);
  env.ctx = context;
  env.flag = snapshot.flag(key) ?? { key };
  env.split = undefined;
  env.keyMissing = false;
  try {
    return rule(context, env);
  } catch {
    return null;
  }
}

function typeMatches(value: unknown, type: ValueType): boolean {
  return type === 'object' ? typeof value === 'object' && value !== null : typeof value === type;
}

/** Evaluates one flag. Never throws on data: unknown keys, bad contexts and rule errors come back as results. */
export function evaluateFlag(set: CompiledFlagSet, key: string, context: EvaluationContext, options: EvaluateFlagOptions): EvaluationResult {
  const snapshot = snapshotOf(set);
  const flag = snapshot.byKey.get(key) ?? snapshot.flag(key);
  if (!flag) {
    const r: EvaluationResult = { key, reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND', errorMessage: `flag "${key}" not found` };
    if (snapshot.notFoundMetadata) r.metadata = snapshot.notFoundMetadata;
    return r;
  }
  const problem = flag.fixed ? null : contextProblem(context);
  if (problem) return makeResult(flag, { reason: 'ERROR', errorCode: 'INVALID_CONTEXT', errorMessage: problem });
  const r = run(flag, enter(snapshot, options.now), context);
  if (options.type && r.value !== undefined && !typeMatches(r.value, options.type)) {
    return makeResult(flag, { reason: 'ERROR', errorCode: 'TYPE_MISMATCH', errorMessage: `flag "${key}" is not of type ${options.type}` });
  }
  return r;
}

/** Picks a subset of a snapshot's flags once, so that `evaluateAll(…, { only })` costs nothing per flag skipped. */
export function selectFlags(set: CompiledFlagSet, include: (key: string) => boolean): FlagSelection {
  const snapshot = snapshotOf(set);
  const selection = Object.freeze({ set, keys: Object.freeze(snapshot.keys.filter((k) => include(k))) });
  selections.set(selection, null);
  return selection;
}

/** Selections made by `selectFlags`, with their flags once resolved (on first use). */
const selections = new WeakMap<FlagSelection, CompiledFlag[] | null>();

/** Evaluates every flag (or the selected ones) for one context, in `keys` order. DISABLED flags are included. */
export function evaluateAll(set: CompiledFlagSet, context: EvaluationContext, options: EvaluateAllOptions): EvaluationResult[] {
  const snapshot = snapshotOf(set);
  const only = options.only;
  let flags: CompiledFlag[];
  if (only && typeof only === 'object') {
    const picked = selections.get(only);
    if (picked === undefined || only.set !== set) throw new TypeError('selection made for another snapshot');
    flags = picked ?? snapshot.flagsOf(only.keys);
    if (picked === null) selections.set(only, flags);
  } else if (typeof only === 'function') flags = snapshot.flagsOf(snapshot.keys.filter((k) => only(k)));
  else flags = snapshot.flags();
  const out: EvaluationResult[] = new Array(flags.length);
  const problem = contextProblem(context);
  if (problem) {
    for (let i = 0; i < flags.length; i++) {
      const f = flags[i];
      out[i] = f.fixed ?? makeResult(f, { reason: 'ERROR', errorCode: 'INVALID_CONTEXT', errorMessage: problem });
    }
    return out;
  }
  const env = enter(snapshot, options.now);
  for (let i = 0; i < flags.length; i++) out[i] = run(flags[i], env, context);
  return out;
}
