// Deployments recorded from CI: what version runs where and which flag keys its code uses.
// Flags named by a deployment that do not exist yet are created dormant, in the same batch.
import { and, desc, eq, lt, or, sql } from 'drizzle-orm';
import { randomId } from '../auth/secrets';
import { auditInsert, type AuditActor } from './audit';
import type { Db, DeploymentRow, EnvironmentRow, FlagRow, ProjectRow } from './db';
import { effectiveConfig, initialDefaultVariant, loadProjectState } from './flag-set';
import { deployedFlags } from './dormant-guard';
import { assertFlagCount } from './limits';
import { flagView } from './flags';
import { deployments, environments, flagConfigs, flags } from './schema';
import { commitWrite, flagKeysFree, retryStale } from './write-conditions';

export interface DeploymentInput {
  version: string;
  commit?: string;
  url?: string;
  actor?: string;
  flags?: string[];
  /** where the code uses its flags (a key used here counts as used by the deployment) */
  references?: { key: string; file: string; line: number }[];
  at?: string;
}

export const deploymentView = (d: DeploymentRow) => ({
  id: d.id,
  version: d.version,
  commit: d.commit,
  url: d.url,
  actor: d.actor,
  flags: d.flags,
  at: new Date(d.at).toISOString(),
});

/** Records a deployment; one racing another that creates the same flags is read again and repeated (flags then exist). */
export const recordDeployment = (db: Db, actor: AuditActor, project: ProjectRow, env: EnvironmentRow, input: DeploymentInput) =>
  retryStale(() => recordOnce(db, actor, project, env, input));

async function recordOnce(db: Db, actor: AuditActor, project: ProjectRow, env: EnvironmentRow, input: DeploymentInput) {
  const now = Date.now();
  const references = input.references ?? [];
  const keys = [...new Set([...(input.flags ?? []), ...references.map((r) => r.key)])];
  const state = await loadProjectState(db, project.id);
  const known = new Set(state.flags.map((f) => f.key));
  const created: FlagRow[] = keys
    .filter((k) => !known.has(k))
    .map((key) => ({ id: randomId(), projectId: project.id, key, type: 'boolean', description: '', tags: [], variants: { on: true, off: false }, clientVisible: false, metadata: {}, archived: false, createdAt: now, updatedAt: now }));
  assertFlagCount(state.flags.length + created.length);
  const row: DeploymentRow = {
    id: randomId(),
    projectId: project.id,
    environmentId: env.id,
    version: input.version,
    commit: input.commit ?? null,
    url: input.url ?? null,
    actor: input.actor ?? actor.name,
    flags: keys,
    references,
    at: input.at ? Date.parse(input.at) : now,
    createdAt: now,
  };
  // dormant: disabled in every environment; switching one on is a separate, guarded decision
  const configs = created.flatMap((f) =>
    state.environments.map((e) => ({ flagId: f.id, environmentId: e.id, state: 'DISABLED' as const, defaultVariant: initialDefaultVariant('boolean', f.variants), targeting: null, updatedAt: now })),
  );
  const envIds = state.environments.map((e) => e.id);
  const createdState = { ...state, configs: new Map(envIds.map((id) => [id, new Map(configs.filter((c) => c.environmentId === id).map((c) => [c.flagId, c]))])) };
  await commitWrite(db, `The flags of project '${project.key}'`, [flagKeysFree(project.id, created.map((f) => f.key))], [
    db.insert(deployments).values(row),
    ...created.map((f) => db.insert(flags).values(f)),
    // one statement a row: D1 binds at most 100 parameters per statement
    ...configs.map((c) => db.insert(flagConfigs).values(c)),
    ...(created.length ? [db.update(environments).set({ version: sql`${environments.version} + 1` }).where(sql`${environments.projectId} = ${project.id}`)] : []),
    auditInsert(db, { actor, action: 'deployment.record', projectId: project.id, environmentId: env.id, resource: `projects/${project.key}/environments/${env.key}/deployments/${row.id}`, after: deploymentView(row), flags: row.flags }, now),
    ...created.map((f) =>
      auditInsert(db, { actor, action: 'flag.create', projectId: project.id, resource: `projects/${project.key}/flags/${f.key}`, after: flagView(f, createdState) }, now),
    ),
  ]);
  return { deployment: deploymentView(row), createdFlags: created.map((f) => f.key), affected: created.length ? envIds : [] };
}

export async function listDeployments(db: Db, env: EnvironmentRow, limit: number, before?: string) {
  let cursor: DeploymentRow | undefined;
  if (before) cursor = await db.query.deployments.findFirst({ where: and(eq(deployments.id, before), eq(deployments.environmentId, env.id)) });
  const where = cursor
    ? and(eq(deployments.environmentId, env.id), or(lt(deployments.at, cursor.at), and(eq(deployments.at, cursor.at), lt(deployments.id, cursor.id))))
    : eq(deployments.environmentId, env.id);
  const rows = await db.select().from(deployments).where(where).orderBy(desc(deployments.at), desc(deployments.id)).limit(limit + 1);
  const page = rows.slice(0, limit);
  return { deployments: page.map(deploymentView), next: rows.length > limit ? page[page.length - 1].id : null };
}

/** Flags used by a recorded deployment that are not on in the environment nor under a started release. */
export async function unreleasedFlags(db: Db, project: ProjectRow, env: EnvironmentRow) {
  const [deployed, state] = await Promise.all([deployedFlags(db, env), loadProjectState(db, project.id)]);
  const released = new Set(state.releases.filter((r) => r.environmentId === env.id).flatMap((r) => r.flags.map((f) => f.key)));
  const configs = state.configs.get(env.id);
  return state.flags
    .filter((f) => deployed.has(f.key) && !released.has(f.key) && effectiveConfig(f, configs?.get(f.id)).state !== 'ENABLED')
    .map((f) => ({ key: f.key, lastDeployedAt: new Date(deployed.get(f.key)!.at).toISOString(), lastVersion: deployed.get(f.key)!.version }));
}

/**
 * Where the code of each environment uses a flag: per environment, the newest recorded deployment that uses it, with
 * the file and line of each use that deployment recorded (none when it named the flag without references).
 */
export async function flagReferences(db: Db, project: ProjectRow, envs: EnvironmentRow[], key: string) {
  const out = [];
  for (const env of envs) {
    const [row] = await db
      .select()
      .from(deployments)
      .where(and(eq(deployments.environmentId, env.id), sql`EXISTS (SELECT 1 FROM json_each(${deployments.flags}) WHERE value = ${key})`))
      .orderBy(desc(deployments.at), desc(deployments.createdAt))
      .limit(1);
    if (!row) continue;
    const { id, version, commit, at } = deploymentView(row);
    out.push({ environment: env.key, deployment: { id, version, commit, at }, references: row.references.filter((r) => r.key === key).map(({ file, line }) => ({ file, line })) });
  }
  return out;
}
