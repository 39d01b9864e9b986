// The project-wide attributes a flag file may carry beside flagd's fields: description, tags and clientVisible.
// The server's flagd import ignores them (it keeps variants, state, default, targeting and metadata), so the CLI
// checks them, leaves them out of the import and sets what changed with PATCH …/flags/{flag} after it.
import type { Flag } from './api';

export interface Attributes {
  description?: string;
  tags?: string[];
  clientVisible?: boolean;
}
export const ATTRIBUTE_NAMES = ['description', 'tags', 'clientVisible'] as const;

export interface AttributeIssue {
  path: string;
  message: string;
}

const escape = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** The flags of a file as a map (flagd's map form; the array form is keyed by `key`). */
function flagEntries(doc: unknown): [string, Record<string, unknown>, string][] {
  const raw = (doc as { flags?: unknown } | null)?.flags;
  if (Array.isArray(raw)) return raw.map((f, i) => [String((f as { key?: unknown })?.key ?? ''), (f ?? {}) as Record<string, unknown>, `/flags/${i}`]);
  if (raw && typeof raw === 'object') return Object.entries(raw as Record<string, Record<string, unknown>>).map(([k, f]) => [k, f ?? {}, `/flags/${escape(k)}`]);
  return [];
}

/** Each flag's attributes as the file states them, and what is wrong with them (the API's limits: routes/schemas.ts). */
export function readAttributes(doc: unknown): { attributes: Map<string, Attributes>; issues: AttributeIssue[] } {
  const attributes = new Map<string, Attributes>();
  const issues: AttributeIssue[] = [];
  for (const [key, flag, path] of flagEntries(doc)) {
    if (flag === null || typeof flag !== 'object') continue;
    const a: Attributes = {};
    if ('description' in flag) {
      if (typeof flag.description !== 'string' || flag.description.length > 2000) issues.push({ path: `${path}/description`, message: 'description is a string of at most 2,000 characters' });
      else a.description = flag.description;
    }
    if ('tags' in flag) {
      const tags = flag.tags;
      if (!Array.isArray(tags) || tags.length > 50 || !tags.every((t) => typeof t === 'string' && t.length >= 1 && t.length <= 64)) issues.push({ path: `${path}/tags`, message: 'tags is a list of at most 50 strings of 1–64 characters' });
      else a.tags = tags as string[];
    }
    if ('clientVisible' in flag) {
      if (typeof flag.clientVisible !== 'boolean') issues.push({ path: `${path}/clientVisible`, message: 'clientVisible is true or false' });
      else a.clientVisible = flag.clientVisible;
    }
    if (Object.keys(a).length) attributes.set(key, a);
  }
  return { attributes, issues };
}

/** The document without the attributes: what the import is sent. */
export function withoutAttributes(doc: unknown): unknown {
  const raw = (doc as { flags?: unknown } | null)?.flags;
  if (!raw || typeof raw !== 'object') return doc;
  const strip = (f: unknown) => {
    if (!f || typeof f !== 'object') return f;
    const { description: _d, tags: _t, clientVisible: _c, ...rest } = f as Record<string, unknown>;
    return rest;
  };
  const flags = Array.isArray(raw) ? raw.map(strip) : Object.fromEntries(Object.entries(raw).map(([k, f]) => [k, strip(f)]));
  return { ...(doc as object), flags };
}

/** A new flag's attributes as the server creates them: no description, no tags, not client-visible. */
const DEFAULTS: Required<Attributes> = { description: '', tags: [], clientVisible: false };

/** Per flag, the attributes the file sets to something else than the project has (or than a new flag gets). */
export function attributeChanges(attributes: Map<string, Attributes>, current: Map<string, Flag>): { key: string; set: Attributes; fields: string[] }[] {
  const changes = [];
  for (const [key, wanted] of attributes) {
    const have: Required<Attributes> = current.get(key) ?? DEFAULTS;
    const set: Attributes = {};
    if (wanted.description !== undefined && wanted.description !== have.description) set.description = wanted.description;
    if (wanted.tags !== undefined && JSON.stringify(wanted.tags) !== JSON.stringify(have.tags)) set.tags = wanted.tags;
    if (wanted.clientVisible !== undefined && wanted.clientVisible !== have.clientVisible) set.clientVisible = wanted.clientVisible;
    if (Object.keys(set).length) changes.push({ key, set, fields: Object.keys(set) });
  }
  return changes.sort((a, b) => a.key.localeCompare(b.key));
}

/** A pulled file with the project's attributes added to each flag (only those that differ from a new flag's). */
export function addAttributes(doc: { flags?: Record<string, unknown> }, current: Map<string, Flag>): typeof doc {
  if (!doc.flags) return doc;
  const flags = Object.fromEntries(
    Object.entries(doc.flags).map(([key, def]) => {
      const f = current.get(key);
      if (!f || !def || typeof def !== 'object') return [key, def];
      return [key, { ...(def as object), ...(f.description ? { description: f.description } : {}), ...(f.tags.length ? { tags: f.tags } : {}), ...(f.clientVisible ? { clientVisible: true } : {}) }];
    }),
  );
  return { ...doc, flags };
}
