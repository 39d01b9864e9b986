// JSON helpers for the rule builder: exact comparison (what "reads it back unchanged" means) and shape tests.
import type { JsonValue } from '../api-types';

export type { JsonValue };
export type JsonObject = { [key: string]: JsonValue };
export type Primitive = string | number | boolean;

export function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Same JSON text: values, array order and key order alike (the builder must not reorder a rule). */
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** `{ op: args }` with exactly one key: the operator and its arguments; anything else is not an operation. */
export function operation(value: unknown): [string, JsonValue] | null {
  if (!isPlainObject(value)) return null;
  const keys = Object.keys(value);
  return keys.length === 1 ? [keys[0], value[keys[0]]] : null;
}

/** The attribute name of `{"var": "name"}` (the only `var` form the builder shows). */
export function attributeOf(value: unknown): string | null {
  const op = operation(value);
  return op && op[0] === 'var' && typeof op[1] === 'string' ? op[1] : null;
}

export function isPrimitive(value: unknown): value is Primitive {
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean';
}
