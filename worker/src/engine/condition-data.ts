// A chain's conditions as data in its program's array (the attribute tests: `in` a list, `==` a string, `ends_with` a
// string, `sem_ver` against a release, and an `and` of them), the loop that finds the first condition that holds,
// and which one it was.

import type { JsonValue } from './types';
import type { ChainProgram } from './results';
import { forClosures, isPlainObject, truthy, type CompileScope, type Env, type Fn } from './rule';
import { prop, simpleVar } from './ops-data';
import { looseEquals } from './loose';
import { endsWith } from './ops-flagd';
import { parseSemVer, releaseKey, versionHolds, versionRange, type SemVer } from './sem-ver';

/**
 * The tests of a data condition, each an op code and its operands. A condition holds when every test holds, in
 * order (an `and`, short-circuited as JsonLogic's; its truthiness is all a chain reads).
 */
const EQ = 0; // [EQ, k, r]: `{"==": [{"var": k}, r]}`, r a string
const IN = 1; // [IN, k, n, v1 … vn]: `{"in": [{"var": k}, [v1 … vn]]}`, n ≤ 8 primitives
const IN_SET = 2; // [IN_SET, k, set]: the same with more than 8
const CALL = 3; // [CALL, fn]: any other condition, compiled
const ENDS = 4; // [ENDS, k, s]: `{"ends_with": [{"var": k}, s]}`
const VERSION = 5; // [VERSION, k, lo, hi, outside, op, v]: `{"sem_ver": [{"var": k}, op, v]}`, v a release (`versionRange`)

/** The tests of `node` when it is one (with no closure to call), else null. */
function attributeTest(node: JsonValue, scope: CompileScope): unknown[] | null {
  if (!isPlainObject(node)) return null;
  const keys = Object.keys(node);
  if (keys.length !== 1) return null;
  const args = node[keys[0]];
  if (keys[0] === 'sem_ver') return versionData(args, scope);
  if (!Array.isArray(args) || args.length !== 2) return null;
  const k = simpleVar(args[0], scope);
  if (k === null) return null;
  const right = args[1];
  if (keys[0] === '==' && typeof right === 'string') return [EQ, k, right];
  if (keys[0] === 'ends_with') return typeof right === 'string' ? [ENDS, k, right] : null;
  if (keys[0] !== 'in' || !Array.isArray(right) || !right.every((x) => x === null || typeof x !== 'object')) return null;
  return right.length > 8 ? [IN_SET, k, new Set(right)] : [IN, k, right.length, ...right];
}

/** The test of `{"sem_ver": [{"var": k}, op, v]}` when `op` compares and `v` is a release with a key, else null. */
function versionData(args: JsonValue, scope: CompileScope): unknown[] | null {
  if (!Array.isArray(args) || args.length !== 3 || typeof args[1] !== 'string') return null;
  const k = simpleVar(args[0], scope);
  const literal = typeof args[2] === 'string' || typeof args[2] === 'number' ? parseSemVer(args[2]) : null;
  const key = literal ? releaseKey(literal) : -1;
  const range = key < 0 ? null : versionRange(args[1], key);
  // anything but a plain version in the context is compared the general way, as the closure would
  return k === null || range === null ? null : [VERSION, k, ...range, args[1], literal];
}

/**
 * A condition as data (appended to `out`, its first slot the index where its tests end), when it is an attribute
 * test or an `and` with one among its parts; else false. `call` compiles the other parts.
 */
export function conditionData(node: JsonValue, scope: CompileScope, call: (n: JsonValue) => Fn, out: unknown[]): boolean {
  const single = attributeTest(node, scope);
  const parts = single ? [node] : isPlainObject(node) && Object.keys(node).length === 1 && Array.isArray(node.and) ? node.and : null;
  if (parts === null || parts.length === 0) return false;
  const tests = parts.map((p) => attributeTest(p, scope));
  if (tests.every((t) => t === null)) return false;
  const at = out.length;
  out.push(0);
  for (let i = 0; i < parts.length; i++) out.push(...(tests[i] ?? [CALL, call(parts[i])]));
  out[at] = out.length;
  return true;
}

/**
 * Where the first condition of program `p` that holds has its result in `p.steps`, or −1 when none does. A condition
 * is a closure (its result next), or the index where its tests end (its result there) followed by the tests. The
 * tests are read here, in the loop over conditions, so that the engine's hottest loop is one function however the
 * JIT inlines its callers.
 */
export function heldAt(p: ChainProgram, d: Record<string, unknown>, env: Env): number {
  const steps = p.steps;
  const n = p.cutsAt;
  let at = 0;
  conditions: while (at < n) {
    const s = steps[at];
    if (typeof s === 'function') {
      forClosures(env, p.flag, d);
      const v = (s as Fn)(d, env);
      if (v === true || (v !== false && truthy(v))) return at + 1;
      at += 2;
      continue;
    }
    const end = s as number;
    let i = at + 1;
    at = end + 1;
    while (i < end) {
      const op = steps[i] as number;
      if (op === EQ) {
        // as `compareProp`: a string attribute is compared as it is, anything else loosely
        const k = steps[i + 1] as string;
        const r = steps[i + 2];
        const v = d[k];
        if (typeof v === 'string' ? v !== r : !looseEquals(prop(d, k), r, env)) continue conditions;
        i += 3;
      } else if (op === IN) {
        let x = d[steps[i + 1] as string];
        if (x === undefined || typeof x === 'function') x = null;
        const last = i + 3 + (steps[i + 2] as number);
        let j = i + 3;
        while (j < last && steps[j] !== x) j++;
        if (j === last) continue conditions;
        i = last;
      } else if (op === ENDS) {
        const v = d[steps[i + 1] as string];
        if (typeof v !== 'string' || !endsWith(v, steps[i + 2] as string)) continue conditions;
        i += 3;
      } else if (op === VERSION) {
        const v = d[steps[i + 1] as string];
        if (!versionHolds(v, steps[i + 2] as number, steps[i + 3] as number, steps[i + 4] as boolean, steps[i + 5] as string, steps[i + 6] as SemVer)) continue conditions;
        i += 7;
      } else if (op === IN_SET) {
        const v = d[steps[i + 1] as string];
        if (!(steps[i + 2] as Set<unknown>).has(v === undefined || typeof v === 'function' ? null : v)) continue conditions;
        i += 3;
      } else {
        forClosures(env, p.flag, d);
        if (!truthy((steps[i + 1] as Fn)(d, env))) continue conditions;
        i += 2;
      }
    }
    return end;
  }
  return -1;
}

/** The index of the condition whose result is at `at` in `p.steps` (as `heldAt` returned it). */
export function conditionIndex(p: ChainProgram, at: number): number {
  let index = 0;
  for (let i = 0; i < at; index++) i = typeof p.steps[i] === 'function' ? i + 2 : (p.steps[i] as number) + 1;
  return index - 1;
}
