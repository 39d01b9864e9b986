// An environment's shared rules: Curtain segments, flagd `$evaluators` and flag-set metadata, edited
// through the same audited, validated write path as flags.
import { eq, sql } from 'drizzle-orm';
import { auditInsert, type AuditActor } from './audit';
import type { Db, EnvironmentRow, ProjectRow } from './db';
import { environmentDocument, loadProjectState } from './flag-set';
import { assertChange } from './definition-checks';
import { notFound } from '../errors';
import { environments } from './schema';
import { environmentView } from './projects';
import { assertIfMatch, commitWrite, entityTag, envRevisionIs, envVersionIs } from './write-conditions';

export interface EnvironmentPatch {
  name?: string;
  segments?: Record<string, unknown>;
  evaluators?: Record<string, unknown>;
  metadata?: Record<string, string | number | boolean>;
  /** the dormant-code guard (on by default): refuse to switch on or release flags no recorded deployment uses */
  dormantGuard?: boolean;
  /** serves real users: the dashboard asks for confirmation, with the diff and the share of users affected, before a one-click change */
  protected?: boolean;
  /** approvals a change request needs here while the environment is protected */
  requiredApprovals?: number;
}

export const environmentDetail = (e: EnvironmentRow) => ({
  ...environmentView(e),
  segments: e.segments,
  evaluators: e.evaluators,
  metadata: e.metadata,
  dormantGuard: e.dormantGuard,
  protected: e.protected,
});

/**
 * The environment's current version for If-Match and ETag: a tag of what its PATCH edits (name, guard, shared rules),
 * by whichever path they were written. Its snapshot `version` is left out: a flag change is no edit of the environment.
 */
export async function environmentTag(env: EnvironmentRow) {
  const { version: _evaluated, ...own } = environmentDetail(env);
  return { view: environmentDetail(env), etag: await entityTag(own) };
}

export async function updateEnvironment(db: Db, actor: AuditActor, project: ProjectRow, envKey: string, patch: EnvironmentPatch, ifMatch?: string) {
  const state = await loadProjectState(db, project.id);
  const env = state.environments.find((e) => e.key === envKey);
  if (!env) throw notFound(`Environment '${envKey}'`);
  if (ifMatch !== undefined) assertIfMatch(ifMatch, await environmentTag(env), `Environment '${envKey}'`);
  const next: EnvironmentRow = { ...env, ...patch, revision: env.revision + 1 };
  const rulesChanged = patch.segments !== undefined || patch.evaluators !== undefined || patch.metadata !== undefined;
  if (rulesChanged) {
    // strict for the rules it rewrites; older issues elsewhere (a flag imported from flagd) do not block it
    const changed = [patch.segments !== undefined && '/segments', patch.evaluators !== undefined && '/$evaluators', patch.metadata !== undefined && '/metadata'].filter((p) => p !== false);
    const where = state.environments.length > 1 ? ` in environment '${env.key}'` : '';
    assertChange(() => environmentDocument(state, env), environmentDocument(state, next), { changed, what: `The flag definition is not valid${where}` });
    next.version = env.version + 1;
  }
  const now = Date.now();
  // as read: the row itself (revision) and, since rules are validated with every flag, all the environment evaluates (version)
  await commitWrite(db, `Environment '${envKey}'`, [envRevisionIs(env), envVersionIs(env)], [
    db
      .update(environments)
      .set({ ...patch, revision: sql`${environments.revision} + 1`, ...(rulesChanged ? { version: sql`${environments.version} + 1` } : {}) })
      .where(eq(environments.id, env.id)),
    auditInsert(db, { actor, action: 'environment.update', projectId: project.id, environmentId: env.id, resource: `projects/${project.key}/environments/${env.key}`, before: environmentDetail(env), after: environmentDetail(next) }, now),
  ]);
  return { row: next, view: environmentDetail(next), affected: rulesChanged ? [env.id] : [] };
}
