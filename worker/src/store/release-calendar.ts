// The release calendar: past and upcoming releases of an environment or a whole project within a date range, with
// their states and each step's start computed from the plan.
import { and, eq, isNotNull, or } from 'drizzle-orm';
import type { Db, EnvironmentRow } from './db';
import { releases } from './schema';
import { overlaps, releaseTimeline } from './release-timeline';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * Releases of `envs` (all of one project, or one) whose span meets [from, to]: started or scheduled ones, and drafts
 * with a planned start. Ordered by start, then environment and key.
 */
export async function releaseCalendar(db: Db, projectId: string, envs: EnvironmentRow[], range: { from: number; to: number }, now: number) {
  const envKey = new Map(envs.map((e) => [e.id, e.key]));
  const rows = await db
    .select()
    .from(releases)
    .where(and(eq(releases.projectId, projectId), or(isNotNull(releases.anchorAt), isNotNull(releases.startAt))));
  const entries = [];
  for (const row of rows) {
    const environment = envKey.get(row.environmentId);
    if (environment === undefined) continue;
    const t = releaseTimeline(row, now);
    if (!overlaps(t, range.from, range.to)) continue;
    entries.push({
      environment,
      key: row.key,
      name: row.name,
      owner: row.owner,
      state: t.state,
      killed: row.killed,
      flags: row.flags.map((f) => f.key),
      startAt: iso(t.startAt),
      pausedAt: iso(t.pausedAt),
      endAt: iso(t.endAt),
      steps: t.steps.map((s) => ({ step: s.step, percent: s.percent, startsAt: iso(s.startsAt) })),
    });
  }
  return entries.sort((a, b) => (a.startAt! < b.startAt! ? -1 : a.startAt! > b.startAt! ? 1 : 0) || a.environment.localeCompare(b.environment) || a.key.localeCompare(b.key));
}
