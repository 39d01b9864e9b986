// SDK keys: one project and environment each, server or client; stored as SHA-256, shown once.
import { and, desc, eq, isNull } from 'drizzle-orm';
import { randomId, sha256Hex } from '../auth/secrets';
import { ApiError, notFound } from '../errors';
import { auditInsert, type AuditActor } from './audit';
import type { Db, EnvironmentRow, ProjectRow, SdkKeyRow } from './db';
import { environments, sdkKeys } from './schema';
import { sql } from 'drizzle-orm';
import { assertIfMatch, commitWrite, entityTag, sdkKeyIs } from './write-conditions';

export type SdkKeyKind = SdkKeyRow['kind'];

/**
 * Evaluations per second per edge location, averaged over 10 s, when the key's creator names none:
 * server keys are secret and get no limit, client keys ship in browsers, where anyone can take them.
 */
export const defaultRateLimit = (kind: SdkKeyKind): number | null => (kind === 'client' ? 1000 : null);
/** The highest limit a key may be given (the admin API refuses more). */
export const MAX_RATE_LIMIT = 1_000_000;

/**
 * `crt_<s|c>_<environmentId>_<keyId>_<secret>`: the environment and key ids let the edge find the
 * snapshot and the stored hash without a database; the 32-character secret carries ~165 bits.
 */
export function formatSdkKey(kind: SdkKeyKind, environmentId: string, keyId: string, secret: string) {
  return `${sdkKeyPrefix(kind, environmentId, keyId)}_${secret}`;
}
export const sdkKeyPrefix = (kind: SdkKeyKind, environmentId: string, keyId: string) =>
  `crt_${kind === 'server' ? 's' : 'c'}_${environmentId}_${keyId}`;

/** `crt_` + kind + three `_`-separated ids of 16, 16 and 32 characters from [a-z0-9]. */
const KEY_LENGTH = 4 + 1 + 1 + 16 + 1 + 16 + 1 + 32;
const SEPARATORS = [5, 22, 39];

/** Splits a presented key into its public parts, or null when it cannot be a Curtain SDK key. */
export function parseSdkKey(key: string) {
  // checked character by character rather than with a regular expression: the evaluation hot path does this per request
  if (key.length !== KEY_LENGTH || !key.startsWith('crt_')) return null;
  const kind = key.charCodeAt(4);
  if (kind !== 115 /* s */ && kind !== 99 /* c */) return null;
  for (let i = 5; i < KEY_LENGTH; i++) {
    const c = key.charCodeAt(i);
    if (i === SEPARATORS[0] || i === SEPARATORS[1] || i === SEPARATORS[2]) {
      if (c !== 95 /* _ */) return null;
    } else if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57))) return null;
  }
  return { kind: (kind === 115 ? 'server' : 'client') as SdkKeyKind, environmentId: key.slice(6, 22), keyId: key.slice(23, 39) };
}

export const sdkKeyView = (k: SdkKeyRow) => ({
  id: k.id,
  name: k.name,
  kind: k.kind,
  prefix: k.prefix,
  rateLimit: k.rateLimit,
  createdAt: new Date(k.createdAt).toISOString(),
  revokedAt: k.revokedAt ? new Date(k.revokedAt).toISOString() : null,
});

const keyResource = (project: ProjectRow, env: EnvironmentRow, id: string) => `projects/${project.key}/environments/${env.key}/sdk-keys/${id}`;

export async function listSdkKeys(db: Db, env: EnvironmentRow) {
  const rows = await db.select().from(sdkKeys).where(eq(sdkKeys.environmentId, env.id)).orderBy(desc(sdkKeys.createdAt));
  return rows.map(sdkKeyView);
}

/** The read of an environment's active keys, for its snapshot: to be put into the snapshot's one read batch. */
export const activeSdkKeysQuery = (db: Db, environmentId: string) =>
  db
    .select({ id: sdkKeys.id, hash: sdkKeys.keyHash, kind: sdkKeys.kind, rateLimit: sdkKeys.rateLimit })
    .from(sdkKeys)
    .where(and(eq(sdkKeys.environmentId, environmentId), isNull(sdkKeys.revokedAt)));

/** keyId → hash, kind and rate limit, as the snapshot carries them. */
export const snapshotSdkKeys = (rows: Awaited<ReturnType<typeof activeSdkKeysQuery>>) =>
  Object.fromEntries(rows.map((r) => [r.id, { hash: r.hash, kind: r.kind, rateLimit: r.rateLimit }]));

export async function getSdkKey(db: Db, env: EnvironmentRow, id: string): Promise<SdkKeyRow> {
  const row = await db.query.sdkKeys.findFirst({ where: and(eq(sdkKeys.id, id), eq(sdkKeys.environmentId, env.id)) });
  if (!row) throw notFound(`SDK key '${id}'`);
  return row;
}

/** A key's current version for If-Match and ETag: a tag of its view (name, limit, revocation). */
export async function sdkKeyTag(row: SdkKeyRow) {
  const view = sdkKeyView(row);
  return { view, etag: await entityTag(view) };
}

export async function createSdkKey(db: Db, actor: AuditActor, project: ProjectRow, env: EnvironmentRow, input: { name: string; kind: SdkKeyKind; rateLimit?: number | null }) {
  const id = randomId();
  const secret = formatSdkKey(input.kind, env.id, id, randomId(32));
  const now = Date.now();
  const row: SdkKeyRow = {
    id,
    projectId: project.id,
    environmentId: env.id,
    name: input.name,
    kind: input.kind,
    keyHash: await sha256Hex(secret),
    prefix: sdkKeyPrefix(input.kind, env.id, id),
    rateLimit: input.rateLimit === undefined ? defaultRateLimit(input.kind) : input.rateLimit,
    createdAt: now,
    revokedAt: null,
  };
  const view = sdkKeyView(row);
  await db.batch([
    db.insert(sdkKeys).values(row),
    db.update(environments).set({ version: sql`${environments.version} + 1` }).where(eq(environments.id, env.id)),
    auditInsert(db, { actor, action: 'sdk-key.create', projectId: project.id, environmentId: env.id, resource: keyResource(project, env, id), after: view }, now),
  ]);
  return { ...view, secret };
}

/**
 * Sets an active key's rate limit (null: none). Audited and versioned like any change, so the limit
 * reaches the edge in the snapshot; setting the limit the key already has writes nothing.
 */
export async function setSdkKeyRateLimit(db: Db, actor: AuditActor, project: ProjectRow, env: EnvironmentRow, id: string, rateLimit: number | null, ifMatch?: string) {
  const row = await db.query.sdkKeys.findFirst({ where: and(eq(sdkKeys.id, id), eq(sdkKeys.environmentId, env.id), isNull(sdkKeys.revokedAt)) });
  if (!row) throw notFound(`SDK key '${id}'`);
  if (ifMatch !== undefined) assertIfMatch(ifMatch, await sdkKeyTag(row), `SDK key '${id}'`);
  const before = sdkKeyView(row);
  if (row.rateLimit === rateLimit) return { view: before, changed: false };
  const after = sdkKeyView({ ...row, rateLimit });
  const now = Date.now();
  await commitWrite(db, `SDK key '${id}'`, [sdkKeyIs(row)], [
    db.update(sdkKeys).set({ rateLimit }).where(and(eq(sdkKeys.id, id), isNull(sdkKeys.revokedAt))),
    db.update(environments).set({ version: sql`${environments.version} + 1` }).where(eq(environments.id, env.id)),
    auditInsert(db, { actor, action: 'sdk-key.update', projectId: project.id, environmentId: env.id, resource: keyResource(project, env, id), before, after }, now),
  ]);
  return { view: after, changed: true };
}

export async function revokeSdkKey(db: Db, actor: AuditActor, project: ProjectRow, env: EnvironmentRow, id: string, ifMatch?: string) {
  const row = await getSdkKey(db, env, id);
  if (ifMatch !== undefined) assertIfMatch(ifMatch, await sdkKeyTag(row), `SDK key '${id}'`);
  if (row.revokedAt) return;
  const now = Date.now();
  // a racing revocation or limit change is refused, so the log records each key's revocation once, from what it was
  try {
    await commitWrite(db, `SDK key '${id}'`, [sdkKeyIs(row)], [
      db.update(sdkKeys).set({ revokedAt: now }).where(eq(sdkKeys.id, id)),
      db.update(environments).set({ version: sql`${environments.version} + 1` }).where(eq(environments.id, env.id)),
      auditInsert(db, { actor, action: 'sdk-key.revoke', projectId: project.id, environmentId: env.id, resource: keyResource(project, env, id), before: sdkKeyView(row), after: sdkKeyView({ ...row, revokedAt: now }) }, now),
    ]);
  } catch (err) {
    // a racing revocation won: the key is revoked, as asked (DELETE stays idempotent)
    if (err instanceof ApiError && err.code === 'CONFLICT' && (await getSdkKey(db, env, id)).revokedAt) return;
    throw err;
  }
}
