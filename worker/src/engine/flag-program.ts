// The common targeting as data: an `if` chain whose branches are literal variant names, ending in a literal or a
// `fractional` split. Evaluating it calls only the conditions' closures and returns results made at compile time.

import type { EvaluationResult, JsonValue } from './types';
import { isPlainObject, truthy, type CompileScope, type Env, type Fn } from './rule';
import { bucketFrom, murmur3Prefix } from './murmur3';
import { flagKeyPrefixed, MAX_TOTAL_WEIGHT } from './ops-flagd';
import { keyMissingResult, namedResult, outcomeResult, type ChainProgram, type CompiledFlag, type SplitProgram } from './results';
import { charge, CHAR_UNITS, CHARGE_FROM } from './budget';
import { charged } from './loose';

const literalName = (v: JsonValue): string | null | undefined =>
  v === null ? null : typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;

/** The split of `{"fractional": …}` when it has the shape a program handles, else null. */
function splitOf(node: JsonValue, flag: CompiledFlag, scope: CompileScope, compile: (n: JsonValue, s: CompileScope) => Fn): SplitProgram | null {
  if (!isPlainObject(node) || Object.keys(node).length !== 1 || !Array.isArray(node.fractional)) return null;
  const args = node.fractional;
  const keyed = args.length > 0 && !Array.isArray(args[0]);
  const rest = keyed ? flagKeyPrefixed(args[0], scope, compile) : null;
  if (keyed && !rest) return null;
  const bounds: number[] = [];
  const results: (EvaluationResult | null)[] = [];
  let total = 0;
  for (const entry of (keyed ? args.slice(1) : args) as JsonValue[]) {
    if (!Array.isArray(entry) || entry.length < 1 || entry.length > 2) return null;
    const w = entry.length > 1 ? entry[1] : 1;
    const name = literalName(entry[0] ?? null);
    if (typeof w !== 'number' || name === undefined) return null;
    total += Math.max(0, w);
    bounds.push(total);
    results.push(name === null ? null : namedResult(flag, name, 'SPLIT'));
  }
  return total > MAX_TOTAL_WEIGHT ? null : { rest, bounds, total, results };
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
  const program: ChainProgram = { conds: [], outs: [], results: [], otherwiseOut: null, otherwise: null, split: null };
  for (let i = 0; i < pairs; i++) {
    const out = chain[2 * i + 1];
    const name = literalName(out);
    if (name === undefined) return null;
    program.outs.push(out);
    program.results.push(name === null ? null : namedResult(flag, name, 'TARGETING_MATCH'));
  }
  if (chain.length % 2 === 1) {
    const last = chain[chain.length - 1];
    const name = literalName(last);
    if (name !== undefined) {
      program.otherwiseOut = last;
      program.otherwise = name === null ? null : namedResult(flag, name, 'TARGETING_MATCH');
    } else if (!(program.split = splitOf(last, flag, scope, compile))) return null;
  }
  // compiled last: a condition that cannot be compiled fails the flag as a whole rule would
  for (let i = 0; i < pairs; i++) program.conds.push(condition(chain[2 * i], scope, compile));
  return program;
}

/** Evaluates a flag's program (env.flag, env.split and env.keyMissing set by the caller). */
export function runProgram(flag: CompiledFlag, p: ChainProgram, env: Env): EvaluationResult {
  const ctx = env.ctx;
  const conds = p.conds;
  for (let i = 0; i < conds.length; i++) {
    const v = conds[i](ctx, env);
    if (v === true || (v !== false && truthy(v))) {
      const r = p.results[i];
      // a `fractional` inside the condition that picked this very name makes it a SPLIT, as for any rule
      if (r === null || env.split !== undefined) return outcomeResult(flag, p.outs[i], env);
      return r;
    }
  }
  const split = p.split;
  if (split === null) return p.otherwise === null || env.split !== undefined ? outcomeResult(flag, p.otherwiseOut, env) : p.otherwise;
  // the bucket straight from the hash (bucketFrom): a hash returned on its own would be a heap number
  let bucket: number;
  if (split.rest === null) {
    const tk = ctx.targetingKey;
    if (typeof tk !== 'string' || tk === '') return keyMissingResult(flag);
    if (tk.length > CHARGE_FROM) charge(env, CHAR_UNITS * tk.length);
    bucket = bucketFrom(flag.hashPrefix ?? (flag.hashPrefix = murmur3Prefix(flag.key)), tk, split.total);
  } else bucket = bucketFrom(flag.hashPrefix ?? (flag.hashPrefix = murmur3Prefix(flag.key)), charged(split.rest(ctx, env) as string, env), split.total);
  const bounds = split.bounds;
  for (let i = 0; i < bounds.length; i++) if (bounds[i] > bucket) return split.results[i] ?? (env.keyMissing ? keyMissingResult(flag) : flag.defaultResult);
  return env.keyMissing ? keyMissingResult(flag) : flag.defaultResult;
}
