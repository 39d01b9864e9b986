// Flags: the audited write path (validate every affected environment, one batch, bump versions) and reads.
import { and, eq, inArray, sql } from 'drizzle-orm';
import { inferFlagType, validateReleases } from '../engine';
import { randomId } from '../auth/secrets';
import { ApiError, notFound } from '../errors';
import { auditInsert, type AuditActor } from './audit';
import { assertValid, flagPath, flagWarnings } from './definition-checks';
import { assertDeployed } from './dormant-guard';
import { assertFlagCount } from './limits';
import type { Db, EnvironmentRow, FlagRow, ProjectRow } from './db';
import { effectiveConfig, environmentDocument, initialDefaultVariant, loadProjectState, scheduleView, type EnvConfig, type ProjectState } from './flag-set';
import type { ReleaseRow } from './db';
import { environments, flagConfigs, flagSchedules, flags, releases } from './schema';
import { assertArchivable, assertDeletable, assertVariantsKept } from './flag-guards';
import { endWithin } from './release-actions';
import { assertNotOwned, decidesEveryone, releaseSummary, type EndingAction } from './release-ownership';
import { effectiveState, settledState } from './settle';
import { getAuditEntry } from './audit';
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

/** The flag's view with, in each environment, its release and whether that release owns it (what the edge serves). */
export function servedView(flag: FlagRow, state: ProjectState, now: number) {
  const view = flagView(flag, state);
  const environments = Object.fromEntries(state.environments.map((env) => [env.key, { ...view.environments[env.key], release: releaseSummary(state, env.id, flag, now) }]));
  return { ...view, environments };
}

/** Every flag as the edge serves it now (effectiveState: what the release clock has yet to record, applied). */
export async function listFlags(db: Db, project: ProjectRow, now = Date.now()) {
  const state = effectiveState(await loadProjectState(db, project.id), now);
  return state.flags.map((f) => servedView(f, state, now));
}

export async function getFlag(db: Db, project: ProjectRow, key: string) {
  const state = await loadProjectState(db, project.id);
  const flag = state.flags.find((f) => f.key === key);
  if (!flag) throw notFound(`Flag '${key}'`);
  return { state, flag };
}

/** A flag for a write to change: read after every release that has ended by `now` is recorded (release-progress.ts). */
async function flagForWrite(db: Db, project: ProjectRow, key: string, now: number) {
  const { state, settled } = await settledState(db, project.id, now);
  const flag = state.flags.find((f) => f.key === key);
  if (!flag) throw notFound(`Flag '${key}'`);
  return { state, flag, settled };
}

/** The project's draft releases (they are not part of what the edge evaluates, but a flag change must not break them). */
const loadDrafts = (db: Db, projectId: string): Promise<ReleaseRow[]> => db.select().from(releases).where(and(eq(releases.projectId, projectId), eq(releases.state, 'draft')));

/** Options of a flag write: the guard's confirmation, a release to end with it, the history entry it reverts. */
export interface WriteOptions {
  force?: boolean;
  releaseAction?: EndingAction;
  revertOf?: number;
}

/** The id of the entry a revert undoes, checked: it exists in the project's history and concerns this flag. */
async function revertedEntry(db: Db, project: ProjectRow, key: string, id: number | undefined): Promise<number | undefined> {
  if (id === undefined) return undefined;
  const entry = await getAuditEntry(db, project.id, id);
  if (!entry || !entry.flags.includes(key)) {
    throw new ApiError('VALIDATION_FAILED', `Invalid input: revertOf names no history entry of flag '${key}'`, [{ path: '/query/revertOf', message: `no history entry ${id} of flag '${key}' in this project` }]);
  }
  return id;
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
  assertIfMatch(ifMatch, { etag: await entityTag(flagView(flag, state)), view: servedView(flag, state, Date.now()) }, `Flag '${flag.key}'`);
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
  return { view, served: servedView(flag, { ...state, flags: [...state.flags, flag], configs: new Map(configs.map((c) => [c.environmentId, new Map([[flag.id, c]])])) }, now), affected: state.environments.map((e) => e.id) };
}

export type FlagPatch = Partial<Pick<FlagRow, 'description' | 'tags' | 'variants' | 'clientVisible' | 'metadata' | 'archived'>>;

export async function updateFlag(db: Db, actor: AuditActor, project: ProjectRow, key: string, patch: FlagPatch, ifMatch?: string, opts: WriteOptions = {}) {
  const now = Date.now();
  const { state: read, flag, settled } = await flagForWrite(db, project, key, now);
  await assertFlagMatches(ifMatch, flag, read);
  const revertOf = await revertedEntry(db, project, key, opts.revertOf);
  if (patch.archived && !flag.archived) {
    assertArchivable(read, flag, now);
    assertOffEverywhere(flag, read);
  }
  const ending = patch.variants ? assertVariantsKept(read, await loadDrafts(db, project.id), flag, patch.variants, now, opts.releaseAction) : [];
  const ended = endWithin({ db, actor, project, now }, read, ending, opts.releaseAction ?? 'rollback', { with: 'flag.update', flag: key });
  const state = ended.state;
  const next: FlagRow = { ...flag, ...patch, updatedAt: now };
  if (patch.variants) next.type = resolveType(patch.variants, flag.type === 'integer' || flag.type === 'float' ? undefined : flag.type);
  const changed = (['variants', 'metadata'] as const).filter((f) => patch[f] !== undefined).map((f) => flagPath(key, f));
  for (const env of state.environments) assertValid(state, env, { key, flag: next }, changed);
  const before = flagView(flag, read);
  const after = flagView(next, { ...state, flags: state.flags.map((f) => (f.id === flag.id ? next : f)) });
  await commitWrite(db, `Flag '${key}' (or another definition in project '${project.key}')`, [...projectAsRead(project, read), ...ended.conditions], [
    ...ended.statements,
    db.update(flags).set({ ...patch, type: next.type, updatedAt: next.updatedAt }).where(eq(flags.id, flag.id)),
    bumpVersions(db, state.environments.map((e) => e.id)),
    auditInsert(db, { actor, action: 'flag.update', projectId: project.id, resource: `projects/${project.key}/flags/${key}`, before, after, revertOf }, next.updatedAt),
  ]);
  const nextState = { ...state, flags: state.flags.map((f) => (f.id === flag.id ? next : f)) };
  return { view: after, served: servedView(next, nextState, now), affected: [...new Set([...state.environments.map((e) => e.id), ...settled])] };
}

/** An archived flag is out of sight, so it must serve nobody anything from its targeting. */
function assertOffEverywhere(flag: FlagRow, state: ProjectState) {
  const on = state.environments.filter((env) => effectiveConfig(flag, state.configs.get(env.id)?.get(flag.id)).state === 'ENABLED');
  if (on.length) throw new ApiError('CONFLICT', `Flag '${flag.key}' is on in ${on.map((e) => `'${e.key}'`).join(', ')}: switch it off in every environment first`);
}

export async function deleteFlag(db: Db, actor: AuditActor, project: ProjectRow, key: string, ifMatch?: string, opts: WriteOptions = {}) {
  const now = Date.now();
  const { state: read, flag, settled } = await flagForWrite(db, project, key, now);
  await assertFlagMatches(ifMatch, flag, read);
  const ending = assertDeletable(read, await loadDrafts(db, project.id), flag, now, opts.releaseAction);
  const ended = endWithin({ db, actor, project, now }, read, ending, opts.releaseAction ?? 'rollback', { with: 'flag.delete', flag: key });
  for (const env of ended.state.environments) assertValid(ended.state, env, { key, flag: null }, []);
  await commitWrite(db, `Flag '${key}' (or another definition in project '${project.key}')`, [...projectAsRead(project, read), ...ended.conditions], [
    ...ended.statements,
    // its pending scheduled changes go with it: none may fire onto a flag that is gone, or onto one created again under its key
    db.delete(flagSchedules).where(eq(flagSchedules.flagId, flag.id)),
    db.delete(flagConfigs).where(eq(flagConfigs.flagId, flag.id)),
    db.delete(flags).where(eq(flags.id, flag.id)),
    bumpVersions(db, read.environments.map((e) => e.id)),
    auditInsert(db, { actor, action: 'flag.delete', projectId: project.id, resource: `projects/${project.key}/flags/${key}`, before: flagView(flag, read) }, now),
  ]);
  return { affected: [...new Set([...read.environments.map((e) => e.id), ...settled])] };
}

export async function updateFlagConfig(db: Db, actor: AuditActor, project: ProjectRow, envKey: string, key: string, patch: Partial<EnvConfig>, opts: WriteOptions = {}, ifMatch?: string) {
  const now = Date.now();
  const { state: read, flag, settled } = await flagForWrite(db, project, key, now);
  const env = read.environments.find((e) => e.key === envKey);
  if (!env) throw notFound(`Environment '${envKey}'`);
  await assertFlagMatches(ifMatch, flag, read);
  const revertOf = await revertedEntry(db, project, key, opts.revertOf);
  const was = effectiveConfig(flag, read.configs.get(env.id)?.get(flag.id));
  // keeps archived flags off everywhere, as archiving required
  if (patch.state === 'ENABLED' && flag.archived) throw new ApiError('CONFLICT', `Flag '${key}' is archived: unarchive it before switching it on`);
  // the switch and the default variant are the release's while it runs; the flag's own rules decide before it, by design
  const switches = (patch.state !== undefined && patch.state !== was.state) || (patch.defaultVariant !== undefined && patch.defaultVariant !== was.defaultVariant);
  const total = patch.targeting !== undefined && decidesEveryone(patch.targeting);
  const doing =
    patch.state !== undefined && patch.state !== was.state
      ? `switching '${key}' ${patch.state === 'ENABLED' ? 'on' : 'off'}`
      : switches
        ? `changing the default variant of '${key}'`
        : `giving '${key}' rules that decide for every user (ending in a variant or a split, they leave nobody to the release)`;
  const owner = switches || total ? assertNotOwned(read, env, flag, doing, now, opts.releaseAction) : undefined;
  const ended = endWithin({ db, actor, project, now }, read, owner ? [owner] : [], opts.releaseAction ?? 'rollback', { with: 'flag.configure', flag: key, change: patch });
  const state = ended.state;
  const current = effectiveConfig(flag, state.configs.get(env.id)?.get(flag.id));
  if (patch.state === 'ENABLED' && current.state !== 'ENABLED') await assertDeployed(db, env, [key], !!opts.force, `switching '${key}' on`);
  const config: EnvConfig = { ...current, ...patch };
  assertValid(state, env, { key, flag, config }, (['state', 'defaultVariant', 'targeting'] as const).filter((f) => patch[f] !== undefined).map((f) => flagPath(key, f)), new Set([key]));
  const row = { flagId: flag.id, environmentId: env.id, ...config, updatedAt: now };
  // the environment's version covers the whole document this config was validated in (other flags, rules, releases)
  await commitWrite(db, `Flag '${key}' (or another definition in environment '${envKey}')`, [envVersionIs(env), ...ended.conditions], [
    ...ended.statements,
    db.insert(flagConfigs).values(row).onConflictDoUpdate({ target: [flagConfigs.flagId, flagConfigs.environmentId], set: { ...config, updatedAt: now } }),
    bumpVersions(db, [env.id]),
    auditInsert(db, { actor, action: 'flag.configure', projectId: project.id, environmentId: env.id, resource: `projects/${project.key}/environments/${envKey}/flags/${key}`, before: was, after: config, revertOf }, now),
  ]);
  state.configs.get(env.id)!.set(flag.id, row);
  return { view: flagView(flag, state), served: servedView(flag, state, now), affected: [...new Set([env.id, ...settled])] };
}
