// An environment's shared rules: Curtain segments, flagd `$evaluators` and flag-set metadata, edited
// through the same audited, validated write path as flags.
import { eq, sql } from 'drizzle-orm';
import { auditInsert } from './audit';
import type { Db, EnvironmentRow, ProjectRow } from './db';
import { environmentDocument, loadProjectState } from './flag-set';
import { assertChange } from './definition-checks';
import { notFound } from '../errors';
import { environments } from './schema';
import { environmentView } from './projects';

export interface EnvironmentPatch {
  name?: string;
  segments?: Record<string, unknown>;
  evaluators?: Record<string, unknown>;
  metadata?: Record<string, string | number | boolean>;
  /** the dormant-code guard (on by default): refuse to switch on or release flags no recorded deployment uses */
  dormantGuard?: boolean;
}

export const environmentDetail = (e: EnvironmentRow) => ({
  ...environmentView(e),
  segments: e.segments,
  evaluators: e.evaluators,
  metadata: e.metadata,
  dormantGuard: e.dormantGuard,
});

export async function updateEnvironment(db: Db, actor: string, project: ProjectRow, envKey: string, patch: EnvironmentPatch) {
  const state = await loadProjectState(db, project.id);
  const env = state.environments.find((e) => e.key === envKey);
  if (!env) throw notFound(`Environment '${envKey}'`);
  const next: EnvironmentRow = { ...env, ...patch };
  const rulesChanged = patch.segments !== undefined || patch.evaluators !== undefined || patch.metadata !== undefined;
  if (rulesChanged) {
    // strict for the rules it rewrites; older issues elsewhere (a flag imported from flagd) do not block it
    const changed = [patch.segments !== undefined && '/segments', patch.evaluators !== undefined && '/$evaluators', patch.metadata !== undefined && '/metadata'].filter((p) => p !== false);
    const where = state.environments.length > 1 ? ` in environment '${env.key}'` : '';
    assertChange(() => environmentDocument(state, env), environmentDocument(state, next), { changed, what: `The flag definition is not valid${where}` });
    next.version = env.version + 1;
  }
  const now = Date.now();
  await db.batch([
    db
      .update(environments)
      .set({ ...patch, ...(rulesChanged ? { version: sql`${environments.version} + 1` } : {}) })
      .where(eq(environments.id, env.id)),
    auditInsert(db, { actor, action: 'environment.update', projectId: project.id, environmentId: env.id, resource: `projects/${project.key}/environments/${env.key}`, before: environmentDetail(env), after: environmentDetail(next) }, now),
  ]);
  return { view: environmentDetail(next), affected: rulesChanged ? [env.id] : [] };
}
