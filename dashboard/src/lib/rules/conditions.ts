// One condition of a rule: the builder's form of it (attribute, operator, values as typed text) and the JsonLogic
// it writes. A condition the builder cannot write back exactly stays JSON.
import { attributeOf, isPrimitive, operation, sameJson, type JsonValue, type Primitive } from './json';
import { operatorSpec, SEM_VER_OPS, type OperatorId, type SemVerOp, type ValueType } from './operators';

export interface BuilderCondition {
  op: OperatorId;
  /** the context attribute (a flag key for `prerequisite`; '' for `before`/`after` the evaluation time) */
  attribute: string;
  /** values as the user types them; `type` says how they become JSON */
  values: string[];
  type: ValueType;
}

/** A condition shown as JSON, because the builder has no form that writes it back unchanged. */
export interface JsonCondition {
  op: 'json';
  json: JsonValue;
}

export type Condition = BuilderCondition | JsonCondition;

const COMPARE = new Set(['==', '!=', '===', '!==', '<', '<=', '>', '>=', 'starts_with', 'ends_with', 'regex']);

/** The JSON value of a typed value; numbers that do not parse become NaN (see `conditionProblems`). */
export function literal(text: string, type: ValueType): Primitive {
  if (type === 'number') return text.trim() === '' ? Number.NaN : Number(text);
  if (type === 'boolean') return text === 'true';
  return text;
}

export function conditionToJson(c: Condition): JsonValue {
  if (c.op === 'json') return c.json;
  const values = c.values.map((v) => literal(v, c.type));
  const [a, b] = values;
  const subject = { var: c.attribute };
  if (COMPARE.has(c.op)) return { [c.op]: [subject, a] };
  if (c.op.startsWith('sem_ver:')) return { sem_ver: [subject, c.op.slice('sem_ver:'.length), a] };
  switch (c.op) {
    case 'regex_i': return { regex: [subject, a, 'i'] };
    case 'between': return { '<': [a, subject, b] };
    case 'between_inclusive': return { '<=': [a, subject, b] };
    case 'in': return { in: [subject, values] };
    case 'not_in': return { '!': { in: [subject, values] } };
    case 'contains': return { in: [a, subject] };
    case 'not_contains': return { '!': { in: [a, subject] } };
    case 'before':
    case 'after': return c.attribute === '' ? { [c.op]: a } : { [c.op]: [subject, a] };
    case 'ip_in': return { ip_in: [subject, values] };
    case 'segment': return { segment: a };
    case 'evaluator': return { $ref: a };
    case 'prerequisite': return { prerequisite: [c.attribute, values.length === 1 ? a : values] };
  }
  throw new Error(`no JSON for operator ${c.op}`);
}

/** The builder's form of a JsonLogic condition, or JSON when the builder could not write it back unchanged. */
export function parseCondition(json: JsonValue): Condition {
  const read = readCondition(json);
  return read && sameJson(conditionToJson(read), json) ? read : { op: 'json', json };
}

function typed(op: OperatorId, attribute: string, literals: JsonValue[]): BuilderCondition | null {
  if (!literals.every(isPrimitive)) return null;
  const types = new Set(literals.map((v) => typeof v as ValueType));
  if (types.size > 1) return null;
  const type = types.size === 1 ? [...types][0] : operatorSpec(op).types[0];
  if (!operatorSpec(op).types.includes(type)) return null;
  return { op, attribute, values: literals.map(String), type };
}

const args = (raw: JsonValue, n: number): JsonValue[] | null => (Array.isArray(raw) && raw.length === n ? raw : null);

function readCondition(json: JsonValue): BuilderCondition | null {
  const found = operation(json);
  if (!found) return null;
  const [op, raw] = found;
  if (op === '!') {
    const inner = readCondition(raw);
    if (inner?.op === 'in') return { ...inner, op: 'not_in' };
    if (inner?.op === 'contains') return { ...inner, op: 'not_contains' };
    return null;
  }
  if (op === 'segment' || op === '$ref') return typeof raw === 'string' ? typed(op === '$ref' ? 'evaluator' : 'segment', '', [raw]) : null;
  if ((op === 'before' || op === 'after') && !Array.isArray(raw)) return typed(op, '', [raw]);
  if (op === 'prerequisite') {
    const [flag, variants] = args(raw, 2) ?? [];
    if (typeof flag !== 'string') return null;
    return typed('prerequisite', flag, Array.isArray(variants) ? variants : [variants ?? null]);
  }
  const two = args(raw, 2);
  const three = args(raw, 3);
  if (COMPARE.has(op) && two && attributeOf(two[0]) !== null) return typed(op as OperatorId, attributeOf(two[0])!, [two[1]]);
  if ((op === '<' || op === '<=') && three && attributeOf(three[1]) !== null) {
    return typed(op === '<' ? 'between' : 'between_inclusive', attributeOf(three[1])!, [three[0], three[2]]);
  }
  if ((op === 'before' || op === 'after') && two && attributeOf(two[0]) !== null) return typed(op, attributeOf(two[0])!, [two[1]]);
  if (op === 'regex' && three && three[2] === 'i' && attributeOf(three[0]) !== null) return typed('regex_i', attributeOf(three[0])!, [three[1]]);
  if (op === 'sem_ver' && three && attributeOf(three[0]) !== null && SEM_VER_OPS.includes(three[1] as SemVerOp)) {
    return typed(`sem_ver:${three[1] as SemVerOp}`, attributeOf(three[0])!, [three[2]]);
  }
  if ((op === 'in' || op === 'ip_in') && two && attributeOf(two[0]) !== null && Array.isArray(two[1])) {
    return typed(op, attributeOf(two[0])!, two[1]);
  }
  if (op === 'in' && two && attributeOf(two[1]) !== null && typeof two[0] === 'string') return typed('contains', attributeOf(two[1])!, [two[0]]);
  return null;
}

/** What is wrong with a condition before it is sent (the engine checks the rest when it is saved). */
export function conditionProblems(c: Condition): string[] {
  if (c.op === 'json') return [];
  const spec = operatorSpec(c.op);
  const problems: string[] = [];
  if (spec.subject === 'attribute' && c.attribute.trim() === '') problems.push('Name the attribute to test.');
  if (spec.subject === 'flag' && c.attribute.trim() === '') problems.push('Name the flag.');
  const wanted = spec.arity === 'two' ? 2 : spec.arity === 'one' ? 1 : Math.max(1, c.values.length);
  if (c.values.length < wanted || (spec.arity === 'list' && c.values.length === 0)) problems.push('Enter a value.');
  if (c.type === 'number' && c.values.some((v) => !Number.isFinite(literal(v, 'number')))) problems.push('Values must be numbers.');
  return problems;
}

/** A new condition of this operator, keeping the attribute and values that still make sense. */
export function withOperator(c: Condition, op: OperatorId): BuilderCondition {
  const spec = operatorSpec(op);
  const previous = c.op === 'json' ? null : c;
  const keepAttribute = previous && operatorSpec(previous.op).subject === spec.subject;
  const type = previous && spec.types.includes(previous.type) ? previous.type : spec.types[0];
  const count = spec.arity === 'two' ? 2 : 1;
  const values = previous && spec.arity === 'list' ? previous.values : (previous?.values ?? []).slice(0, count);
  while (values.length < count) values.push('');
  return { op, attribute: keepAttribute ? previous.attribute : '', values: [...values], type };
}
