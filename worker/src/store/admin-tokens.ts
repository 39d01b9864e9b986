// Admin tokens for people and CI, beside the bootstrap token: stored as SHA-256, shown once, revocable.
import { desc, eq } from 'drizzle-orm';
import { randomId, sha256Hex } from '../auth/secrets';
import { notFound } from '../errors';
import { auditInsert, type AuditActor } from './audit';
import type { Db } from './db';
import { adminTokens } from './schema';

type Row = typeof adminTokens.$inferSelect;

const view = (t: Row) => ({
  id: t.id,
  name: t.name,
  createdAt: new Date(t.createdAt).toISOString(),
  revokedAt: t.revokedAt ? new Date(t.revokedAt).toISOString() : null,
});

export async function listAdminTokens(db: Db) {
  return (await db.select().from(adminTokens).orderBy(desc(adminTokens.createdAt))).map(view);
}

/** `crt_admin_<id>_<secret>`: the id finds the stored hash, the 32-character secret carries ~165 bits. */
export async function createAdminToken(db: Db, actor: AuditActor, name: string) {
  const id = randomId();
  const secret = `crt_admin_${id}_${randomId(32)}`;
  const now = Date.now();
  const row: Row = { id, name, tokenHash: await sha256Hex(secret), createdAt: now, revokedAt: null };
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
