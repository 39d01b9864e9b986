// Optimistic concurrency for admin writes: the version conditions checked inside each write batch, entity tags
// and If-Match. A write is computed (and validated) from rows read before its batch; its batch first asserts that
// those rows are as read, so of two racing writes one commits and the other is refused with nothing written.
import { and, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { ApiError } from '../errors';
import type { Db, EnvironmentRow } from './db';
import { environments, flags, releases, sdkKeys, writeGuard } from './schema';

/** The environment still evaluates what was read: every change to its flags, rules, releases or keys bumps `version`. */
export const envVersionIs = (env: Pick<EnvironmentRow, 'id' | 'version'>): SQL =>
  sql`(SELECT ${environments.version} FROM ${environments} WHERE ${environments.id} = ${env.id}) = ${env.version}`;

/** The project has exactly the environments read (a flag-level write covers every one of them). */
export const envSetIs = (projectId: string, envs: Pick<EnvironmentRow, 'id'>[]): SQL =>
  sql`(SELECT count(*) FROM ${environments} WHERE ${environments.projectId} = ${projectId}) = ${envs.length}`;

/** The environment row itself (name, guard, rules) is as read. */
export const envRevisionIs = (env: Pick<EnvironmentRow, 'id' | 'revision'>): SQL =>
  sql`(SELECT ${environments.revision} FROM ${environments} WHERE ${environments.id} = ${env.id}) = ${env.revision}`;

export const releaseRevisionIs = (row: { id: string; revision: number }): SQL =>
  sql`(SELECT ${releases.revision} FROM ${releases} WHERE ${releases.id} = ${row.id}) = ${row.revision}`;

/** No release of the environment has this key yet (two racing creations: one is refused, not a 500). */
export const releaseKeyFree = (environmentId: string, key: string): SQL =>
  sql`NOT EXISTS (SELECT 1 FROM ${releases} WHERE ${and(eq(releases.environmentId, environmentId), eq(releases.key, key))})`;

/** No flag of the project has any of these keys yet (flags created by a write that reads no other version). */
export const flagKeysFree = (projectId: string, keys: string[]): SQL =>
  // the keys as one JSON parameter: an import may create 20,000 flags, far past SQLite's bound-variable limit
  keys.length ? sql`NOT EXISTS (SELECT 1 FROM ${flags} WHERE ${flags.projectId} = ${projectId} AND ${flags.key} IN (SELECT value FROM json_each(${JSON.stringify(keys)})))` : sql`1`;

/** The SDK key is active with the limit read. */
export const sdkKeyIs = (row: { id: string; rateLimit: number | null }): SQL =>
  sql`EXISTS (SELECT 1 FROM ${sdkKeys} WHERE ${and(eq(sdkKeys.id, row.id), isNull(sdkKeys.revokedAt), row.rateLimit === null ? isNull(sdkKeys.rateLimit) : eq(sdkKeys.rateLimit, row.rateLimit))})`;

/**
 * The batch statement that fails the batch unless every condition holds: it inserts 0 into `write_guard`, which
 * its CHECK refuses (D1 runs a batch as one transaction, so nothing of it stays), or 1, which meets the row
 * already there and does nothing (`on conflict do nothing` covers uniqueness only, never the CHECK).
 */
export function guardStatement(db: Db, conditions: SQL[]) {
  const all = conditions.length ? sql.join(conditions.map((c) => sql`(${c})`), sql` AND `) : sql`1`;
  return db.insert(writeGuard).values({ held: sql`CASE WHEN ${all} THEN 1 ELSE 0 END` }).onConflictDoNothing();
}

function isStaleWrite(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e.message.includes('CHECK constraint failed: stale_write')) return true;
  }
  return false;
}

/** 409 CONFLICT: another write committed between this write's read and its batch. Nothing was written. */
export const staleWrite = (what: string) =>
  new ApiError('CONFLICT', `${what} changed while this write was being made, so nothing was written: read it again and repeat the request`, undefined, { retryable: true });

/**
 * Runs `statements` as one batch after the guard of `conditions`. `what` names the resource in the 409. Answers
 * the results of `statements` (without the guard's).
 */
export async function commitWrite(db: Db, what: string, conditions: SQL[], statements: BatchItem<'sqlite'>[]) {
  try {
    const [, ...results] = await db.batch([guardStatement(db, conditions), ...statements]);
    return results;
  } catch (err) {
    if (isStaleWrite(err)) throw staleWrite(what);
    throw err;
  }
}

const isRetryable = (err: unknown) => err instanceof ApiError && err.code === 'CONFLICT' && err.details?.retryable === true;

/**
 * Runs a write again (reading afresh) when a racing write made it stale: for writes that carry no version of their
 * caller's (a deployment record, a creation, the scheduler), where repeating is what the caller would do anyway.
 */
export async function retryStale<T>(write: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if (attempt >= attempts || !isRetryable(err)) throw err;
    }
  }
}

/** A strong entity tag for a stored version: a hash of what identifies it (a view, or an id and revision). */
export async function entityTag(value: unknown): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(JSON.stringify(value)));
  return `"${[...new Uint8Array(digest, 0, 16)].map((b) => b.toString(16).padStart(2, '0')).join('')}"`;
}

/** The entity tags of an If-Match header (`*` as is); a value that is not such a list is refused with 400. */
export function parseIfMatch(header: string): string[] {
  const value = header.trim();
  if (value === '*') return ['*'];
  const tags = value.split(',').map((t) => t.trim());
  if (!tags.every((t) => /^(W\/)?"[\x21\x23-\x7e]*"$/.test(t))) {
    throw new ApiError('VALIDATION_FAILED', 'Invalid input: If-Match must be * or a list of entity tags, e.g. "3f2a…" as given in ETag', [{ path: '/headers/if-match', message: 'must be * or quoted entity tags' }]);
  }
  return tags;
}

/**
 * Evaluates If-Match (absent: no precondition) against the current version; 412 PRECONDITION_FAILED with the current
 * entity tag and representation when it does not match. Weak tags never match (strong comparison, RFC 9110).
 */
export function assertIfMatch(ifMatch: string | undefined, current: { etag: string; view: unknown }, what: string) {
  if (ifMatch === undefined) return;
  const tags = parseIfMatch(ifMatch);
  if (tags.includes('*') || tags.includes(current.etag)) return;
  throw new ApiError('PRECONDITION_FAILED', `${what} has changed since the version given in If-Match: nothing was written. The current version is in this response (etag, current)`, undefined, {
    etag: current.etag,
    current: current.view,
  });
}
