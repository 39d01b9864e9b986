// The true history of running releases: scheduled starts, each step and the end of the plan, recorded in the
// audit log at the time they happened, whether or not anyone was looking. The edge needs none of it.
import { and, eq, inArray, sql } from 'drizzle-orm';
import { releasePosition } from '../engine';
import { auditInsert, SCHEDULER } from './audit';
import type { Db, ReleaseRow } from './db';
import { releaseDefinition } from './release-definition';
import { releaseResource } from './releases';
import { environments, projects, releases } from './schema';
import { commitWrite, releaseRevisionIs, retryStale } from './write-conditions';

/** When each step of a row's plan begins (ms), from its anchor. */
function stepStarts(row: ReleaseRow): number[] {
  const out: number[] = [];
  let t = row.anchorAt ?? 0;
  for (const s of row.steps) {
    out.push(t);
    t += s.holdMinutes * 60_000;
  }
  return out;
}

/** Records what has happened to the environment's running releases up to `now`; answers when to look next, or null. */
export const advanceReleases = (db: Db, environmentId: string, now: number) => retryStale(() => advanceOnce(db, environmentId, now));

async function advanceOnce(db: Db, environmentId: string, now: number): Promise<number | null> {
  const env = await db.query.environments.findFirst({ where: eq(environments.id, environmentId) });
  if (!env) return null;
  const project = (await db.query.projects.findFirst({ where: eq(projects.id, env.projectId) }))!;
  const rows = await db.select().from(releases).where(and(eq(releases.environmentId, env.id), inArray(releases.state, ['scheduled', 'rolling_out'])));
  let next: number | null = null;
  const later = (t: number | null) => {
    if (t !== null && t > now) next = next === null ? t : Math.min(next, t);
  };
  const writes = [];
  const conditions = [];
  for (const row of rows) {
    const def = releaseDefinition(row);
    if (!def || row.anchorAt === null) continue;
    const r: ReleaseRow = { ...row };
    const audit = (action: string, at: number, after: unknown) =>
      writes.push(auditInsert(db, { actor: SCHEDULER, action, projectId: project.id, environmentId: env.id, resource: releaseResource(project, env, row), after }, at));
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
      for (let s = (r.recordedStep ?? -1) + 1; s <= pos.step; s++) audit('release.step', starts[s], { step: s, percent: row.steps[s].percent });
      r.recordedStep = pos.step;
    }
    if (pos.completeAt !== null && now >= pos.completeAt) {
      r.state = 'released';
      r.endedAt = pos.completeAt;
      audit('release.released', pos.completeAt, { state: 'released', percent: 100 });
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
  if (writes.length) await commitWrite(db, `The releases of environment '${env.key}'`, conditions, writes);
  return next;
}
