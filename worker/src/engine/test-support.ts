// Test helper: runs one rule directly, outside a flag (used by the operator tests and the case table).

import type { JsonValue } from './types';
import { compileRule } from './compile-rule';
import type { Env } from './rule';
import { REQUEST_BUDGET } from './budget';

export interface RuleRun {
  result: unknown;
  env: Env;
}

export function runRule(
  rule: JsonValue,
  data: Record<string, unknown>,
  opts: { flagKey?: string; now?: number; evaluators?: Record<string, JsonValue>; segments?: Record<string, JsonValue>; variants?: Record<string, string> } = {},
): RuleRun {
  const segments = opts.segments ?? {};
  const scope = {
    evaluators: opts.evaluators ?? {},
    inIteration: false,
    refStack: [] as string[],
    segment: (name: string) => (name in segments ? compileRule(segments[name], scope) : undefined),
  };
  const fn = compileRule(rule, scope);
  const env: Env = {
    ctx: data,
    flag: { key: opts.flagKey ?? 'flag' },
    now: opts.now ?? Date.UTC(2026, 5, 1),
    split: undefined,
    keyMissing: false,
    depth: 0,
    budget: REQUEST_BUDGET,
    variantOf: (key) => opts.variants?.[key],
  };
  return { result: fn(data, env), env };
}
