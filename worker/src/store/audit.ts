// Audit entries: every change to flags, environments and keys is written in the same batch as the change.
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from './db';
import { auditLog, type AuditReview } from './schema';

/**
 * Who made a change: an admin token (its id and its name at the time; "bootstrap" for CURTAIN_ADMIN_TOKEN) or the
 * system, under a symbolic id ("scheduler", "guardrail", "alertmanager"). Two tokens may share a name, never an id.
 */
export interface AuditActor {
  id: string | null;
  name: string;
  /** set when the change is applied through a change request: its author is the actor, this says who approved and applied */
  review?: AuditReview;
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
  /** the flag keys it concerns, when not the flag its resource names (releases, deployments, imports) */
  flags?: string[];
  /** the id of the entry this change reverts */
  revertOf?: number;
}

/** The flag a resource names (`…/flags/{key}`), if any. */
const flagOfResource = (resource: string) => /\/flags\/([^/]+)$/.exec(resource)?.[1];

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
    flags: entry.flags ?? (flagOfResource(entry.resource) !== undefined ? [flagOfResource(entry.resource)!] : null),
    revertOf: entry.revertOf ?? null,
    review: entry.actor.review ?? null,
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
  flags: r.flags ?? [],
  revertOf: r.revertOf ?? null,
  review: r.review ? { changeRequest: r.review.changeRequest, author: r.review.author, approvedBy: r.review.approvedBy, appliedBy: r.review.appliedBy } : null,
});

/**
 * A project's entries, newest first; with `flag`, those that concern it: its own changes, and the releases,
 * schedules, deployments and imports that name it.
 */
export async function listAudit(db: Db, projectId: string, limit: number, flag?: string) {
  const concerns = flag === undefined ? undefined : sql`EXISTS (SELECT 1 FROM json_each(${auditLog.flags}) WHERE value = ${flag})`;
  const rows = await db.select().from(auditLog).where(and(eq(auditLog.projectId, projectId), concerns)).orderBy(desc(auditLog.id)).limit(limit);
  return rows.map(entryView);
}

/** One entry of a project, or undefined. */
export async function getAuditEntry(db: Db, projectId: string, id: number) {
  const row = await db.query.auditLog.findFirst({ where: and(eq(auditLog.projectId, projectId), eq(auditLog.id, id)) });
  return row ? entryView(row) : undefined;
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
