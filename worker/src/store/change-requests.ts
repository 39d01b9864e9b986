// Change requests: writes to a protected environment held for review. Opened with the exact change and the target as it
// was (base), approved by others than the author, voided by an edit, expired by the clock. Applying runs the held write
// through its own store function (routes/held-writes.ts) in one batch with the request's mark (migration 0008's trigger).
import { and, desc, eq, sql } from 'drizzle-orm';
import { randomId } from '../auth/secrets';
import { ApiError, notFound } from '../errors';
import { auditInsert, type AuditActor } from './audit';
import type { ChangeRequestRow, Db, EnvironmentRow, ProjectRow } from './db';
import { changeRequests, type Approval } from './schema';
import { commitWrite } from './write-conditions';

/** How long a request waits for review before it expires (a timed change expires at its time, if sooner). */
export const REQUEST_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export type RequestState = 'open' | 'approved' | 'applied' | 'rejected' | 'expired';

/** Where the request stands now: approvals and expiry are read from the row and the clock. */
export function requestState(row: ChangeRequestRow, now: number): RequestState {
  if (row.state !== 'open') return row.state;
  if (now >= row.expiresAt) return 'expired';
  return row.approvals.length >= row.requiredApprovals ? 'approved' : 'open';
}

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());
const person = (a: Approval) => ({ id: a.id, name: a.name, at: iso(a.at)!, comment: a.comment ?? null });

export function requestView(row: ChangeRequestRow, project: ProjectRow, envs: EnvironmentRow[], now: number) {
  return {
    id: row.id,
    state: requestState(row, now),
    kind: row.kind,
    summary: row.summary,
    project: project.key,
    environment: envs.find((e) => e.id === row.environmentId)?.key ?? null,
    change: row.operation,
    base: row.base,
    author: { id: row.authorId, name: row.authorName },
    requiredApprovals: row.requiredApprovals,
    approvals: row.approvals.map(person),
    rejection: row.rejection ? person(row.rejection) : null,
    appliedBy: row.appliedBy ? { id: row.appliedBy.id, name: row.appliedBy.name } : null,
    appliedAt: iso(row.appliedAt),
    expiresAt: iso(row.expiresAt)!,
    createdAt: iso(row.createdAt)!,
    updatedAt: iso(row.updatedAt)!,
    url: `/requests/${row.id}?project=${encodeURIComponent(project.key)}`,
  };
}

export type RequestView = ReturnType<typeof requestView>;

export interface NewRequest {
  environmentId: string | null;
  kind: string;
  summary: string;
  operation: ChangeRequestRow['operation'];
  base: unknown;
  baseTag: string;
  requiredApprovals: number;
  expiresAt: number;
}

const resource = (project: ProjectRow, id: string) => `projects/${project.key}/change-requests/${id}`;

export async function openRequest(db: Db, actor: AuditActor, project: ProjectRow, input: NewRequest, flags: string[], now: number) {
  const row: ChangeRequestRow = {
    id: randomId(),
    projectId: project.id,
    ...input,
    state: 'open',
    approvals: [],
    rejection: null,
    authorId: actor.id,
    authorName: actor.name,
    appliedBy: null,
    applyId: null,
    appliedAuditId: null,
    appliedAt: null,
    createdAt: now,
    updatedAt: now,
    revision: 0,
  };
  await db.batch([
    db.insert(changeRequests).values(row),
    auditInsert(db, { actor, action: 'change-request.open', projectId: project.id, environmentId: input.environmentId, resource: resource(project, row.id), after: { id: row.id, kind: row.kind, summary: row.summary, change: row.operation }, flags }, now),
  ]);
  return row;
}

export async function listRequests(db: Db, project: ProjectRow, limit: number) {
  return db.select().from(changeRequests).where(eq(changeRequests.projectId, project.id)).orderBy(desc(changeRequests.createdAt)).limit(limit);
}

export async function getRequest(db: Db, project: ProjectRow, id: string): Promise<ChangeRequestRow> {
  const row = await db.query.changeRequests.findFirst({ where: and(eq(changeRequests.projectId, project.id), eq(changeRequests.id, id)) });
  if (!row) throw notFound(`Change request '${id}'`);
  return row;
}

/** Refuses (409 INVALID_STATE) unless the request is in one of `states` now. */
export function assertState(row: ChangeRequestRow, now: number, states: RequestState[], doing: string) {
  const s = requestState(row, now);
  if (!states.includes(s)) {
    const why = s === 'open' ? `it has ${row.approvals.length} of the ${row.requiredApprovals} approvals it needs` : `it is ${s}`;
    throw new ApiError('INVALID_STATE', `Change request '${row.id}' cannot be ${doing}: ${why}`, undefined, { state: s });
  }
}

/** Writes the request's next version if nobody wrote it since it was read (else 409 CONFLICT, retryable), with its audit entry. */
async function writeRequest(db: Db, actor: AuditActor, project: ProjectRow, row: ChangeRequestRow, set: Partial<ChangeRequestRow>, action: string, after: unknown, now: number) {
  await commitWrite(db, `Change request '${row.id}'`, [sql`(SELECT ${changeRequests.revision} FROM ${changeRequests} WHERE ${changeRequests.id} = ${row.id}) = ${row.revision}`], [
    db.update(changeRequests).set({ ...set, updatedAt: now, revision: row.revision + 1 }).where(eq(changeRequests.id, row.id)),
    auditInsert(db, { actor, action, projectId: project.id, environmentId: row.environmentId, resource: resource(project, row.id), after }, now),
  ]);
  return { ...row, ...set, updatedAt: now, revision: row.revision + 1 };
}

export async function approveRequest(db: Db, actor: AuditActor, project: ProjectRow, row: ChangeRequestRow, comment: string | undefined, now: number) {
  assertState(row, now, ['open', 'approved'], 'approved');
  if (actor.id !== null && actor.id === row.authorId) throw new ApiError('FORBIDDEN', `${actor.name} opened change request '${row.id}' and cannot approve it: another person must`, undefined, { reason: 'author' });
  if (row.approvals.some((a) => a.id === actor.id)) return row;
  const approvals = [...row.approvals, { id: actor.id, name: actor.name, at: now, ...(comment ? { comment } : {}) }];
  return writeRequest(db, actor, project, row, { approvals }, 'change-request.approve', { id: row.id, approvals: approvals.length, requiredApprovals: row.requiredApprovals, comment: comment ?? null }, now);
}

export async function rejectRequest(db: Db, actor: AuditActor, project: ProjectRow, row: ChangeRequestRow, comment: string | undefined, now: number) {
  assertState(row, now, ['open', 'approved'], 'rejected');
  const rejection = { id: actor.id, name: actor.name, at: now, ...(comment ? { comment } : {}) };
  return writeRequest(db, actor, project, row, { state: 'rejected', rejection }, 'change-request.reject', { id: row.id, comment: comment ?? null }, now);
}

/** An edit replaces the change (and its base): every approval given so far is void, since it approved something else. */
export async function editRequest(db: Db, actor: AuditActor, project: ProjectRow, row: ChangeRequestRow, next: Omit<NewRequest, 'kind' | 'environmentId'>, now: number) {
  assertState(row, now, ['open', 'approved'], 'edited');
  if (actor.id !== row.authorId) throw new ApiError('FORBIDDEN', `Only its author (${row.authorName}) may edit change request '${row.id}'; open another request instead`, undefined, { reason: 'not-author' });
  return writeRequest(db, actor, project, row, { ...next, approvals: [] }, 'change-request.edit', { id: row.id, change: next.operation, voidedApprovals: row.approvals.length }, now);
}

/** The actor a held write is applied as: its author, with who approved and who applies it (audited; the trigger marks the request). */
export function reviewedActor(row: ChangeRequestRow, applier: AuditActor): AuditActor {
  return {
    id: row.authorId,
    name: row.authorName,
    review: {
      changeRequest: row.id,
      revision: row.revision,
      applyId: randomId(),
      author: { id: row.authorId, name: row.authorName },
      approvedBy: row.approvals.map((a) => ({ id: a.id, name: a.name })),
      appliedBy: { id: applier.id, name: applier.name },
    },
  };
}

/** Whether an error is the trigger's refusal: the request was edited, rejected or applied between the read and the batch. */
export function isRequestRace(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e.message.includes('change_request_not_applicable')) return true;
  }
  return false;
}

/** Marks a request applied whose write changed nothing (and so wrote no audit entry for the trigger to see). */
export async function markApplied(db: Db, actor: AuditActor, project: ProjectRow, row: ChangeRequestRow, now: number) {
  const by = { id: actor.id, name: actor.name, at: now };
  return writeRequest(db, actor, project, row, { state: 'applied', appliedBy: by, appliedAt: now }, 'change-request.apply', { id: row.id, kind: row.kind, summary: row.summary, changed: false }, now);
}
