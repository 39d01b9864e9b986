// Save-time size limits: how deep and large a flag's variant values may be, and how large a rule may
// grow once `$ref`, segments and prerequisites are expanded.

import type { ValidationIssue } from './types';
import type { RuleReferences } from './validate-rule';
import { pointer } from './validate-rule';

/** Object variants nested deeper than this are refused: serving them would walk them recursively. */
export const MAX_VARIANT_DEPTH = 32;
/** A flag's variants, serialized as JSON, take at most this many bytes (UTF-8). */
export const MAX_VARIANTS_BYTES = 64 * 1024;
/**
 * A rule may reach at most this many JSON nodes once every `$ref` is inlined and every segment and
 * prerequisite it evaluates is counted where it is used. Shared rules that each use the previous one
 * twice double at every level: 17 levels of a 1 kB file already evaluate some 130,000 nodes.
 */
export const MAX_EXPANDED_RULE_NODES = 50_000;

/** True when `value` nests objects or arrays deeper than `limit` (walked without recursion). */
export function nestedDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > limit) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}

/** Depth and size of a flag's variants (already known to be an object of JSON values). */
export function checkVariantLimits(variants: Record<string, unknown>, path: string, issues: ValidationIssue[]): void {
  let deep = false;
  for (const [name, v] of Object.entries(variants)) {
    if (nestedDeeperThan(v, MAX_VARIANT_DEPTH)) {
      deep = true;
      issues.push({ path: pointer(path, name), message: `a variant value may nest objects and arrays at most ${MAX_VARIANT_DEPTH} levels deep` });
    }
  }
  if (deep) return; // too deep to serialize safely
  const bytes = new TextEncoder().encode(JSON.stringify(variants)).length;
  if (bytes > MAX_VARIANTS_BYTES) {
    issues.push({ path, message: `a flag's variants may take at most ${MAX_VARIANTS_BYTES} bytes of JSON (64 KiB); these take ${bytes}` });
  }
}

/**
 * The size of each rule once expanded: its own nodes, plus for every use the expanded size of the
 * shared rule, segment or prerequisite flag it names. Memoised (linear in the references), capped
 * just above the limit so that the numbers stay small; names in a cycle count 0 (cycles are refused).
 * `rulesOf` takes '$evaluators/x', 'segments/x' or 'flags/x'.
 */
export function expandedSizes(rulesOf: (node: string) => RuleReferences | undefined): (node: string) => number {
  const done = new Map<string, number>();
  const active = new Set<string>();
  const cap = MAX_EXPANDED_RULE_NODES + 1;
  const size = (node: string): number => {
    const known = done.get(node);
    if (known !== undefined) return known;
    const r = rulesOf(node);
    if (!r || active.has(node)) return 0;
    active.add(node);
    let total = r.size;
    const uses = [...r.refs.map((x) => `$evaluators/${x.name}`), ...r.segments.map((x) => `segments/${x.name}`), ...r.prerequisites.map((x) => `flags/${x.flag}`)];
    for (const use of uses) {
      if (total >= cap) break;
      total = Math.min(cap, total + size(use));
    }
    active.delete(node);
    done.set(node, total);
    return total;
  };
  return size;
}
