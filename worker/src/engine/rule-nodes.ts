// How many nodes a rule can visit once, shared rules and segments counted at each use: what evaluation charges up front.

import type { JsonValue } from './types';
import type { CompileScope } from './rule';

const hasOwn = Object.prototype.hasOwnProperty;

/** Counted shared rules and segments, per compilation (as compiledRefs). */
const countedRefs = new WeakMap<CompileScope['segment'], Map<string, number>>();

/**
 * How many nodes evaluating `node` can visit once, with every `$ref` and segment it uses counted at each use
 * (capped: validation refuses rules past 50,000 expanded nodes). What a flag's evaluation is charged up front.
 */
export function ruleNodes(node: JsonValue, scope: CompileScope, cap = 1_000_000): number {
  let memo = countedRefs.get(scope.segment);
  if (memo === undefined) countedRefs.set(scope.segment, (memo = new Map()));
  const counts = memo;
  const active = new Set<string>();
  const shared = (id: string, rule: JsonValue | undefined): number => {
    const known = counts.get(id);
    if (known !== undefined) return known;
    if (rule === undefined || active.has(id)) return 1;
    active.add(id);
    const n = count(rule);
    active.delete(id);
    counts.set(id, n);
    return n;
  };
  const count = (n: JsonValue): number => {
    if (n === null || typeof n !== 'object') return 1;
    let total = 1;
    if (Array.isArray(n)) {
      for (const x of n) if ((total += count(x)) > cap) return cap;
      return total;
    }
    for (const [op, arg] of Object.entries(n)) {
      if (op === '$ref' && typeof arg === 'string') total += shared(`r:${arg}`, hasOwn.call(scope.evaluators, arg) ? scope.evaluators[arg] : undefined);
      else if (op === 'segment') total += shared(`s:${String(Array.isArray(arg) ? arg[0] : arg)}`, scope.segmentRule?.(String(Array.isArray(arg) ? arg[0] : arg)));
      else total += count(arg);
      if (total > cap) return cap;
    }
    return total;
  };
  return count(node);
}
