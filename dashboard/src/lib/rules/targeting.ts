// A flag's targeting as the builder shows it: rules (conditions → a variant or a split), then what everyone else
// gets. `parseTargeting` and `targetingToJson` are exact inverses: whatever cannot be shown stays JSON.
import { conditionToJson, parseCondition, type Condition } from './conditions';
import { attributeOf, isPlainObject, operation, sameJson, type JsonValue } from './json';

/** Several conditions joined by `and`/`or`; `single` is one condition written without a wrapper. */
export interface Match {
  combine: 'single' | 'and' | 'or';
  conditions: Condition[];
}

export interface Bucket {
  variant: string;
  weight: number;
}

/** `{"fractional": [bucketBy?, [variant, weight], …]}`; `bucketBy` is an attribute, null for the targeting key. */
export interface Split {
  kind: 'split';
  bucketBy: string | null;
  buckets: Bucket[];
}

export type Outcome =
  | { kind: 'variant'; variant: string }
  /** null: the flag's default variant */
  | { kind: 'default' }
  | Split
  | { kind: 'json'; json: JsonValue };

export interface Rule {
  match: Match;
  outcome: Outcome;
}

export type Targeting =
  /** no targeting: `null`, or `{}` */
  | { form: 'none'; empty: null | Record<string, never> }
  /** `{"if": [cond, result, …, else?]}`; `otherwise` null when the chain has no else */
  | { form: 'if'; rules: Rule[]; otherwise: Outcome | null }
  /** one result for everyone, e.g. a bare `{"fractional": …}` */
  | { form: 'bare'; outcome: Outcome };

export function matchToJson(m: Match): JsonValue {
  const conditions = m.conditions.map(conditionToJson);
  return m.combine === 'single' && conditions.length === 1 ? conditions[0] : { [m.combine === 'or' ? 'or' : 'and']: conditions };
}

export function parseMatch(json: JsonValue): Match {
  const op = operation(json);
  if (op && (op[0] === 'and' || op[0] === 'or') && Array.isArray(op[1])) {
    return { combine: op[0], conditions: op[1].map(parseCondition) };
  }
  return { combine: 'single', conditions: [parseCondition(json)] };
}

export function outcomeToJson(o: Outcome): JsonValue {
  switch (o.kind) {
    case 'variant': return o.variant;
    case 'default': return null;
    case 'json': return o.json;
    case 'split': {
      const buckets: JsonValue[] = o.buckets.map((b) => [b.variant, b.weight]);
      return { fractional: o.bucketBy === null ? buckets : [{ var: o.bucketBy }, ...buckets] };
    }
  }
}

export function parseOutcome(json: JsonValue): Outcome {
  const read = readOutcome(json);
  return read && sameJson(outcomeToJson(read), json) ? read : { kind: 'json', json };
}

function readOutcome(json: JsonValue): Outcome | null {
  if (typeof json === 'string') return { kind: 'variant', variant: json };
  if (json === null) return { kind: 'default' };
  const op = operation(json);
  if (!op || op[0] !== 'fractional' || !Array.isArray(op[1])) return null;
  const [first, ...rest] = op[1];
  const bucketBy = Array.isArray(first) ? null : attributeOf(first);
  if (!Array.isArray(first) && bucketBy === null) return null;
  const buckets: Bucket[] = [];
  for (const b of bucketBy === null ? op[1] : rest) {
    if (!Array.isArray(b) || b.length !== 2 || typeof b[0] !== 'string' || !Number.isSafeInteger(b[1])) return null;
    buckets.push({ variant: b[0], weight: b[1] as number });
  }
  return { kind: 'split', bucketBy, buckets };
}

export function targetingToJson(t: Targeting): JsonValue {
  if (t.form === 'none') return t.empty;
  if (t.form === 'bare') return outcomeToJson(t.outcome);
  const chain = t.rules.flatMap((r) => [matchToJson(r.match), outcomeToJson(r.outcome)]);
  return { if: t.otherwise ? [...chain, outcomeToJson(t.otherwise)] : chain };
}

export function parseTargeting(json: JsonValue | undefined): Targeting {
  if (json === null || json === undefined) return { form: 'none', empty: null };
  if (isPlainObject(json) && Object.keys(json).length === 0) return { form: 'none', empty: {} };
  const op = operation(json);
  if (op && op[0] === 'if' && Array.isArray(op[1])) {
    const list = op[1];
    const rules: Rule[] = [];
    for (let i = 0; i + 1 < list.length; i += 2) rules.push({ match: parseMatch(list[i]), outcome: parseOutcome(list[i + 1]) });
    const otherwise = list.length % 2 === 1 ? parseOutcome(list[list.length - 1]) : null;
    return { form: 'if', rules, otherwise };
  }
  return { form: 'bare', outcome: parseOutcome(json) };
}

/** Every part the builder could not show as a form, so the editor can say so. */
export function jsonParts(t: Targeting): number {
  const outcomes = t.form === 'bare' ? [t.outcome] : t.form === 'if' ? [...t.rules.map((r) => r.outcome), ...(t.otherwise ? [t.otherwise] : [])] : [];
  const conditions = t.form === 'if' ? t.rules.flatMap((r) => r.match.conditions) : [];
  return outcomes.filter((o) => o.kind === 'json').length + conditions.filter((c) => c.op === 'json').length;
}
