import { describe, expect, it } from 'vitest';
import table from './cases.json';
import { compileFlagSet, evaluateFlag, validateFlagSet, type CompiledFlagSet, type EvaluationContext, type EvaluationResult, type JsonValue } from './index';
import { runRule } from './test-support';

interface RuleCase {
  name: string;
  rule: JsonValue;
  data: Record<string, unknown>;
  expect: unknown;
  now?: number;
  evaluators?: Record<string, JsonValue>;
  segments?: Record<string, JsonValue>;
}
interface FlagCase {
  name: string;
  flagSet: string;
  flag: string;
  context: EvaluationContext;
  expect: Partial<EvaluationResult>;
  now?: string;
}
const cases = table as unknown as { rules: RuleCase[]; flagSets: Record<string, unknown>; warnings: Record<string, string[]>; flags: FlagCase[] };

const DEFAULT_NOW = Date.UTC(2026, 5, 1);

describe('rule cases (cases.json)', () => {
  it.each(cases.rules.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const { result } = runRule(c.rule as JsonValue, c.data as Record<string, unknown>, {
      now: 'now' in c ? (c.now as number) : DEFAULT_NOW,
      evaluators: 'evaluators' in c ? (c.evaluators as Record<string, JsonValue>) : undefined,
      segments: 'segments' in c ? (c.segments as Record<string, JsonValue>) : undefined,
    });
    expect(result).toEqual(c.expect);
  });
});

describe('flag cases (cases.json)', () => {
  const sets = new Map<string, CompiledFlagSet>();
  const warned = new Map<string, string[]>();
  for (const [name, doc] of Object.entries(cases.flagSets)) {
    // as a flagd import validates: rules that flagd loads and Curtain refuses are warnings
    const v = validateFlagSet(doc, { lenient: true });
    if (!v.ok) throw new Error(`flag set ${name} is invalid: ${JSON.stringify(v.issues)}`);
    warned.set(name, v.warnings.map((w) => w.path));
    sets.set(name, compileFlagSet(v.value));
  }

  it.each(Object.keys(cases.flagSets))('flag set %s has exactly the warnings of the table', (name) => {
    expect(warned.get(name)).toEqual(cases.warnings[name] ?? []);
  });

  it.each(cases.flags.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const now = 'now' in c ? Date.parse(c.now as string) : DEFAULT_NOW;
    const r = evaluateFlag(sets.get(c.flagSet)!, c.flag, c.context, { now });
    const { errorMessage, metadata, ...rest } = r as EvaluationResult;
    const expected = { key: c.flag, ...(c.expect as Partial<EvaluationResult>) };
    if (!('metadata' in c.expect)) delete (expected as Partial<EvaluationResult>).metadata;
    else expect(metadata).toEqual(c.expect.metadata);
    const { metadata: _m, ...expectedRest } = expected as EvaluationResult;
    expect(rest).toEqual(expectedRest);
    expect(errorMessage === undefined).toBe(r.reason !== 'ERROR');
  });
});
