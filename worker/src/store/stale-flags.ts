// Stale flags, ready to clean up: released (its release has held 100 % for the project's staleAfterDays) or unevaluated
// (no evaluation in any environment for 30 days), and where the code still uses each (the newest deployment per environment).
import { desc, eq } from 'drizzle-orm';
import type { Db } from './db';
import { currentState, releaseView } from './releases';
import { deployments, environments, releases } from './schema';

const DAY = 24 * 60 * 60_000;
/** A flag no environment has evaluated for this long (and older than it) is unevaluated. */
export const UNEVALUATED_DAYS = 30;

export type Stale = null | { reason: 'released' | 'unevaluated'; since: string; stillInCode: string[] };

export interface StaleInputs {
  /** flag key → when its release reached 100 % (the latest such release), for flags no live release owns */
  released: Map<string, number>;
  /** flags that a release still decides (scheduled, rolling out, paused) somewhere */
  live: Set<string>;
  /** environment key → the flag keys its newest deployment uses */
  inCode: Map<string, Set<string>>;
}

export async function staleInputs(db: Db, projectId: string, now: number): Promise<StaleInputs> {
  const [rows, envs] = await Promise.all([db.query.releases.findMany({ where: eq(releases.projectId, projectId) }), db.query.environments.findMany({ where: eq(environments.projectId, projectId) })]);
  const released = new Map<string, number>();
  const live = new Set<string>();
  for (const row of rows) {
    const state = currentState(row, now);
    if (state === 'scheduled' || state === 'rolling_out' || state === 'paused') row.flags.forEach((f) => live.add(f.key));
    const at = state === 'released' && !row.killed ? releaseView(row, now).status.releasedAt : null;
    if (at) for (const f of row.flags) released.set(f.key, Math.max(released.get(f.key) ?? 0, Date.parse(at)));
  }
  const inCode = new Map<string, Set<string>>();
  await Promise.all(
    envs.map(async (env) => {
      const [newest] = await db.select({ flags: deployments.flags }).from(deployments).where(eq(deployments.environmentId, env.id)).orderBy(desc(deployments.at), desc(deployments.createdAt)).limit(1);
      inCode.set(env.key, new Set(newest?.flags ?? []));
    }),
  );
  return { released, live, inCode };
}

/** Where the code still uses a flag: the environments whose newest deployment names it. */
export const stillInCode = (inputs: StaleInputs, key: string) => [...inputs.inCode.entries()].filter(([, flags]) => flags.has(key)).map(([env]) => env).sort();

/** Whether a flag is stale, from its usage in each environment (lastEvaluatedAt), when it was made, and the project's setting. */
export function staleOf(key: string, createdAt: number, lastEvaluated: (string | null)[], inputs: StaleInputs, staleAfterDays: number, now: number): Stale {
  if (inputs.live.has(key)) return null;
  const releasedAt = inputs.released.get(key);
  if (releasedAt !== undefined && now - releasedAt >= staleAfterDays * DAY) return { reason: 'released', since: new Date(releasedAt).toISOString(), stillInCode: stillInCode(inputs, key) };
  const last = Math.max(createdAt, ...lastEvaluated.map((t) => (t ? Date.parse(t) : 0)));
  if (now - last >= UNEVALUATED_DAYS * DAY) return { reason: 'unevaluated', since: new Date(last).toISOString(), stillInCode: stillInCode(inputs, key) };
  return null;
}
