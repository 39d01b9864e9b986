// The common targeting as data: an `if` chain whose branches are literal variant names, ending in a literal or a
// `fractional` split. Evaluating it reads its conditions' tests or calls their closures, and returns results made at
// compile time.

import type { EvaluationResult, JsonValue } from './types';
import { forClosures, isPlainObject, type CompileScope, type Env, type Fn } from './rule';
import { bucketFrom, murmur3Prefix } from './murmur3';
import { flagKeyPrefixed, MAX_TOTAL_WEIGHT } from './ops-flagd';
import { keyMissingResult, namedResult, outcomeResult, type ChainProgram, type CompiledFlag } from './results';
import { charge, CHAR_UNITS, CHARGE_FROM } from './budget';
import { charged } from './loose';
import { conditionData, conditionIndex, heldAt } from './condition-data';

const literalName = (v: JsonValue): string | null | undefined =>
  v === null ? null : typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;

/** The split of `{"fractional": …}` when it has the shape a program handles (its steps added to `steps`), else false. */
function splitOf(node: JsonValue, flag: CompiledFlag, scope: CompileScope, compile: (n: JsonValue, s: CompileScope) => Fn, program: ChainProgram, steps: ChainProgram['steps']): boolean {
  if (!isPlainObject(node) || Object.keys(node).length !== 1 || !Array.isArray(node.fractional)) return false;
  const args = node.fractional;
  const keyed = args.length > 0 && !Array.isArray(args[0]);
  const rest = keyed ? flagKeyPrefixed(args[0], scope, compile) : null;
  if (keyed && !rest) return false;
  let total = 0;
  for (const entry of (keyed ? args.slice(1) : args) as JsonValue[]) {
    if (!Array.isArray(entry) || entry.length < 1 || entry.length > 2) return false;
    const w = entry.length > 1 ? entry[1] : 1;
    const name = literalName(entry[0] ?? null);
    if (typeof w !== 'number' || name === undefined) return false;
    total += Math.max(0, w);
    steps.push(total, name === null ? null : namedResult(flag, name, 'SPLIT'));
  }
  if (total > MAX_TOTAL_WEIGHT) return false;
  program.total = total;
  program.rest = rest;
  return true;
}

/** Conditions up to this size (as JSON) are shared by the flags of a snapshot that test the same thing. */
const SHARED_CONDITION_CHARS = 256;

/**
 * A condition, compiled once per snapshot when small: environments repeat the same tests (a plan, an e-mail
 * domain, a version) across many flags, and one closure for all of them keeps what an evaluation touches small.
 */
function condition(node: JsonValue, scope: CompileScope, compile: (n: JsonValue, s: CompileScope) => Fn): Fn {
  const memo = scope.conditions;
  if (memo === undefined || node === null || typeof node !== 'object') return compile(node, scope);
  const text = JSON.stringify(node);
  if (text.length > SHARED_CONDITION_CHARS) return compile(node, scope);
  let fn = memo.get(text);
  if (fn === undefined) memo.set(text, (fn = compile(node, scope)));
  return fn;
}

/** The program of `targeting` when it has the common shape, else null (the flag's rule is compiled as a whole). */
export function chainProgram(targeting: JsonValue, flag: CompiledFlag, scope: CompileScope, compile: (n: JsonValue, s: CompileScope) => Fn): ChainProgram | null {
  if (!isPlainObject(targeting) || Object.keys(targeting).length !== 1) return null;
  const chain = targeting.if ?? targeting['?:'];
  if (!Array.isArray(chain) || chain.length < 2) return null;
  const pairs = chain.length >> 1;
  const program: ChainProgram = { flag, steps: [], cutsAt: 0, outs: [], otherwiseOut: null, otherwise: null, total: -1, rest: null };
  const picks: (EvaluationResult | null)[] = [];
  for (let i = 0; i < pairs; i++) {
    const out = chain[2 * i + 1];
    const name = literalName(out);
    if (name === undefined) return null;
    program.outs.push(out);
    picks.push(name === null ? null : namedResult(flag, name, 'TARGETING_MATCH'));
  }
  const cuts: ChainProgram['steps'] = [];
  if (chain.length % 2 === 1) {
    const last = chain[chain.length - 1];
    const name = literalName(last);
    if (name !== undefined) {
      program.otherwiseOut = last;
      program.otherwise = name === null ? null : namedResult(flag, name, 'TARGETING_MATCH');
    } else if (!splitOf(last, flag, scope, compile, program, cuts)) return null;
  }
  // compiled last: a condition that cannot be compiled fails the flag as a whole rule would
  const steps: ChainProgram['steps'] = [];
  const call = (node: JsonValue) => condition(node, scope, compile);
  for (let i = 0; i < pairs; i++) {
    if (!conditionData(chain[2 * i], scope, call, steps)) steps.push(call(chain[2 * i]));
    steps.push(picks[i]);
  }
  program.cutsAt = steps.length;
  // one array, made at once in its final size (no spare capacity): conditions, then the split's cuts
  program.steps = [...steps, ...cuts];
  return program;
}

/** Evaluates a flag's program for the context `ctx` (env.split and env.keyMissing reset by the caller). */
export function runProgram(flag: CompiledFlag, p: ChainProgram, env: Env, ctx: Record<string, unknown>): EvaluationResult {
  const steps = p.steps;
  const at = heldAt(p, ctx, env);
  if (at >= 0) {
    const r = steps[at] as EvaluationResult | null;
    // a `fractional` inside the condition that picked this very name makes it a SPLIT, as for any rule
    if (r === null || env.split !== undefined) return outcomeResult(flag, p.outs[conditionIndex(p, at)], env);
    return r;
  }
  const total = p.total;
  if (total < 0) return p.otherwise === null || env.split !== undefined ? outcomeResult(flag, p.otherwiseOut, env) : p.otherwise;
  // the bucket straight from the hash (bucketFrom): a hash returned on its own would be a heap number
  let bucket: number;
  if (p.rest === null) {
    const tk = ctx.targetingKey;
    if (typeof tk !== 'string' || tk === '') return keyMissingResult(flag);
    if (tk.length > CHARGE_FROM) charge(env, CHAR_UNITS * tk.length);
    bucket = bucketFrom(flag.hashPrefix ?? (flag.hashPrefix = murmur3Prefix(flag.key)), tk, total);
  } else {
    forClosures(env, flag, ctx);
    bucket = bucketFrom(flag.hashPrefix ?? (flag.hashPrefix = murmur3Prefix(flag.key)), charged(p.rest(ctx, env) as string, env), total);
  }
  const n = p.cutsAt;
  for (let i = n; i < steps.length; i += 2) if ((steps[i] as number) > bucket) return (steps[i + 1] as EvaluationResult | null) ?? (env.keyMissing ? keyMissingResult(flag) : flag.defaultResult);
  return env.keyMissing ? keyMissingResult(flag) : flag.defaultResult;
}
