// A small structural diff of two JSON values: the paths (JSON pointers) whose values differ, with both sides.
export interface DiffEntry {
  path: string;
  before: unknown;
  after: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const escape = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** The differences between `before` and `after`, deepest first where both sides are objects; at most `limit`. */
export function jsonDiff(before: unknown, after: unknown, limit = 100, path = '', out: DiffEntry[] = []): DiffEntry[] {
  if (out.length >= limit) return out;
  if (isObject(before) && isObject(after)) {
    for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
      jsonDiff(before[key], after[key], limit, `${path}/${escape(key)}`, out);
    }
    return out;
  }
  if (JSON.stringify(before) !== JSON.stringify(after)) out.push({ path: path || '/', before: before ?? null, after: after ?? null });
  return out;
}
