// When a release ends, what it served is written into its flags' configuration, so that the flags' own settings
// always say what users get and a later change is an ordinary flag change: released → the default variant is the
// inside one; rolled back → the outside one; killed → the outside one for everyone (the flag's rules are cleared:
// a kill overrides them; they stay in the history, one revert away).
import { sql } from 'drizzle-orm';
import { auditInsert, type AuditActor } from './audit';
import type { Db, FlagRow, ProjectRow, ReleaseRow } from './db';
import { canonical } from './canonical';
import { effectiveConfig, type EnvConfig, type ProjectState } from './flag-set';
import { names, owningRelease } from './release-ownership';
import { environments, flagConfigs } from './schema';

export type Ending = 'released' | 'rolled_back' | 'killed';

export interface ConfigChange {
  flag: FlagRow;
  before: EnvConfig;
  after: EnvConfig;
}

/**
 * Each flag of `row` whose configuration in the release's environment changes when the release ends with `ending`.
 * Flags that another release owns now (it decides them), and flags deleted since, are left alone.
 */
export function endedConfigs(state: ProjectState, row: ReleaseRow, ending: Ending, now: number): ConfigChange[] {
  const out: ConfigChange[] = [];
  for (const entry of row.flags) {
    const flag = state.flags.find((f) => names(entry, f));
    if (!flag) continue;
    const owner = owningRelease(state, row.environmentId, flag, now);
    if (owner && owner.id !== row.id) continue;
    const before = effectiveConfig(flag, state.configs.get(row.environmentId)?.get(flag.id));
    const after: EnvConfig =
      ending === 'released' ? { ...before, defaultVariant: entry.inside } : ending === 'rolled_back' ? { ...before, defaultVariant: entry.outside } : { ...before, defaultVariant: entry.outside, targeting: null };
    if (canonical(after) !== canonical(before)) out.push({ flag, before, after });
  }
  return out;
}

/** The state with `changes` applied to the environment's configs (to validate what a batch will write). */
export function withConfigs(state: ProjectState, environmentId: string, changes: ConfigChange[], now: number): ProjectState {
  if (!changes.length) return state;
  const configs = new Map(state.configs);
  const env = new Map(state.configs.get(environmentId));
  for (const c of changes) env.set(c.flag.id, { flagId: c.flag.id, environmentId, ...c.after, updatedAt: now });
  configs.set(environmentId, env);
  return { ...state, configs };
}

/** The statements that write `changes` with their audit entries, each naming the release it ended with. */
export function configStatements(db: Db, actor: AuditActor, project: ProjectRow, env: { id: string; key: string }, changes: ConfigChange[], now: number, cause: unknown) {
  return changes.flatMap(({ flag, before, after }) => [
    db
      .insert(flagConfigs)
      .values({ flagId: flag.id, environmentId: env.id, ...after, updatedAt: now })
      .onConflictDoUpdate({ target: [flagConfigs.flagId, flagConfigs.environmentId], set: { ...after, updatedAt: now } }),
    auditInsert(db, { actor, action: 'flag.configure', projectId: project.id, environmentId: env.id, resource: `projects/${project.key}/environments/${env.key}/flags/${flag.key}`, before, after: { ...after, cause } }, now),
  ]);
}

export const bumpVersion = (db: Db, environmentId: string) => db.update(environments).set({ version: sql`${environments.version} + 1` }).where(sql`${environments.id} = ${environmentId}`);
