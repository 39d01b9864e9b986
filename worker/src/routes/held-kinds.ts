// The shape of a write a protected environment holds for review (held-writes.ts): its context, operation and answer.
import type { z } from '@hono/zod-openapi';
import type { Bindings } from '../bindings';
import type { AuditActor } from '../store/audit';
import type { Db, EnvironmentRow, ProjectRow } from '../store/db';
import type { ProjectState } from '../store/flag-set';

export interface HeldContext {
  env: Bindings;
  db: Db;
  actor: AuditActor;
  project: ProjectRow;
  now: number;
  /** the route's If-Match, for a direct write (a held one is checked against its base instead) */
  ifMatch?: string;
}

/** A held write, as its route received it (query and body validated). */
export interface HeldOperation {
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
}

export interface HeldAnswer {
  status: 200 | 201 | 204;
  body?: unknown;
  etag?: string;
}

export interface HeldKind {
  /** its route's entry in auth/permissions.ts: approving and applying need what the route needs */
  route: string;
  summary(op: HeldOperation): string;
  /** the protected environments it changes (none: it applies at once) */
  protectedIn(environments: EnvironmentRow[], op: HeldOperation): EnvironmentRow[];
  target(x: HeldContext, state: ProjectState, op: HeldOperation): Promise<unknown> | unknown;
  run(x: HeldContext, op: HeldOperation): Promise<HeldAnswer>;
  /** when the change takes effect, if later than its apply (a scheduled change, a scheduled start): the request expires then */
  appliesAt?(x: HeldContext, op: HeldOperation): Promise<number | null> | number | null;
  /** its route's body schema: an edit of the request is validated as the route validates a write (none: nothing to edit) */
  body?: z.ZodType;
  /** the flags it concerns (for the audit log's flag filter) */
  flags(op: HeldOperation): string[];
  /** a safety action when a releaser sends it (switching a flag off): never held for them */
  safety?(op: HeldOperation): boolean;
}

export const protectedAmong = (environments: EnvironmentRow[], keys: string[]) => environments.filter((e) => e.protected && keys.includes(e.key));

