// "Evaluate as…" with a form: a context as attribute rows (name, type, value) and back, and the attributes the
// environment's rules read (suggested as names). A context with nested values stays JSON.
import type { JsonValue } from '../api-types';
import type { Context } from './recent-contexts';

export type AttributeType = 'string' | 'number' | 'boolean';

export interface AttributeRow {
  name: string;
  type: AttributeType;
  /** as typed: text, a number, "true"/"false" */
  value: string;
}

/** The rows of a context, targetingKey first; null when a value is not a string, number or boolean (JSON only). */
export function rowsOf(context: Context): AttributeRow[] | null {
  const rows: AttributeRow[] = [];
  for (const [name, value] of Object.entries(context)) {
    if (typeof value === 'string') rows.push({ name, type: 'string', value });
    else if (typeof value === 'number' && Number.isFinite(value)) rows.push({ name, type: 'number', value: String(value) });
    else if (typeof value === 'boolean') rows.push({ name, type: 'boolean', value: String(value) });
    else return null;
  }
  const key = rows.findIndex((r) => r.name === 'targetingKey');
  if (key > 0) rows.unshift(...rows.splice(key, 1));
  if (key < 0) rows.unshift({ name: 'targetingKey', type: 'string', value: '' });
  return rows;
}

/** The context the rows say, and what is wrong with each row (null: fine); blank rows are left out. */
export function contextOf(rows: AttributeRow[]): { context: Context; problems: (string | null)[] } {
  const context: Context = {};
  const problems = rows.map((r) => {
    const name = r.name.trim();
    if (name === '' && r.value === '') return null;
    if (name === '') return 'Name the attribute.';
    if (name in context) return `“${name}” is there twice.`;
    if (name === 'targetingKey' && r.type !== 'string') return 'targetingKey is text.';
    if (r.type === 'number') {
      if (r.value.trim() === '' || !Number.isFinite(Number(r.value))) return 'A number.';
      context[name] = Number(r.value);
    } else if (r.type === 'boolean') context[name] = r.value === 'true';
    else context[name] = r.value;
    return null;
  });
  return { context, problems };
}

/** The attributes rules read (`{"var": "name"}`, a split's `bucketBy`), sorted; the evaluation's own `$flagd.*` left out. */
export function attributesUsed(rules: (JsonValue | undefined)[]): string[] {
  const names = new Set<string>();
  const walk = (v: JsonValue | undefined) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [op, arg] of Object.entries(v)) {
        const name = op === 'var' ? (Array.isArray(arg) ? arg[0] : arg) : null;
        if (typeof name === 'string' && name !== '' && !name.startsWith('$flagd')) names.add(name.split('.')[0]);
        else walk(arg);
      }
    }
  };
  rules.forEach(walk);
  return [...names].sort();
}
