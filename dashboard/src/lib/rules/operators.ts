// The rule builder's operators: how each is labelled and what it asks for (an attribute, one value, two, a list).

export type ValueType = 'string' | 'number' | 'boolean';

export const SEM_VER_OPS = ['=', '!=', '<', '<=', '>', '>=', '^', '~'] as const;
export type SemVerOp = (typeof SEM_VER_OPS)[number];

export type OperatorId =
  | '==' | '!=' | '===' | '!==' | '<' | '<=' | '>' | '>='
  | 'between' | 'between_inclusive'
  | 'in' | 'not_in' | 'contains' | 'not_contains'
  | 'starts_with' | 'ends_with' | 'regex' | 'regex_i'
  | `sem_ver:${SemVerOp}`
  | 'before' | 'after'
  | 'ip_in'
  | 'segment' | 'evaluator' | 'prerequisite';

/**
 * What the row's first field holds: a context attribute; a context attribute or nothing (= the time of the
 * evaluation); nothing; or another flag's key.
 */
export type Subject = 'attribute' | 'time' | 'none' | 'flag';
/** How many values follow the operator. */
export type Arity = 'one' | 'two' | 'list';

export interface OperatorSpec {
  id: OperatorId;
  label: string;
  group: string;
  subject: Subject;
  arity: Arity;
  /** the literal types the operator takes; the first is the default */
  types: readonly ValueType[];
  /** what a value looks like, shown as the field's placeholder */
  hint: string;
}

const ANY: readonly ValueType[] = ['string', 'number', 'boolean'];
const ORDERED: readonly ValueType[] = ['number', 'string'];
const TEXT: readonly ValueType[] = ['string'];

const SEM_VER_LABELS: Record<SemVerOp, string> = {
  '=': 'is', '!=': 'is not', '<': 'is below', '<=': 'is at most', '>': 'is above', '>=': 'is at least',
  '^': 'is compatible with (^)', '~': 'is close to (~)'
};

const spec = (id: OperatorId, label: string, group: string, arity: Arity, types = TEXT, hint = '', subject: Subject = 'attribute'): OperatorSpec =>
  ({ id, label, group, subject, arity, types, hint });

export const OPERATORS: readonly OperatorSpec[] = [
  spec('==', 'equals', 'Compare', 'one', ANY, 'pro'),
  spec('!=', 'does not equal', 'Compare', 'one', ANY, 'free'),
  spec('===', 'equals (same type)', 'Compare', 'one', ANY, 'pro'),
  spec('!==', 'does not equal (same type)', 'Compare', 'one', ANY, 'free'),
  spec('<', 'is less than', 'Compare', 'one', ORDERED, '18'),
  spec('<=', 'is at most', 'Compare', 'one', ORDERED, '18'),
  spec('>', 'is greater than', 'Compare', 'one', ORDERED, '18'),
  spec('>=', 'is at least', 'Compare', 'one', ORDERED, '18'),
  spec('between', 'is strictly between', 'Compare', 'two', ORDERED, '10'),
  spec('between_inclusive', 'is between (inclusive)', 'Compare', 'two', ORDERED, '10'),
  spec('in', 'is one of', 'Lists', 'list', ANY, 'de, fr, it'),
  spec('not_in', 'is not one of', 'Lists', 'list', ANY, 'de, fr, it'),
  spec('contains', 'contains', 'Text', 'one', TEXT, '@acme.com'),
  spec('not_contains', 'does not contain', 'Text', 'one', TEXT, '@acme.com'),
  spec('starts_with', 'starts with', 'Text', 'one', TEXT, 'admin-'),
  spec('ends_with', 'ends with', 'Text', 'one', TEXT, '@acme.com'),
  spec('regex', 'matches the pattern', 'Text', 'one', TEXT, '^.*@acme\\.com$'),
  spec('regex_i', 'matches the pattern (any case)', 'Text', 'one', TEXT, '^.*@acme\\.com$'),
  ...SEM_VER_OPS.map((op) =>
    spec(`sem_ver:${op}`, `version ${SEM_VER_LABELS[op]}`, 'Versions', 'one', TEXT, '2.1.0')
  ),
  spec('before', 'is before', 'Time', 'one', ['string', 'number'], '2027-01-01T00:00:00Z', 'time'),
  spec('after', 'is after', 'Time', 'one', ['string', 'number'], '2027-01-01T00:00:00Z', 'time'),
  spec('ip_in', 'is an IP in', 'Network', 'list', TEXT, '10.0.0.0/8, 2001:db8::/32'),
  spec('segment', 'is in the segment', 'Reuse', 'one', TEXT, 'beta-testers', 'none'),
  spec('evaluator', 'matches the shared rule', 'Reuse', 'one', TEXT, 'isStaff', 'none'),
  spec('prerequisite', 'flag serves one of', 'Reuse', 'list', TEXT, 'on', 'flag')
];

const BY_ID = new Map(OPERATORS.map((o) => [o.id, o]));

export function operatorSpec(id: OperatorId): OperatorSpec {
  const found = BY_ID.get(id);
  if (!found) throw new Error(`unknown operator ${id}`);
  return found;
}

/** The operators by group, in order, for a grouped select. */
export function operatorGroups(): [string, OperatorSpec[]][] {
  const groups = new Map<string, OperatorSpec[]>();
  for (const op of OPERATORS) groups.set(op.group, [...(groups.get(op.group) ?? []), op]);
  return [...groups];
}
