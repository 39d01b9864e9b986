// What a held write changes, as it stands now (a change request's base): read as the edge serves it, so that a change
// recorded by the clock or made by a write is seen, and compared by tag when the request is applied.
import { and, eq } from 'drizzle-orm';
import type { Db, EnvironmentRow, ProjectRow } from './db';
import { effectiveConfig, loadProjectState, scheduleView, type ProjectState } from './flag-set';
import { exportEnvironment } from './flagd-import';
import { currentState } from './release-state';
import { effectiveState } from './settle';
import { releases } from './schema';

export const servedState = async (db: Db, project: ProjectRow, now: number) => effectiveState(await loadProjectState(db, project.id), now);

/** A flag's definition and, with `envKey`, its config and pending changes there (null: no such flag). */
export function flagTarget(state: ProjectState, flagKey: string, envKey?: string) {
  const flag = state.flags.find((f) => f.key === flagKey);
  if (!flag) return null;
  const definition = { id: flag.id, type: flag.type, variants: flag.variants, archived: flag.archived, clientVisible: flag.clientVisible, metadata: flag.metadata };
  const envs = envKey === undefined ? state.environments : state.environments.filter((e) => e.key === envKey);
  const environments = Object.fromEntries(
    envs.map((env) => [
      env.key,
      {
        ...effectiveConfig(flag, state.configs.get(env.id)?.get(flag.id)),
        schedule: state.schedules.filter((s) => s.flagId === flag.id && s.environmentId === env.id).map(scheduleView),
      },
    ]),
  );
  // a flag-level write also names its description and tags; a write in one environment does not depend on them
  return { flag: envKey === undefined ? { ...definition, description: flag.description, tags: flag.tags } : definition, environments };
}

/** A release as people edit and start it, and the configs of its flags there (what a start reads); null: none. */
export async function releaseTarget(db: Db, state: ProjectState, env: EnvironmentRow, key: string, now: number) {
  const row = await db.query.releases.findFirst({ where: and(eq(releases.environmentId, env.id), eq(releases.key, key)) });
  if (!row) return null;
  const release = { id: row.id, name: row.name, owner: row.owner, notes: row.notes, bucketBy: row.bucketBy, flags: row.flags, steps: row.steps, guardrails: row.guardrails, startAt: row.startAt, state: currentState(row, now), killed: row.killed, pausedAt: row.pausedAt };
  const flags = Object.fromEntries(row.flags.map((f) => [f.key, flagTarget(state, f.key, env.key)]));
  return { release, flags };
}

/** The environment as a flagd file (what an import replaces). */
export const fileTarget = (state: ProjectState, env: EnvironmentRow) => exportEnvironment(state, env);
