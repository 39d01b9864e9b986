// Writes a protected environment holds for review: each kind's permission (its route's entry in auth/permissions.ts),
// its target, and its `run`, the one function that performs it, used by the route directly and by a change request's
// apply alike (so the release invariants, the dormant-code guard, validation and the audit hold on both paths).
import type { Context } from 'hono';
import type { AppEnv } from '../context';
import { allows, bypassesProtection } from '../auth/permissions';
import type { EnvironmentRow, ProjectRow } from '../store/db';
import { listEnvironments } from '../store/projects';
import { openRequest, REQUEST_TTL_MS, requestView } from '../store/change-requests';
import { servedState } from '../store/change-targets';
import { entityTag } from '../store/write-conditions';
import { flagKinds } from './held-flag-writes';
import type { HeldAnswer, HeldContext, HeldKind, HeldOperation } from './held-kinds';
import { releaseKinds } from './held-release-writes';

export const heldKinds: Record<string, HeldKind> = { ...flagKinds, ...releaseKinds };

/** The base of a request: the target as it is now, and its tag. */
export async function baseOf(x: HeldContext, kind: HeldKind, op: HeldOperation) {
  const base = (await kind.target(x, await servedState(x.db, x.project, x.now), op)) ?? null;
  return { base, baseTag: await entityTag(base) };
}

export async function requestFields(x: HeldContext, kind: HeldKind, op: HeldOperation, envs: EnvironmentRow[]) {
  const at = (await kind.appliesAt?.(x, op)) ?? null;
  return {
    summary: kind.summary(op),
    operation: op,
    ...(await baseOf(x, kind, op)),
    requiredApprovals: Math.max(1, ...envs.map((e) => e.requiredApprovals)),
    expiresAt: Math.min(x.now + REQUEST_TTL_MS, at !== null && at > x.now ? at : Infinity),
  };
}

const respond = (c: Context<AppEnv>, answer: HeldAnswer): Response => {
  if (answer.etag) c.header('ETag', answer.etag);
  return answer.status === 204 ? c.body(null, 204) : c.json(answer.body as object, answer.status);
};

/**
 * A held kind's route: applies the write, or, in a protected environment for a caller who may not bypass it, opens a
 * change request with the exact change and answers 202 `{ changeRequest }`. Admins bypass (they could lift the
 * protection anyway); a releaser's safety action is never held. Its answer is the route's own or the 202, both declared in
 * the route's OpenAPI responses; typed `never` because the typed routes cannot infer which one a kind answers.
 */
export async function perform(c: Context<AppEnv>, name: string, project: ProjectRow, op: HeldOperation, ifMatch?: string): Promise<never> {
  return (await decide(c, name, project, op, ifMatch)) as never;
}

async function decide(c: Context<AppEnv>, name: string, project: ProjectRow, op: HeldOperation, ifMatch?: string): Promise<Response> {
  const kind = heldKinds[name];
  const x: HeldContext = { env: c.env, db: c.var.db, actor: c.var.actor, project, now: Date.now(), ifMatch };
  const caller = c.var.actor;
  const envs = kind.protectedIn(await listEnvironments(x.db, project.id), op);
  const bypass = envs.every((e) => bypassesProtection(caller.grants, { project: project.key, env: e.key }));
  const safety = kind.safety?.(op) === true && envs.every((e) => allows(caller.grants, 'safety', 'environment', { project: project.key, env: e.key }));
  if (bypass || safety) return respond(c, await kind.run(x, op));
  const row = await openRequest(x.db, caller, project, { environmentId: envs[0].id, kind: name, ...(await requestFields(x, kind, op, envs)) }, kind.flags(op), x.now);
  return c.json({ changeRequest: requestView(row, project, envs, x.now) }, 202);
}
