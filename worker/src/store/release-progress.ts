// The true history of running releases: scheduled starts, each step and the end of the plan, recorded in the
// audit log at the time they happened, whether or not anyone was looking; and, at the end, the release's outcome
// written into its flags (release-end.ts). The edge needs none of it to serve the plan.
import { and, eq, inArray, sql } from 'drizzle-orm';
import { releasePosition } from '../engine';
import { auditInsert, SCHEDULER } from './audit';
import type { Db, ReleaseRow } from './db';
import { loadProjectState, type ProjectState } from './flag-set';
import { bumpVersion, configStatements, endedConfigs, withConfigs } from './release-end';
import { releaseDefinition } from './release-definition';
import { stepStarts } from './release-steps';
import { releaseResource } from './releases';
import { environments, projects, releases } from './schema';
import { commitWrite, envVersionIs, releaseRevisionIs, retryStale } from './write-conditions';

export interface Advance {
  /** when to look next, or null */
  next: number | null;
  /** whether a release ended and its flags' configs changed (the environment needs publishing) */
  changed: boolean;
}

/** Records what has happened to the environment's running releases up to `now`. */
export const advanceReleases = (db: Db, environmentId: string, now: number) => retryStale(() => advanceOnce(db, environmentId, now));

async function advanceOnce(db: Db, environmentId: string, now: number): Promise<Advance> {
  const env = await db.query.environments.findFirst({ where: eq(environments.id, environmentId) });
  if (!env) return { next: null, changed: false };
  const project = (await db.query.projects.findFirst({ where: eq(projects.id, env.projectId) }))!;
  const rows = await db.select().from(releases).where(and(eq(releases.environmentId, env.id), inArray(releases.state, ['scheduled', 'rolling_out'])));
  let next: number | null = null;
  const later = (t: number | null) => {
    if (t !== null && t > now) next = next === null ? t : Math.min(next, t);
  };
  const writes = [];
  const conditions = [];
  let state: ProjectState | null = null;
  let changed = false;
  for (const row of rows) {
    const def = releaseDefinition(row);
    if (!def || row.anchorAt === null) continue;
    const r: ReleaseRow = { ...row };
    const flags = row.flags.map((f) => f.key);
    const audit = (action: string, at: number, after: unknown) =>
      writes.push(auditInsert(db, { actor: SCHEDULER, action, projectId: project.id, environmentId: env.id, resource: releaseResource(project, env, row), after, flags }, at));
    if (row.state === 'scheduled') {
      if (now < row.anchorAt) {
        later(row.anchorAt);
        continue;
      }
      r.state = 'rolling_out';
      r.startedAt = row.anchorAt;
      audit('release.started', row.anchorAt, { state: 'rolling_out', startedAt: new Date(row.anchorAt).toISOString() });
    }
    const pos = releasePosition({ ...def, state: 'rolling_out' }, now);
    if (pos.step !== null) {
      const starts = stepStarts(row);
      // each step with what a reader of the history needs: the release's name and its number of steps
      for (let s = (r.recordedStep ?? -1) + 1; s <= pos.step; s++) audit('release.step', starts[s] ?? row.anchorAt, { step: s, steps: row.steps.length, percent: row.steps[s].percent, name: row.name });
      r.recordedStep = pos.step;
    }
    if (pos.completeAt !== null && now >= pos.completeAt) {
      r.state = 'released';
      r.endedAt = pos.completeAt;
      audit('release.released', pos.completeAt, { state: 'released', percent: 100 });
      // the outcome into the flags, from the state as read (the environment's version condition guards it)
      state ??= await loadProjectState(db, project.id);
      const changes = endedConfigs(state, row, 'released', now);
      if (changes.length) {
        writes.push(...configStatements(db, SCHEDULER, project, env, changes, pos.completeAt, { release: row.key, action: 'released' }));
        state = withConfigs(state, env.id, changes, now);
        changed = true;
      }
    } else {
      later(pos.nextStepAt);
      later(pos.completeAt);
    }
    if (r.state !== row.state || r.recordedStep !== row.recordedStep) {
      // as read, or nothing is recorded: a person's action in between (pause, kill) is not overwritten, nor a step logged twice
      conditions.push(releaseRevisionIs(row));
      writes.push(db.update(releases).set({ state: r.state, startedAt: r.startedAt, recordedStep: r.recordedStep, endedAt: r.endedAt, revision: sql`${releases.revision} + 1` }).where(eq(releases.id, row.id)));
    }
  }
  if (changed) {
    conditions.push(envVersionIs(state!.environments.find((e) => e.id === env.id) ?? env));
    writes.push(bumpVersion(db, env.id));
  }
  if (writes.length) await commitWrite(db, `The releases of environment '${env.key}'`, conditions, writes);
  return { next, changed };
}
