// The dormant-code guard: no switching on or releasing a flag that no recorded deployment of the environment uses.
import { eq, sql } from 'drizzle-orm';
import { ApiError } from '../errors';
import type { Db, EnvironmentRow } from './db';
import { deployments } from './schema';

/**
 * Refuses with 409 DORMANT_CODE when any of `flagKeys` is used by no recorded deployment of the environment,
 * unless the caller confirmed (`force`). Applies once the environment has a deployment and its guard is on,
 * so a team that never records deployments never meets it.
 */
export async function assertDeployed(db: Db, env: EnvironmentRow, flagKeys: string[], force: boolean, doing: string) {
  if (force) return;
  const dormant = await dormantFlags(db, env, flagKeys);
  if (dormant.length === 0) return;
  const list = dormant.map((k) => `'${k}'`).join(', ');
  throw new ApiError(
    'DORMANT_CODE',
    `No recorded deployment in environment '${env.key}' uses ${list}: ${doing} would serve code that is not deployed there. Record a deployment that uses it, or repeat with ?force=true to go ahead.`,
    undefined,
    { flags: dormant },
  );
}

/** Flag keys some recorded deployment of the environment uses, with the newest deployment that named each. */
export async function deployedFlags(db: Db, env: EnvironmentRow): Promise<Map<string, { at: number; version: string }>> {
  const rows = await db.all<{ key: string; at: number; version: string }>(
    sql`SELECT j.value AS key, d.at AS at, d.version AS version FROM ${deployments} d, json_each(d.flags) j WHERE d.environment_id = ${env.id} ORDER BY d.at ASC`,
  );
  const out = new Map<string, { at: number; version: string }>();
  for (const r of rows) out.set(r.key, { at: r.at, version: r.version });
  return out;
}

/** Of `flagKeys`, those the guard would refuse in the environment (none when it does not apply there). */
export async function dormantFlags(db: Db, env: EnvironmentRow, flagKeys: string[]): Promise<string[]> {
  if (!env.dormantGuard || flagKeys.length === 0) return [];
  const [{ n }] = await db.select({ n: sql<number>`count(*)` }).from(deployments).where(eq(deployments.environmentId, env.id));
  if (n === 0) return [];
  const deployed = await deployedFlags(db, env);
  return flagKeys.filter((k) => !deployed.has(k));
}
