// Release writes: edits before the start, and the actions (start, pause, resume, rollback, kill), each one audited batch.
import { eq, sql } from 'drizzle-orm';
import { ApiError } from '../errors';
import { auditInsert, type AuditActor } from './audit';
import type { Db, EnvironmentRow, FlagConfigRow, ProjectRow, ReleaseRow } from './db';
import { assertDeployed } from './dormant-guard';
import { effectiveConfig, loadProjectState, type ProjectState } from './flag-set';
import { flagPath } from './definition-checks';
import { assertValid } from './flags';
import { assertNotStarted, currentState, getRelease, releaseResource, releaseView, resolveFlags, type ReleaseInput } from './releases';
import { environments, flagConfigs, releases } from './schema';
import { assertIfMatch, commitWrite, entityTag, envVersionIs, releaseRevisionIs } from './write-conditions';

export type ReleaseAction = 'start' | 'pause' | 'resume' | 'rollback' | 'kill';

interface Commit {
  db: Db;
  actor: AuditActor;
  project: ProjectRow;
  env: EnvironmentRow;
  now: number;
}

/** A release's current version for If-Match and ETag: its row's revision (people's edits and the scheduler's records alike). */
export async function releaseTag(row: ReleaseRow) {
  return entityTag({ release: row.id, revision: row.revision });
}

async function assertReleaseMatches(ifMatch: string | undefined, row: ReleaseRow, now: number) {
  if (ifMatch !== undefined) assertIfMatch(ifMatch, { etag: await releaseTag(row), view: releaseView(row, now) }, `Release '${row.key}'`);
}

/** One batch: the release row, any flag configs, the version bump when the edge sees a change, and the audit entries. */
async function commit(c: Commit, action: string, before: ReleaseRow | null, after: ReleaseRow | null, state: ProjectState, configs: FlagConfigRow[] = [], detail?: unknown) {
  const { db, actor, project, env, now } = c;
  const others = state.releases.filter((r) => r.id !== (after ?? before)!.id);
  const next: ProjectState = { ...state, releases: after && after.state !== 'draft' ? [...others, after] : others };
  if (configs.length) {
    next.configs = new Map(state.configs);
    const m = new Map(state.configs.get(env.id));
    for (const row of configs) m.set(row.flagId, row);
    next.configs.set(env.id, m);
  }
  const envNow = next.environments.find((e) => e.id === env.id)!;
  const visible = (before && before.state !== 'draft') || (after && after.state !== 'draft') || configs.length > 0;
  // strict for what the release rewrites; older warnings (flags imported from flagd) do not block it
  if (visible) assertValid(next, envNow, undefined, [`/releases/${(after ?? before)!.key}`, ...configs.map((c) => flagPath(state.flags.find((f) => f.id === c.flagId)!.key, 'state'))]);
  const row = (after ?? before)!;
  const resource = releaseResource(project, env, row);
  if (before && after) after.revision = before.revision + 1;
  // as read: the row (racing actions, the scheduler's records) and, when the edge sees the change, all it evaluates
  const conditions = [...(before ? [releaseRevisionIs(before)] : []), ...(visible ? [envVersionIs(envNow)] : [])];
  await commitWrite(db, `Release '${row.key}' (or a definition it was checked with)`, conditions, [
    after ? db.insert(releases).values(after).onConflictDoUpdate({ target: releases.id, set: { ...after } }) : db.delete(releases).where(eq(releases.id, row.id)),
    ...configs.map((cfg) => db.insert(flagConfigs).values(cfg).onConflictDoUpdate({ target: [flagConfigs.flagId, flagConfigs.environmentId], set: { state: cfg.state, updatedAt: now } })),
    ...(visible ? [db.update(environments).set({ version: sql`${environments.version} + 1` }).where(eq(environments.id, env.id))] : []),
    auditInsert(db, { actor, action: `release.${action}`, projectId: project.id, environmentId: env.id, resource, before: before ? releaseView(before, now) : null, after: after ? { ...releaseView(after, now), ...(detail ? { cause: detail } : {}) } : null }, now),
    ...configs.map((cfg) => {
      const flag = state.flags.find((f) => f.id === cfg.flagId)!;
      const was = effectiveConfig(flag, state.configs.get(env.id)?.get(flag.id));
      return auditInsert(db, { actor, action: 'flag.configure', projectId: project.id, environmentId: env.id, resource: `projects/${project.key}/environments/${env.key}/flags/${flag.key}`, before: was, after: { ...was, state: cfg.state } }, now);
    }),
  ]);
  return { view: after ? releaseView(after, now) : null, row: after, affected: visible ? [env.id] : [] };
}

export async function updateRelease(c: Commit, key: string, patch: Partial<Omit<ReleaseInput, 'key'>>, ifMatch?: string) {
  const before = await getRelease(c.db, c.env, key);
  await assertReleaseMatches(ifMatch, before, c.now);
  assertNotStarted(before, c.now, 'edited');
  const state = await loadProjectState(c.db, c.project.id);
  const after: ReleaseRow = { ...before, updatedAt: c.now };
  if (patch.name !== undefined) after.name = patch.name;
  if (patch.owner !== undefined) after.owner = patch.owner;
  if (patch.notes !== undefined) after.notes = patch.notes;
  if (patch.bucketBy !== undefined) after.bucketBy = patch.bucketBy;
  if (patch.plan !== undefined) after.steps = patch.plan.steps;
  if (patch.guardrails !== undefined) after.guardrails = patch.guardrails.map((g) => ({ ...g, minSamples: g.minSamples ?? 1 }));
  if (patch.flags !== undefined || patch.variants !== undefined) {
    const keys = patch.flags ?? before.flags.map((f) => f.key);
    const kept = Object.fromEntries(before.flags.filter((f) => keys.includes(f.key)).map((f) => [f.key, { inside: f.inside, outside: f.outside }]));
    after.flags = resolveFlags(state, keys, { ...kept, ...patch.variants });
  }
  if (patch.startAt !== undefined) {
    const at = patch.startAt === null ? null : Date.parse(patch.startAt);
    if (before.state === 'scheduled' && (at === null || at <= c.now)) {
      throw new ApiError('VALIDATION_FAILED', 'A scheduled release needs a start in the future; to start it now, delete the schedule and start it', [{ path: '/startAt', message: 'must be in the future' }]);
    }
    after.startAt = at;
    if (before.state === 'scheduled') after.anchorAt = at;
  }
  return commit(c, 'update', before, after, state);
}

export async function deleteRelease(c: Commit, key: string, ifMatch?: string) {
  const before = await getRelease(c.db, c.env, key);
  await assertReleaseMatches(ifMatch, before, c.now);
  assertNotStarted(before, c.now, 'deleted');
  return commit(c, 'delete', before, null, await loadProjectState(c.db, c.project.id));
}

const refuse = (row: ReleaseRow, state: string, action: ReleaseAction) =>
  new ApiError('INVALID_STATE', `Release '${row.key}' is ${state.replace('_', ' ')}: it cannot ${action === 'start' ? 'be started again' : action} now`);

/** Applies an action; `cause` is recorded with it (a guardrail reading, an alert). */
export async function releaseAction(c: Commit, key: string, action: ReleaseAction, opts: { force?: boolean; cause?: unknown; ifMatch?: string } = {}) {
  const before = await getRelease(c.db, c.env, key);
  await assertReleaseMatches(opts.ifMatch, before, c.now);
  const state = currentState(before, c.now);
  const after: ReleaseRow = { ...before, state, updatedAt: c.now };
  const project = await loadProjectState(c.db, c.project.id);
  let configs: FlagConfigRow[] = [];
  const flagKeys = before.flags.map((f) => f.key);
  switch (action) {
    case 'start': {
      if (state !== 'draft') throw refuse(before, state, action);
      await assertDeployed(c.db, c.env, flagKeys, !!opts.force, `starting release '${key}'`);
      const archived = project.flags.filter((f) => flagKeys.includes(f.key) && f.archived);
      if (archived.length) throw new ApiError('CONFLICT', `${archived.map((f) => `'${f.key}'`).join(', ')} ${archived.length > 1 ? 'are' : 'is'} archived: unarchive it before releasing it`);
      const busy = project.releases.find((r) => r.environmentId === c.env.id && r.id !== before.id && ['scheduled', 'rolling_out', 'paused'].includes(currentState(r, c.now)) && r.flags.some((f) => flagKeys.includes(f.key)));
      if (busy) throw new ApiError('CONFLICT', `Release '${busy.key}' is still running for ${busy.flags.filter((f) => flagKeys.includes(f.key)).map((f) => `'${f.key}'`).join(', ')}: finish, roll back or kill it first`);
      after.anchorAt = before.startAt !== null && before.startAt > c.now ? before.startAt : c.now;
      after.state = after.anchorAt > c.now ? 'scheduled' : 'rolling_out';
      after.startedAt = after.state === 'rolling_out' ? c.now : null;
      after.recordedStep = after.state === 'rolling_out' ? 0 : null;
      // the release decides who sees the flag: the flag itself must be on in this environment
      configs = project.flags
        .filter((f) => flagKeys.includes(f.key) && effectiveConfig(f, project.configs.get(c.env.id)?.get(f.id)).state !== 'ENABLED')
        .map((f) => ({ flagId: f.id, environmentId: c.env.id, ...effectiveConfig(f, project.configs.get(c.env.id)?.get(f.id)), state: 'ENABLED' as const, updatedAt: c.now }));
      break;
    }
    case 'pause':
      if (state !== 'rolling_out') throw refuse(before, state, action);
      after.state = 'paused';
      after.pausedAt = c.now;
      break;
    case 'resume':
      if (state !== 'paused') throw refuse(before, state, action);
      await assertDeployed(c.db, c.env, flagKeys, !!opts.force, `resuming release '${key}'`);
      // the plan continues where it stood: its anchor moves on by the time spent paused
      after.anchorAt = (before.anchorAt ?? c.now) + (c.now - (before.pausedAt ?? c.now));
      after.pausedAt = null;
      after.state = 'rolling_out';
      break;
    case 'rollback':
      if (state === 'draft' || state === 'rolled_back') throw refuse(before, state, action);
      after.state = 'rolled_back';
      after.endedAt = c.now;
      break;
    case 'kill':
      if (state === 'draft') throw refuse(before, state, action);
      if (before.killed) return { view: releaseView(before, c.now), row: before, affected: [] };
      after.state = 'rolled_back';
      after.killed = true;
      after.endedAt = before.state === 'rolled_back' ? before.endedAt : c.now;
      break;
  }
  return commit(c, action, before, after, project, configs, opts.cause);
}
