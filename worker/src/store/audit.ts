// Audit entries: every change to flags, environments and keys is written in the same batch as the change.
import { desc, eq, isNull } from 'drizzle-orm';
import type { Db } from './db';
import { auditLog } from './schema';

/**
 * Who made a change: an admin token (its id and its name at the time; "bootstrap" for CURTAIN_ADMIN_TOKEN) or the
 * system, under a symbolic id ("scheduler", "guardrail", "alertmanager"). Two tokens may share a name, never an id.
 */
export interface AuditActor {
  id: string | null;
  name: string;
}

export const SCHEDULER: AuditActor = { id: 'scheduler', name: 'scheduler' };

export interface AuditInput {
  actor: AuditActor;
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
    actor: entry.actor.name,
    actorId: entry.actor.id,
    action: entry.action,
    projectId: entry.projectId,
    environmentId: entry.environmentId ?? null,
    resource: entry.resource,
    before: entry.before ?? null,
    after: entry.after ?? null,
  });
}

const entryView = (r: typeof auditLog.$inferSelect) => ({
  id: r.id,
  at: new Date(r.at).toISOString(),
  actor: r.actor,
  actorId: r.actorId ?? null,
  action: r.action,
  resource: r.resource,
  before: r.before ?? null,
  after: r.after ?? null,
});

/** A project's entries, newest first. */
export async function listAudit(db: Db, projectId: string, limit: number) {
  const rows = await db.select().from(auditLog).where(eq(auditLog.projectId, projectId)).orderBy(desc(auditLog.id)).limit(limit);
  return rows.map(entryView);
}

/**
 * Instance-level entries (admin tokens, which belong to no project), newest first; with `all`, every entry of
 * every project as well, each with its project's id.
 */
export async function listInstanceAudit(db: Db, limit: number, all: boolean) {
  const rows = await db
    .select()
    .from(auditLog)
    .where(all ? undefined : isNull(auditLog.projectId))
    .orderBy(desc(auditLog.id))
    .limit(limit);
  return rows.map((r) => ({ ...entryView(r), projectId: r.projectId ?? null }));
}
