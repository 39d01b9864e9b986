// Flags: the audited write path (validate every affected environment, one batch, bump versions) and reads.
import { eq, inArray, sql } from 'drizzle-orm';
import { inferFlagType, validateReleases } from '../engine';
import { randomId } from '../auth/secrets';
import { ApiError, notFound } from '../errors';
import { auditInsert, type AuditActor } from './audit';
import { assertChange, flagPath, flagWarnings } from './definition-checks';
import { assertDeployed } from './dormant-guard';
import { assertFlagCount } from './limits';
import type { Db, EnvironmentRow, FlagRow, ProjectRow } from './db';
import { effectiveConfig, environmentDocument, initialDefaultVariant, loadProjectState, scheduleView, type EnvConfig, type ProjectState } from './flag-set';
import { environments, flagConfigs, flags } from './schema';
import { assertIfMatch, commitWrite, entityTag, envSetIs, envVersionIs } from './write-conditions';

export type FlagType = FlagRow['type'];

export function flagView(flag: FlagRow, state: ProjectState) {
  const envs: Record<string, EnvConfig & { warnings: { path: string; message: string }[]; schedule?: ReturnType<typeof scheduleView>[] }> = {};
  for (const env of state.environments) {
    const pending = state.schedules.filter((s) => s.flagId === flag.id && s.environmentId === env.id);
    envs[env.key] = {
      ...effectiveConfig(flag, state.configs.get(env.id)?.get(flag.id)),
      warnings: flagWarnings(state, env, flag.key),
      ...(pending.length ? { schedule: pending.map(scheduleView) } : {}),
    };
  }
  return {
    key: flag.key,
    type: flag.type,
    description: flag.description,
    tags: flag.tags,
    variants: flag.variants,
    clientVisible: flag.clientVisible,
    metadata: flag.metadata,
    archived: flag.archived,
    environments: envs,
    createdAt: new Date(flag.createdAt).toISOString(),
    updatedAt: new Date(flag.updatedAt).toISOString(),
  };
}

export async function listFlags(db: Db, project: ProjectRow) {
  const state = await loadProjectState(db, project.id);
  return state.flags.map((f) => flagView(f, state));
}

export async function getFlag(db: Db, project: ProjectRow, key: string) {
  const state = await loadProjectState(db, project.id);
  const flag = state.flags.find((f) => f.key === key);
  if (!flag) throw notFound(`Flag '${key}'`);
  return { state, flag };
}

/**
 * Rejects the write if the environment's flag set, with the change applied, has an issue that it did
 * not have before, or any issue under `changed` (the parts the write rewrote: those are checked
 * strictly; '' for everything). Older issues, such as the warnings of a flag imported from flagd,
 * never block a write to another flag. Releases are always checked strictly (their flags and variants).
 */
export function assertValid(state: ProjectState, env: EnvironmentRow, override?: Parameters<typeof environmentDocument>[2], changed: string[] = ['']) {
  const where = state.environments.length > 1 ? ` in environment '${env.key}'` : '';
  const after = environmentDocument(state, env, override);
  assertChange(() => environmentDocument(state, env), after, { changed, what: `The flag definition is not valid${where}` });
  const releaseIssues = validateReleases(after);
  if (releaseIssues.length) {
    throw new ApiError('INVALID_DEFINITION', `The flag definition is not valid${where}: ${releaseIssues[0].path} ${releaseIssues[0].message}`, releaseIssues);
  }
}

export function resolveType(variants: Record<string, unknown>, declared: FlagType | undefined): FlagType {
  const inferred = inferFlagType(variants as never);
  if (!inferred) {
    throw new ApiError('INVALID_DEFINITION', 'Variants must be non-empty and all of one type', [{ path: '/variants', message: 'expected one or more variants of a single type' }]);
  }
  if (declared && declared !== inferred && !(declared === 'float' && inferred === 'integer')) {
    throw new ApiError('INVALID_DEFINITION', `Variants are of type ${inferred}, not ${declared}`, [{ path: '/variants', message: `expected ${declared} values` }]);
  }
  return declared ?? inferred;
}

const bumpVersions = (db: Db, envIds: string[]) =>
  db.update(environments).set({ version: sql`${environments.version} + 1` }).where(inArray(environments.id, envIds));

/** A flag's variants are shared by every environment, so a flag-level write is computed from all of them as read. */
const projectAsRead = (project: ProjectRow, state: ProjectState) => [envSetIs(project.id, state.environments), ...state.environments.map(envVersionIs)];

/** The flag's current version for If-Match: a tag of its whole view (definition, and config in every environment). */
export async function assertFlagMatches(ifMatch: string | undefined, flag: FlagRow, state: ProjectState) {
  if (ifMatch === undefined) return;
  const view = flagView(flag, state);
  assertIfMatch(ifMatch, { etag: await entityTag(view), view }, `Flag '${flag.key}'`);
}

export interface FlagInput {
  key: string;
  type?: FlagType;
  description?: string;
  tags?: string[];
  variants?: Record<string, unknown>;
  clientVisible?: boolean;
  metadata?: Record<string, string | number | boolean>;
  environments?: Record<string, Partial<EnvConfig>>;
}

export async function createFlag(db: Db, actor: AuditActor, project: ProjectRow, input: FlagInput) {
  const state = await loadProjectState(db, project.id);
  if (state.flags.some((f) => f.key === input.key)) throw new ApiError('CONFLICT', `Flag '${input.key}' already exists`);
  assertFlagCount(state.flags.length + 1);
  for (const envKey of Object.keys(input.environments ?? {})) {
    if (!state.environments.some((e) => e.key === envKey)) throw notFound(`Environment '${envKey}'`);
  }
  const variants = input.variants ?? (input.type === undefined || input.type === 'boolean' ? { on: true, off: false } : {});
  const type = resolveType(variants, input.type);
  const now = Date.now();
  const flag: FlagRow = {
    id: randomId(),
    projectId: project.id,
    key: input.key,
    type,
    description: input.description ?? '',
    tags: input.tags ?? [],
    variants,
    clientVisible: input.clientVisible ?? false,
    metadata: input.metadata ?? {},
    archived: false,
    createdAt: now,
    updatedAt: now,
  };
  const configs = state.environments.map((env) => {
    const given = input.environments?.[env.key] ?? {};
    const config: EnvConfig = {
      state: given.state ?? 'DISABLED',
      defaultVariant: given.defaultVariant !== undefined ? given.defaultVariant : initialDefaultVariant(type, variants),
      targeting: given.targeting ?? null,
    };
    assertValid(state, env, { key: flag.key, flag, config }, [flagPath(flag.key)]);
    return { flagId: flag.id, environmentId: env.id, ...config, updatedAt: now };
  });
  const view = flagView(flag, { ...state, configs: new Map(configs.map((c) => [c.environmentId, new Map([[flag.id, c]])])) });
  await commitWrite(db, `Project '${project.key}'`, projectAsRead(project, state), [
    db.insert(flags).values(flag),
    // one statement a row: D1 binds at most 100 parameters per statement
    ...configs.map((c) => db.insert(flagConfigs).values(c)),
    bumpVersions(db, state.environments.map((e) => e.id)),
    auditInsert(db, { actor, action: 'flag.create', projectId: project.id, resource: `projects/${project.key}/flags/${flag.key}`, after: view }, now),
  ]);
  return { view, affected: state.environments.map((e) => e.id) };
}

export type FlagPatch = Partial<Pick<FlagRow, 'description' | 'tags' | 'variants' | 'clientVisible' | 'metadata' | 'archived'>>;

export async function updateFlag(db: Db, actor: AuditActor, project: ProjectRow, key: string, patch: FlagPatch, ifMatch?: string) {
  const { state, flag } = await getFlag(db, project, key);
  await assertFlagMatches(ifMatch, flag, state);
  if (patch.archived && !flag.archived) assertOffEverywhere(flag, state);
  const next: FlagRow = { ...flag, ...patch, updatedAt: Date.now() };
  if (patch.variants) next.type = resolveType(patch.variants, flag.type === 'integer' || flag.type === 'float' ? undefined : flag.type);
  const changed = (['variants', 'metadata'] as const).filter((f) => patch[f] !== undefined).map((f) => flagPath(key, f));
  for (const env of state.environments) assertValid(state, env, { key, flag: next }, changed);
  const before = flagView(flag, state);
  const after = flagView(next, { ...state, flags: state.flags.map((f) => (f.id === flag.id ? next : f)) });
  await commitWrite(db, `Flag '${key}' (or another definition in project '${project.key}')`, projectAsRead(project, state), [
    db.update(flags).set({ ...patch, type: next.type, updatedAt: next.updatedAt }).where(eq(flags.id, flag.id)),
    bumpVersions(db, state.environments.map((e) => e.id)),
    auditInsert(db, { actor, action: 'flag.update', projectId: project.id, resource: `projects/${project.key}/flags/${key}`, before, after }, next.updatedAt),
  ]);
  return { view: after, affected: state.environments.map((e) => e.id) };
}

/** An archived flag is out of sight, so it must serve nobody anything from its targeting. */
function assertOffEverywhere(flag: FlagRow, state: ProjectState) {
  const on = state.environments.filter((env) => effectiveConfig(flag, state.configs.get(env.id)?.get(flag.id)).state === 'ENABLED');
  if (on.length) throw new ApiError('CONFLICT', `Flag '${flag.key}' is on in ${on.map((e) => `'${e.key}'`).join(', ')}: switch it off in every environment first`);
}

export async function deleteFlag(db: Db, actor: AuditActor, project: ProjectRow, key: string, ifMatch?: string) {
  const { state, flag } = await getFlag(db, project, key);
  await assertFlagMatches(ifMatch, flag, state);
  for (const env of state.environments) assertValid(state, env, { key, flag: null }, []);
  const now = Date.now();
  await commitWrite(db, `Flag '${key}' (or another definition in project '${project.key}')`, projectAsRead(project, state), [
    db.delete(flagConfigs).where(eq(flagConfigs.flagId, flag.id)),
    db.delete(flags).where(eq(flags.id, flag.id)),
    bumpVersions(db, state.environments.map((e) => e.id)),
    auditInsert(db, { actor, action: 'flag.delete', projectId: project.id, resource: `projects/${project.key}/flags/${key}`, before: flagView(flag, state) }, now),
  ]);
  return { affected: state.environments.map((e) => e.id) };
}

export async function updateFlagConfig(db: Db, actor: AuditActor, project: ProjectRow, envKey: string, key: string, patch: Partial<EnvConfig>, force = false, ifMatch?: string) {
  const { state, flag } = await getFlag(db, project, key);
  const env = state.environments.find((e) => e.key === envKey);
  if (!env) throw notFound(`Environment '${envKey}'`);
  await assertFlagMatches(ifMatch, flag, state);
  const current = effectiveConfig(flag, state.configs.get(env.id)?.get(flag.id));
  // keeps archived flags off everywhere, as archiving required
  if (patch.state === 'ENABLED' && flag.archived) throw new ApiError('CONFLICT', `Flag '${key}' is archived: unarchive it before switching it on`);
  if (patch.state === 'ENABLED' && current.state !== 'ENABLED') await assertDeployed(db, env, [key], force, `switching '${key}' on`);
  const config: EnvConfig = { ...current, ...patch };
  assertValid(state, env, { key, flag, config }, (['state', 'defaultVariant', 'targeting'] as const).filter((f) => patch[f] !== undefined).map((f) => flagPath(key, f)));
  const now = Date.now();
  const row = { flagId: flag.id, environmentId: env.id, ...config, updatedAt: now };
  // the environment's version covers the whole document this config was validated in (other flags, rules, releases)
  await commitWrite(db, `Flag '${key}' (or another definition in environment '${envKey}')`, [envVersionIs(env)], [
    db.insert(flagConfigs).values(row).onConflictDoUpdate({ target: [flagConfigs.flagId, flagConfigs.environmentId], set: { ...config, updatedAt: now } }),
    bumpVersions(db, [env.id]),
    auditInsert(db, { actor, action: 'flag.configure', projectId: project.id, environmentId: env.id, resource: `projects/${project.key}/environments/${envKey}/flags/${key}`, before: current, after: config }, now),
  ]);
  state.configs.get(env.id)!.set(flag.id, row);
  return { view: flagView(flag, state), affected: [env.id] };
}

