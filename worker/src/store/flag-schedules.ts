// Scheduled one-off changes to a flag in one environment: saved with the definition (the edge applies them on
// time) and validated as each phase will be; the clock records them once due (schedule-recording.ts).
import { eq, sql } from 'drizzle-orm';
import { randomId } from '../auth/secrets';
import { ApiError, notFound } from '../errors';
import { auditInsert, type AuditActor } from './audit';
import type { Db, FlagRow, FlagScheduleRow, ProjectRow } from './db';
import { assertDeployed } from './dormant-guard';
import { scheduleView, type EnvConfig, type ProjectState } from './flag-set';
import { assertValid, flagPath } from './definition-checks';
import { getFlag } from './flags';
import { assertNotOwned, changesWhatReleaseOwns } from './release-ownership';
import { settledState } from './settle';
import { environments, flagSchedules } from './schema';
import { commitWrite, envVersionIs } from './write-conditions';

export type ScheduledChangeInput = { at: string; split?: [string, number][] } & Partial<EnvConfig>;

async function locate(db: Db, project: ProjectRow, envKey: string, flagKey: string) {
  const { state, flag } = await getFlag(db, project, flagKey);
  return located(state, flag, project, envKey);
}

function located(state: ProjectState, flag: FlagRow, project: ProjectRow, envKey: string) {
  const env = state.environments.find((e) => e.key === envKey);
  if (!env) throw notFound(`Environment '${envKey}'`);
  return { state, flag, env, resource: `projects/${project.key}/environments/${env.key}/flags/${flag.key}` };
}

export async function listSchedule(db: Db, project: ProjectRow, envKey: string, flagKey: string) {
  const { state, flag, env } = await locate(db, project, envKey, flagKey);
  return state.schedules.filter((s) => s.flagId === flag.id && s.environmentId === env.id).map(scheduleView);
}

export async function scheduleChange(db: Db, actor: AuditActor, project: ProjectRow, envKey: string, flagKey: string, input: ScheduledChangeInput, force: boolean, now: number) {
  const read = await settledState(db, project.id, now);
  const flag = read.state.flags.find((f) => f.key === flagKey);
  if (!flag) throw notFound(`Flag '${flagKey}'`);
  const { state, env, resource } = located(read.state, flag, project, envKey);
  const at = Date.parse(input.at);
  if (!(at > now)) throw new ApiError('VALIDATION_FAILED', 'Invalid input: /at must be in the future', [{ path: '/at', message: 'must be in the future' }]);
  const { at: _at, ...change } = input;
  if (Object.keys(change).length === 0) throw new ApiError('VALIDATION_FAILED', 'Invalid input: say what changes (state, defaultVariant, targeting or split)', [{ path: '', message: 'needs state, defaultVariant, targeting or split' }]);
  if (change.targeting !== undefined && change.split !== undefined) {
    throw new ApiError('VALIDATION_FAILED', 'Invalid input: a change either replaces the rules (targeting) or sets a split after them (split), not both', [{ path: '/split', message: 'cannot be given with targeting' }]);
  }
  if (change.state === 'ENABLED' && flag.archived) throw new ApiError('CONFLICT', `Flag '${flagKey}' is archived: unarchive it before scheduling it to switch on`);
  // the switch and the default variant are the release's while it runs (a scheduled change of the rules is not)
  if (changesWhatReleaseOwns(change)) assertNotOwned(state, env, flag, `scheduling a change of the switch, the default variant or rules that decide for every user of '${flagKey}'`, now);
  if (change.state === 'ENABLED') await assertDeployed(db, env, [flagKey], force, `scheduling '${flagKey}' to switch on`);
  const row: FlagScheduleRow = { id: randomId(), flagId: flag.id, environmentId: env.id, at, change, createdBy: actor.name, createdAt: now };
  // every phase the flag will go through must be valid, not only the last: the document's validation checks each one
  assertValid({ ...state, schedules: [...state.schedules, row].sort((a, b) => a.at - b.at) }, env, undefined, [flagPath(flagKey, 'schedule')], new Set([flagKey]));
  await commitWrite(db, `Flag '${flagKey}' (or another definition in environment '${envKey}')`, [envVersionIs(env)], [
    db.insert(flagSchedules).values(row),
    db.update(environments).set({ version: sql`${environments.version} + 1` }).where(eq(environments.id, env.id)),
    auditInsert(db, { actor, action: 'flag.schedule', projectId: project.id, environmentId: env.id, resource, after: scheduleView(row) }, now),
  ]);
  return { view: scheduleView(row), affected: [...new Set([env.id, ...read.settled])], environmentId: env.id };
}

export async function cancelScheduledChange(db: Db, actor: AuditActor, project: ProjectRow, envKey: string, flagKey: string, id: string, now: number) {
  const { state, flag, env, resource } = await locate(db, project, envKey, flagKey);
  const row = state.schedules.find((s) => s.id === id && s.flagId === flag.id && s.environmentId === env.id);
  if (!row) throw notFound(`Scheduled change '${id}'`);
  await commitWrite(db, `Flag '${flagKey}' (or another definition in environment '${envKey}')`, [envVersionIs(env)], [
    db.delete(flagSchedules).where(eq(flagSchedules.id, id)),
    db.update(environments).set({ version: sql`${environments.version} + 1` }).where(eq(environments.id, env.id)),
    auditInsert(db, { actor, action: 'flag.unschedule', projectId: project.id, environmentId: env.id, resource, before: scheduleView(row) }, now),
  ]);
  return { affected: [env.id] };
}
