// A before/after diff of two JSON values as a list of changed paths, for the audit log.
import type { JsonValue } from '../api-types';

export interface Change {
  /** a JSON pointer into the value, '' for the whole of it */
  path: string;
  kind: 'added' | 'removed' | 'changed';
  before?: JsonValue;
  after?: JsonValue;
}

const isObject = (v: unknown): v is Record<string, JsonValue> => typeof v === 'object' && v !== null && !Array.isArray(v);
const escape = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * What changed from `before` to `after`. Objects are compared key by key (in the order they came); arrays of the
 * same length element by element, other arrays as a whole (a rule inserted in an `if` chain is clearer whole than
 * as every later index shifted). A creation (`before` null) or deletion (`after` null) of an object lists its keys.
 */
export function diffJson(before: JsonValue | undefined, after: JsonValue | undefined, path = ''): Change[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  if (path === '' && before == null && isObject(after)) return diffJson({}, after);
  if (path === '' && after == null && isObject(before)) return diffJson(before, {});
  if (isObject(before) && isObject(after)) {
    const keys = [...Object.keys(before), ...Object.keys(after).filter((k) => !(k in before))];
    return keys.flatMap((k) => diffJson(before[k], after[k], `${path}/${escape(k)}`));
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((b, i) => diffJson(b, after[i], `${path}/${i}`));
  }
  if (before === undefined) return [{ path, kind: 'added', after }];
  if (after === undefined) return [{ path, kind: 'removed', before }];
  return [{ path, kind: 'changed', before, after }];
}

/** A path for people: `/environments/production/state` → `environments › production › state`. */
export function readablePath(path: string): string {
  if (path === '') return '(whole value)';
  return path.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')).join(' › ');
}
