// Release writes: edits before the start, and the actions (start, pause, resume, rollback, kill), each one audited
// batch. Ending a release (rollback, kill) writes its outcome into its flags in the same batch (release-end.ts).
import { eq } from 'drizzle-orm';
import { ApiError } from '../errors';
import { auditInsert, type AuditActor } from './audit';
import type { Db, EnvironmentRow, ProjectRow, ReleaseRow } from './db';
import { assertDeployed } from './dormant-guard';
import { effectiveConfig, scheduleView, type ProjectState } from './flag-set';
import { flagPath } from './definition-checks';
import { assertValid } from './definition-checks';
import { bumpVersion, configStatements, endedConfigs, withConfigs, type ConfigChange, type Ending } from './release-end';
import { changesWhatReleaseOwns, decidesEveryone, names, owningRelease, releaseOwnsFlag } from './release-ownership';
import { settledState } from './settle';
import { assertNotStarted, currentState, getRelease, releaseResource, releaseView, resolveFlags, normalizeGuardrail, type ReleaseInput } from './releases';
import { releases } from './schema';
import { assertIfMatch, commitWrite, entityTag, envVersionIs, releaseRevisionIs } from './write-conditions';
import { assertNothingTakenAway } from './release-start';

export type ReleaseAction = 'start' | 'pause' | 'resume' | 'rollback' | 'kill';

export interface Commit {
  db: Db;
  actor: AuditActor;
  project: ProjectRow;
  env: EnvironmentRow;
  now: number;
}

export interface ActionOptions {
  /** go ahead past the dormant-code guard */
  force?: boolean;
  /** start even though users who have the inside variant now would lose it (409 TAKES_FEATURE_AWAY otherwise) */
  acknowledgeLoss?: boolean;
  /** recorded with the action (a guardrail reading, an alert, the flag change made with it) */
  cause?: unknown;
  ifMatch?: string;
}

/** A release's current version for If-Match and ETag: its row's revision (people's edits and the scheduler's records alike). */
export async function releaseTag(row: ReleaseRow) {
  return entityTag({ release: row.id, revision: row.revision });
}

async function assertReleaseMatches(ifMatch: string | undefined, row: ReleaseRow, now: number) {
  if (ifMatch !== undefined) assertIfMatch(ifMatch, { etag: await releaseTag(row), view: releaseView(row, now) }, `Release '${row.key}'`);
}

/** The state with `after` in place of `before` (drafts are not part of what the edge evaluates). */
const withRelease = (state: ProjectState, before: ReleaseRow | null, after: ReleaseRow | null): ProjectState => {
  const others = state.releases.filter((r) => r.id !== (after ?? before)!.id);
  return { ...state, releases: after && after.state !== 'draft' ? [...others, after] : others };
};

/** The parts of one release change: to commit alone, or inside another write's batch (a flag change made with it). */
export interface ReleaseChange {
  before: ReleaseRow | null;
  after: ReleaseRow | null;
  action: string;
  configs: ConfigChange[];
  cause?: unknown;
}

/** The state after `change`, the paths it rewrites (checked strictly) and whether the edge sees it. */
export function applyReleaseChange(c: Commit, state: ProjectState, change: ReleaseChange) {
  const next = withConfigs(withRelease(state, change.before, change.after), c.env.id, change.configs, c.now);
  const row = (change.after ?? change.before)!;
  const visible = (change.before && change.before.state !== 'draft') || (change.after && change.after.state !== 'draft') || change.configs.length > 0;
  const changed = [`/releases/${row.key}`, ...change.configs.map((x) => flagPath(x.flag.key))];
  return { next, visible: !!visible, changed };
}

/** The statements of `change` (without the environment's version bump and condition, which the caller adds once). */
export function releaseStatements(c: Commit, change: ReleaseChange) {
  const { db, actor, project, env, now } = c;
  const { before, after } = change;
  const row = (after ?? before)!;
  if (before && after) after.revision = before.revision + 1;
  const flags = row.flags.map((f) => f.key);
  // the flag changes a release makes name it and the action: start (switched on), rollback, kill (or released, by the clock)
  const cause = { release: row.key, action: change.action };
  return [
    after ? db.insert(releases).values(after).onConflictDoUpdate({ target: releases.id, set: { ...after } }) : db.delete(releases).where(eq(releases.id, row.id)),
    auditInsert(db, { actor, action: `release.${change.action}`, projectId: project.id, environmentId: env.id, resource: releaseResource(project, env, row), before: before ? releaseView(before, now) : null, after: after ? { ...releaseView(after, now), ...(change.cause ? { cause: change.cause } : {}) } : null, flags }, now),
    ...configStatements(db, actor, project, env, change.configs, now, cause),
  ];
}

const row0 = (change: ReleaseChange) => (change.after ?? change.before)!;

/** One batch: the release change, its flags' configs, the version bump when the edge sees it, and the audit entries. */
async function commit(c: Commit, state: ProjectState, change: ReleaseChange, settled: string[] = []) {
  const { next, visible, changed } = applyReleaseChange(c, state, change);
  const envNow = next.environments.find((e) => e.id === c.env.id)!;
  // strict for what the release rewrites; older warnings (flags imported from flagd) do not block it
  // the scheduled changes that can depend on the release's change are its flags'
  if (visible) assertValid(next, envNow, undefined, changed, new Set([...row0(change).flags.map((f) => f.key)]));
  const row = (change.after ?? change.before)!;
  // as read: the row (racing actions, the scheduler's records) and, when the edge sees the change, all it evaluates
  const conditions = [...(change.before ? [releaseRevisionIs(change.before)] : []), ...(visible ? [envVersionIs(envNow)] : [])];
  await commitWrite(c.db, `Release '${row.key}' (or a definition it was checked with)`, conditions, [...releaseStatements(c, change), ...(visible ? [bumpVersion(c.db, c.env.id)] : [])]);
  const affected = [...new Set([...(visible ? [c.env.id] : []), ...settled])];
  return { view: change.after ? releaseView(change.after, c.now) : null, row: change.after, affected };
}

export async function updateRelease(c: Commit, key: string, patch: Partial<Omit<ReleaseInput, 'key'>>, ifMatch?: string) {
  const before = await getRelease(c.db, c.env, key);
  await assertReleaseMatches(ifMatch, before, c.now);
  assertNotStarted(before, c.now, 'edited');
  const { state, settled } = await settledState(c.db, c.project.id, c.now);
  const after: ReleaseRow = { ...before, updatedAt: c.now };
  if (patch.name !== undefined) after.name = patch.name;
  if (patch.owner !== undefined) after.owner = patch.owner;
  if (patch.notes !== undefined) after.notes = patch.notes;
  if (patch.bucketBy !== undefined) after.bucketBy = patch.bucketBy;
  if (patch.plan !== undefined) after.steps = patch.plan.steps;
  if (patch.guardrails !== undefined) after.guardrails = patch.guardrails.map(normalizeGuardrail);
  if (patch.flags !== undefined || patch.variants !== undefined) {
    const keys = patch.flags ?? before.flags.map((f) => f.key);
    const kept = Object.fromEntries(before.flags.filter((f) => keys.includes(f.key)).map((f) => [f.key, { inside: f.inside, outside: f.outside }]));
    after.flags = resolveFlags(state, keys, { ...kept, ...patch.variants });
    if (before.state === 'scheduled') assertFlagsFree(c, state, after);
  }
  if (patch.startAt !== undefined) {
    const at = patch.startAt === null ? null : Date.parse(patch.startAt);
    if (before.state === 'scheduled' && (at === null || at <= c.now)) {
      throw new ApiError('VALIDATION_FAILED', 'A scheduled release needs a start in the future; to start it now, delete the schedule and start it', [{ path: '/startAt', message: 'must be in the future' }]);
    }
    after.startAt = at;
    if (before.state === 'scheduled') after.anchorAt = at;
  }
  return commit(c, state, { before, after, action: 'update', configs: [] }, settled);
}

export async function deleteRelease(c: Commit, key: string, ifMatch?: string) {
  const before = await getRelease(c.db, c.env, key);
  await assertReleaseMatches(ifMatch, before, c.now);
  assertNotStarted(before, c.now, 'deleted');
  const { state, settled } = await settledState(c.db, c.project.id, c.now);
  return commit(c, state, { before, after: null, action: 'delete', configs: [] }, settled);
}

const refuse = (row: ReleaseRow, state: string, action: ReleaseAction) =>
  new ApiError('INVALID_STATE', `Release '${row.key}' is ${state.replace('_', ' ')}: it cannot ${action === 'start' ? 'be started again' : action} now`);

/**
 * A release about to own its flags: none may be archived or owned by another release, and none may have a scheduled
 * change of its switch or default variant pending in the environment (it would change what the release serves).
 */
function assertFlagsFree(c: Commit, state: ProjectState, row: ReleaseRow) {
  for (const entry of row.flags) {
    const flag = state.flags.find((f) => names(entry, f));
    if (!flag) continue;
    if (flag.archived) throw new ApiError('CONFLICT', `Flag '${flag.key}' is archived: unarchive it before releasing it`);
    const owner = owningRelease(state, c.env.id, flag, c.now);
    if (owner && owner.id !== row.id) throw releaseOwnsFlag(owner, flag.key, c.env.key, `releasing it in '${row.key}'`, c.now);
    const pending = state.schedules.find((s) => s.flagId === flag.id && s.environmentId === c.env.id && changesWhatReleaseOwns(s.change));
    if (pending) {
      throw new ApiError(
        'CONFLICT',
        `Flag '${flag.key}' has a change scheduled for ${new Date(pending.at).toISOString()} in '${c.env.key}' that sets its switch, default variant or rules for every user: it would change what release '${row.key}' serves. Cancel the scheduled change first (DELETE …/flags/${flag.key}/schedule/${pending.id}).`,
        undefined,
        { flag: flag.key, schedule: scheduleView(pending) },
      );
    }
    if (decidesEveryone(effectiveConfig(flag, state.configs.get(c.env.id)?.get(flag.id)).targeting)) {
      throw new ApiError(
        'CONFLICT',
        `The rules of flag '${flag.key}' in '${c.env.key}' decide for every user (they end in a variant or a split), so release '${row.key}' would decide for nobody. Make their last "else" null (the default) first.`,
        undefined,
        { flag: flag.key },
      );
    }
  }
}

/** The release as it ends with `ending` at `now`, and what that writes into its flags. */
export function ending(state: ProjectState, before: ReleaseRow, ending: Ending, now: number): { after: ReleaseRow; configs: ConfigChange[] } {
  const current = currentState(before, now);
  const after: ReleaseRow = { ...before, state: 'rolled_back', updatedAt: now, pausedAt: null, pauses: closePause(before.pauses, now) };
  if (ending === 'killed') after.killed = true;
  after.endedAt = current === 'rolled_back' ? before.endedAt : now;
  return { after, configs: endedConfigs(state, before, ending, now) };
}

const closePause = (pauses: ReleaseRow['pauses'], now: number) => pauses.map((p) => (p.to === null ? { ...p, to: now } : p));

/** Applies an action; `cause` is recorded with it (a guardrail reading, an alert). */
export async function releaseAction(c: Commit, key: string, action: ReleaseAction, opts: ActionOptions = {}) {
  const before = await getRelease(c.db, c.env, key);
  await assertReleaseMatches(opts.ifMatch, before, c.now);
  const { state: project, settled } = await settledState(c.db, c.project.id, c.now);
  const row = project.releases.find((r) => r.id === before.id) ?? before;
  const state = currentState(row, c.now);
  const after: ReleaseRow = { ...row, state, updatedAt: c.now };
  let configs: ConfigChange[] = [];
  const flagKeys = row.flags.map((f) => f.key);
  switch (action) {
    case 'start': {
      if (state !== 'draft') throw refuse(row, state, action);
      await assertDeployed(c.db, c.env, flagKeys, !!opts.force, `starting release '${key}'`);
      assertFlagsFree(c, project, row);
      after.anchorAt = row.startAt !== null && row.startAt > c.now ? row.startAt : c.now;
      after.state = after.anchorAt > c.now ? 'scheduled' : 'rolling_out';
      after.startedAt = after.state === 'rolling_out' ? c.now : null;
      after.recordedStep = after.state === 'rolling_out' ? 0 : null;
      after.pauses = [];
      if (!opts.acknowledgeLoss) assertNothingTakenAway(project, c.env, after, c.now);
      // the release decides who sees the flag: the flag itself must be on in this environment
      configs = project.flags
        .filter((f) => row.flags.some((e) => names(e, f)))
        .map((f) => ({ flag: f, before: effectiveConfig(f, project.configs.get(c.env.id)?.get(f.id)) }))
        .filter((x) => x.before.state !== 'ENABLED')
        .map((x) => ({ ...x, after: { ...x.before, state: 'ENABLED' as const } }));
      break;
    }
    case 'pause':
      if (state !== 'rolling_out') throw refuse(row, state, action);
      after.state = 'paused';
      after.pausedAt = c.now;
      after.pauses = [...row.pauses, { from: c.now, to: null }];
      break;
    case 'resume':
      if (state !== 'paused') throw refuse(row, state, action);
      await assertDeployed(c.db, c.env, flagKeys, !!opts.force, `resuming release '${key}'`);
      // the plan continues where it stood: its anchor moves on by the time spent paused; the steps taken keep their times
      after.anchorAt = (row.anchorAt ?? c.now) + (c.now - (row.pausedAt ?? c.now));
      after.pausedAt = null;
      after.pauses = closePause(row.pauses, c.now);
      after.state = 'rolling_out';
      break;
    case 'rollback': {
      if (state === 'draft' || state === 'rolled_back') throw refuse(row, state, action);
      const ended = ending(project, row, 'rolled_back', c.now);
      Object.assign(after, ended.after);
      configs = ended.configs;
      break;
    }
    case 'kill': {
      if (state === 'draft') throw refuse(row, state, action);
      if (row.killed) return { view: releaseView(row, c.now), row, affected: settled };
      const ended = ending(project, row, 'killed', c.now);
      Object.assign(after, ended.after);
      configs = ended.configs;
      break;
    }
  }
  return commit(c, project, { before: row, after, action, configs, cause: opts.cause }, settled);
}

/**
 * Ends `owners` (releases that own flags a write changes) with `action`, inside that write's batch: the state the
 * write then computes from, and the statements and conditions to put in its batch. Each end is audited as such,
 * with `cause` naming the change it was made with.
 */
export function endWithin(c: Omit<Commit, 'env'>, state: ProjectState, owners: ReleaseRow[], action: 'rollback' | 'kill', cause: unknown) {
  const statements = [];
  const conditions = [];
  for (const owner of owners) {
    const env = state.environments.find((e) => e.id === owner.environmentId)!;
    const ended = ending(state, owner, action === 'kill' ? 'killed' : 'rolled_back', c.now);
    const change: ReleaseChange = { before: owner, after: ended.after, action, configs: ended.configs, cause };
    state = applyReleaseChange({ ...c, env }, state, change).next;
    statements.push(...releaseStatements({ ...c, env }, change));
    conditions.push(releaseRevisionIs(owner));
  }
  return { state, statements, conditions };
}
