// flagd's custom operators: `fractional`, `sem_ver`, `starts_with`, `ends_with`.

import type { JsonValue } from './types';
import { bucketFrom, murmur3Prefix, type MurmurState } from './murmur3';
import { matchSemVer, parseSemVer, SEM_VER_OPERATORS, versionTest } from './sem-ver';
import type { Fn, OperatorCompiler } from './rule';
import { simpleVar } from './ops-data';
import { charge, CHAR_UNITS, CHARGE_FROM } from './budget';
import { charged } from './loose';

export const MAX_TOTAL_WEIGHT = 2147483647;

interface Bucket {
  variant: Fn;
  /** the variant when it is a literal (the usual case): no call per evaluation */
  constant: unknown;
  /** a constant weight, or a rule computing it (time-based rollouts) */
  weight: number | Fn;
}

/** How flagd names a variant from a bucket entry: strings, numbers and booleans (turned into names later), or null. */
function asVariant(v: unknown): unknown {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : null;
}

/** murmur3's state before any input: an explicit bucketing key is hashed from it, as murmur3(key) is. */
const EMPTY_PREFIX = murmur3Prefix('');

const fractional: OperatorCompiler = (args, scope, compile) => {
  // The first argument is the bucketing expression unless it is already a bucket (flagd's shorthand).
  const keyed = args.length > 0 && !Array.isArray(args[0]);
  // `{"cat": [{"var": "$flagd.flagKey"}, …]}`, flagd's documented bucketing key: the flag key's part is
  // hashed once per flag and the rest continues from it, without building the concatenation
  const afterFlagKey = keyed ? flagKeyPrefixed(args[0], scope, compile) : null;
  const explicitKey = keyed && !afterFlagKey ? compile(args[0], scope) : null;
  const entries = (keyed ? args.slice(1) : args) as JsonValue[][];
  const buckets: Bucket[] = entries.map((entry) => {
    const w = entry.length > 1 ? entry[1] : 1;
    const v = entry[0] ?? null;
    const constant = v === null || typeof v !== 'object' ? asVariant(v) : undefined;
    return { variant: compile(v, scope), constant, weight: typeof w === 'number' ? w : compile(w, scope) };
  });
  const dynamic = buckets.some((b) => typeof b.weight !== 'number');
  const staticWeights = dynamic ? null : buckets.map((b) => Math.max(0, b.weight as number));
  const staticTotal = staticWeights ? staticWeights.reduce((s, w) => s + w, 0) : 0;

  return (data, env) => {
    // the key to bucket by, checked before the weights are read; hashed once the total is known (bucketFrom), since
    // a hash returned on its own would be a heap number
    let prefix: MurmurState | null = null;
    let rest: string;
    if (afterFlagKey) {
      const flag = env.flag;
      prefix = flag.hashPrefix ?? (flag.hashPrefix = murmur3Prefix(flag.key));
      rest = charged(afterFlagKey(data, env) as string, env);
    } else if (explicitKey) {
      const k = explicitKey(data, env);
      if (typeof k !== 'string') return null;
      rest = charged(k, env);
    } else {
      const tk = env.ctx.targetingKey;
      if (typeof tk !== 'string' || tk === '') {
        env.keyMissing = true;
        return null;
      }
      if (tk.length > CHARGE_FROM) charge(env, CHAR_UNITS * tk.length);
      // flagKey + targetingKey, with the flag key's part hashed once per flag
      const flag = env.flag;
      prefix = flag.hashPrefix ?? (flag.hashPrefix = murmur3Prefix(flag.key));
      rest = tk;
    }
    let weights = staticWeights;
    let total = staticTotal;
    if (!weights) {
      weights = new Array(buckets.length);
      total = 0;
      for (let i = 0; i < buckets.length; i++) {
        const w = buckets[i].weight;
        const n = typeof w === 'number' ? w : w(data, env);
        if (typeof n !== 'number' || !Number.isInteger(n)) return null;
        weights[i] = Math.max(0, n);
        total += weights[i];
      }
    }
    if (total > MAX_TOTAL_WEIGHT) return null;
    const bucket = bucketFrom(prefix ?? EMPTY_PREFIX, rest, total);
    let sum = 0;
    for (let i = 0; i < weights.length; i++) {
      sum += weights[i];
      if (sum > bucket) {
        const b = buckets[i];
        const v = b.constant !== undefined ? b.constant : asVariant(b.variant(data, env));
        if (v !== null) env.split = v;
        return v;
      }
    }
    return null;
  };
};

/**
 * For a bucketing key `{"cat": [{"var": "$flagd.flagKey"}, …rest]}`, the compiled `{"cat": rest}` (a
 * string, always), so that the hash is murmur3(flagKey + rest); else null.
 */
export function flagKeyPrefixed(node: JsonValue, scope: Parameters<OperatorCompiler>[1], compile: Parameters<OperatorCompiler>[2]): Fn | null {
  if (scope.inIteration || node === null || typeof node !== 'object' || Array.isArray(node)) return null;
  const keys = Object.keys(node);
  const parts = node.cat;
  if (keys.length !== 1 || !Array.isArray(parts) || parts.length < 2) return null;
  const first = parts[0];
  if (first === null || typeof first !== 'object' || Array.isArray(first) || Object.keys(first).length !== 1) return null;
  const path = Array.isArray(first.var) && first.var.length === 1 ? first.var[0] : first.var;
  if (path !== '$flagd.flagKey') return null;
  return compile({ cat: parts.slice(1) }, scope);
}

/** `a.endsWith(b)`, compared from the end: inlined where the built-in is a call, and domains differ near their end. */
export function endsWith(a: string, b: string): boolean {
  const off = a.length - b.length;
  if (off < 0) return false;
  for (let i = b.length - 1; i >= 0; i--) if (a.charCodeAt(off + i) !== b.charCodeAt(i)) return false;
  return true;
}

/** flagd's answer to a custom operator given the wrong arguments: null (the flag falls back to its default). */
const nothing: Fn = () => null;

function stringTest(test: (a: string, b: string) => boolean, fused: (k: string, lit: string) => Fn): OperatorCompiler {
  return (args, scope, compile) => {
    if (args.length !== 2) return nothing;
    const lit = args[1];
    if (typeof lit === 'string') {
      const k = simpleVar(args[0], scope);
      if (k !== null) return fused(k, lit);
      const a = compile(args[0] ?? null, scope);
      return (d, e) => { const s = a(d, e); return typeof s === 'string' ? test(s, lit) : null; };
    }
    const a = compile(args[0] ?? null, scope);
    const b = compile(lit ?? null, scope);
    return (d, e) => {
      const s = a(d, e);
      const t = b(d, e);
      return typeof s === 'string' && typeof t === 'string' ? test(s, t) : null;
    };
  };
}

const semVer: OperatorCompiler = (args, scope, compile) => {
  const op = args[1];
  if (args.length !== 3 || typeof op !== 'string' || !(SEM_VER_OPERATORS as readonly string[]).includes(op)) return nothing;
  const a = compile(args[0] ?? null, scope);
  const lit = args[2];
  const fixed = typeof lit === 'string' || typeof lit === 'number' ? parseSemVer(lit) : undefined;
  if (fixed) {
    const k = simpleVar(args[0], scope);
    if (k !== null) return versionTest(op, fixed, k);
    const test = versionTest(op, fixed, null);
    return (d, e) => test(a(d, e));
  }
  const b = fixed === undefined ? compile(lit ?? null, scope) : null;
  return (d, e) => {
    const x = parseSemVer(a(d, e));
    const y = b ? parseSemVer(b(d, e)) : fixed;
    return x && y ? matchSemVer(x, op, y) : null;
  };
};

export const flagdOperators: Record<string, OperatorCompiler> = {
  fractional,
  sem_ver: semVer,
  // `{"op": [{"var": k}, "literal"]}` reads the property itself: one closure, nothing called
  starts_with: stringTest(
    (a, b) => a.startsWith(b),
    // the property read here, not by `prop` (a load site per kind of test; see `in` in ops-logic.ts)
    (k, lit) => (d) => { const s = d == null ? null : (d as any)[k]; return typeof s === 'string' ? s.startsWith(lit) : null; },
  ),
  ends_with: stringTest(endsWith, (k, lit) => (d) => { const s = d == null ? null : (d as any)[k]; return typeof s === 'string' ? endsWith(s, lit) : null; }),
};
