// Audit entries: every change to flags, environments and keys is written in the same batch as the change.
import { desc, eq } from 'drizzle-orm';
import type { Db } from './db';
import { auditLog } from './schema';

export interface AuditInput {
  actor: string;
  action: string;
  projectId: string | null;
  environmentId?: string | null;
  resource: string;
  before?: unknown;
  after?: unknown;
}

/** The insert statement for one audit entry, to be put into the same `db.batch` as the change. */
export function auditInsert(db: Db, entry: AuditInput, at: number) {
  return db.insert(auditLog).values({
    at,
    actor: entry.actor,
    action: entry.action,
    projectId: entry.projectId,
    environmentId: entry.environmentId ?? null,
    resource: entry.resource,
    before: entry.before ?? null,
    after: entry.after ?? null,
  });
}

export async function listAudit(db: Db, projectId: string, limit: number) {
  const rows = await db
    .select()
    .from(auditLog)
    .where(eq(auditLog.projectId, projectId))
    .orderBy(desc(auditLog.id))
    .limit(limit);
  return rows.map((r) => ({
    id: r.id,
    at: new Date(r.at).toISOString(),
    actor: r.actor,
    action: r.action,
    resource: r.resource,
    before: r.before ?? null,
    after: r.after ?? null,
  }));
}
