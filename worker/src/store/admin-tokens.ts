// Admin tokens for people and CI, beside the bootstrap token: a role in some projects (optionally narrowed to some
// environments, optionally expiring), stored as SHA-256, shown once, revocable.
import { desc, eq } from 'drizzle-orm';
import { randomId, sha256Hex } from '../auth/secrets';
import { ApiError, notFound } from '../errors';
import { auditInsert, type AuditActor } from './audit';
import type { Db } from './db';
import { assertGrants, type GrantInput } from './grants';
import { adminTokens } from './schema';

type Row = typeof adminTokens.$inferSelect;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const view = (t: Row) => ({
  id: t.id,
  name: t.name,
  role: t.role,
  projects: t.projects ?? null,
  environments: t.environments ?? null,
  expiresAt: iso(t.expiresAt),
  createdBy: t.createdBy ?? null,
  createdAt: iso(t.createdAt)!,
  revokedAt: iso(t.revokedAt),
});

export async function listAdminTokens(db: Db) {
  return (await db.select().from(adminTokens).orderBy(desc(adminTokens.createdAt))).map(view);
}

export interface TokenInput extends GrantInput {
  name: string;
  expiresAt?: string;
}

/** `crt_admin_<id>_<secret>`: the id finds the stored hash, the 32-character secret carries ~165 bits. */
export async function createAdminToken(db: Db, actor: AuditActor, input: TokenInput) {
  const now = Date.now();
  const grant = await assertGrants(db, [input], '');
  const expiresAt = input.expiresAt === undefined ? null : Date.parse(input.expiresAt);
  if (expiresAt !== null && !(expiresAt > now)) throw new ApiError('VALIDATION_FAILED', 'Invalid input: /expiresAt must be in the future', [{ path: '/expiresAt', message: 'must be in the future' }]);
  const id = randomId();
  const secret = `crt_admin_${id}_${randomId(32)}`;
  const row: Row = { id, name: input.name, tokenHash: await sha256Hex(secret), role: grant[0].role, projects: grant[0].projects, environments: grant[0].environments, expiresAt, createdBy: actor.name, createdAt: now, revokedAt: null };
  await db.batch([db.insert(adminTokens).values(row), auditInsert(db, { actor, action: 'admin-token.create', projectId: null, resource: `admin-tokens/${id}`, after: view(row) }, now)]);
  return { ...view(row), secret };
}

export async function revokeAdminToken(db: Db, actor: AuditActor, id: string) {
  const row = await db.query.adminTokens.findFirst({ where: eq(adminTokens.id, id) });
  if (!row) throw notFound(`Admin token '${id}'`);
  if (row.revokedAt) return;
  const now = Date.now();
  await db.batch([
    db.update(adminTokens).set({ revokedAt: now }).where(eq(adminTokens.id, id)),
    auditInsert(db, { actor, action: 'admin-token.revoke', projectId: null, resource: `admin-tokens/${id}`, before: view(row), after: view({ ...row, revokedAt: now }) }, now),
  ]);
}
