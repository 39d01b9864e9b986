// What a change request changes, for its review: a flag's configuration in an environment as before/after (the rules in
// words, the share of users affected), anything else as the fields its held write changes; and a stale target's drift.
import type { FlagEnvironmentConfig, JsonValue } from '../api-types';
import type { ChangeRequest, DiffEntry } from '../api-types-governance';
import type { Change } from '../history/diff';
import { diffJson } from '../history/diff';

type Config = Pick<FlagEnvironmentConfig, 'state' | 'defaultVariant' | 'targeting'>;

export type RequestChange =
  | { kind: 'config'; flag: string; env: string; before: Config; after: Config }
  | { kind: 'fields'; changes: Change[] };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const configOf = (c: Record<string, unknown>): Config => ({
  state: c.state === 'ENABLED' ? 'ENABLED' : 'DISABLED',
  defaultVariant: typeof c.defaultVariant === 'string' ? c.defaultVariant : null,
  targeting: (c.targeting ?? null) as JsonValue
});

/** The request's change: for a flag's configuration, its base there and the base with the held patch applied. */
export function requestChange(r: ChangeRequest): RequestChange {
  const body = r.change.body;
  const env = r.change.params.env;
  if (r.kind === 'flag.configure' && env && isObject(body) && isObject(r.base) && isObject(r.base.environments)) {
    const base = r.base.environments[env];
    if (isObject(base)) {
      const before = configOf(base);
      const after: Config = { ...before, ...(body as Partial<Config>) };
      return { kind: 'config', flag: r.change.params.flag ?? '', env, before, after };
    }
  }
  // a write of its own (a release's plan, a schedule, a file): the fields it sends, against nothing
  return { kind: 'fields', changes: diffJson(null, (body ?? null) as JsonValue) };
}

/** The server's drift list (409 CHANGE_REQUEST_STALE, or GET …/change-requests/{id}) as the diff table's changes. */
export function driftChanges(diff: DiffEntry[]): Change[] {
  return diff.map((d) => {
    const before = (d.before ?? undefined) as JsonValue | undefined;
    const after = (d.after ?? undefined) as JsonValue | undefined;
    return { path: d.path === '/' ? '' : d.path, kind: before === undefined ? 'added' : after === undefined ? 'removed' : 'changed', before, after };
  });
}
