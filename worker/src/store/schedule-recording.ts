// The release clock's record of scheduled changes: once due (the edge has applied them since their time), each is
// written into its flag's config, audited at its time by the scheduler.
import { and, eq, inArray, lte, sql } from 'drizzle-orm';
import { auditInsert, SCHEDULER } from './audit';
import type { Db } from './db';
import { configAfter, effectiveConfig, loadProjectState, scheduleView, type EnvConfig } from './flag-set';
import { environments, flagConfigs, flagSchedules, projects } from './schema';
import { commitWrite, envVersionIs, retryStale } from './write-conditions';

/**
 * Records the environment's due changes into the flags' configs (the edge has applied them since their time),
 * audited at their time by the scheduler. Answers whether anything changed and when the next change is due.
 */
export const applyDueChanges = (db: Db, environmentId: string, now: number) => retryStale(() => applyDueOnce(db, environmentId, now));

async function applyDueOnce(db: Db, environmentId: string, now: number): Promise<{ applied: number; next: number | null }> {
  const env = await db.query.environments.findFirst({ where: eq(environments.id, environmentId) });
  if (!env) return { applied: 0, next: null };
  const rows = await db.select().from(flagSchedules).where(eq(flagSchedules.environmentId, env.id)).orderBy(flagSchedules.at);
  const due = rows.filter((r) => r.at <= now);
  const next = rows.find((r) => r.at > now)?.at ?? null;
  if (due.length === 0) return { applied: 0, next };
  const project = (await db.query.projects.findFirst({ where: eq(projects.id, env.projectId) }))!;
  const state = await loadProjectState(db, project.id);
  const configs = new Map<string, EnvConfig>();
  const writes = [];
  for (const row of due) {
    const flag = state.flags.find((f) => f.id === row.flagId);
    if (!flag) continue;
    const before = configs.get(flag.id) ?? effectiveConfig(flag, state.configs.get(env.id)?.get(flag.id));
    const after = configAfter(before, row.change);
    configs.set(flag.id, after);
    writes.push(auditInsert(db, { actor: SCHEDULER, action: 'flag.configure', projectId: project.id, environmentId: env.id, resource: `projects/${project.key}/environments/${env.key}/flags/${flag.key}`, before, after: { ...after, scheduled: scheduleView(row) } }, row.at));
  }
  // configs are written whole, from the state read: a person's edit in between must not be overwritten
  const read = state.environments.find((e) => e.id === env.id) ?? env;
  await commitWrite(db, `Environment '${env.key}'`, [envVersionIs(read)], [
    db.update(environments).set({ version: sql`${environments.version} + 1` }).where(eq(environments.id, env.id)),
    ...[...configs].map(([flagId, config]) =>
      db.insert(flagConfigs).values({ flagId, environmentId: env.id, ...config, updatedAt: now }).onConflictDoUpdate({ target: [flagConfigs.flagId, flagConfigs.environmentId], set: { ...config, updatedAt: now } }),
    ),
    db.delete(flagSchedules).where(and(eq(flagSchedules.environmentId, env.id), lte(flagSchedules.at, now), inArray(flagSchedules.id, due.map((r) => r.id)))),
    ...writes,
  ]);
  return { applied: due.length, next };
}

