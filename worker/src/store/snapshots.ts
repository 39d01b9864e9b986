// Builds an environment's snapshot from D1, the source of truth, right after a write commits.
import { eq } from 'drizzle-orm';
import type { Snapshot } from '../snapshot/format';
import type { Db } from './db';
import { environmentDocument, projectStateOf, projectStateQueries } from './flag-set';
import { withAnnouncements } from './release-definition';
import { environments } from './schema';
import { activeSdkKeysQuery, snapshotSdkKeys } from './sdk-keys';

/**
 * Everything the snapshot holds (flags, configs, rules, releases, version and SDK keys) comes from one read batch,
 * so it is one committed state: a key revoked by a write is never published under that write's version.
 */
export async function buildSnapshot(db: Db, environmentId: string): Promise<Snapshot | null> {
  const env = await db.query.environments.findFirst({ where: eq(environments.id, environmentId) });
  if (!env) return null;
  const [envRows, flagRows, configRows, releaseRows, scheduleRows, keyRows] = await db.batch([...projectStateQueries(db, env.projectId), activeSdkKeysQuery(db, env.id)]);
  const state = projectStateOf([envRows, flagRows, configRows, releaseRows, scheduleRows]);
  const current = state.environments.find((e) => e.id === env.id);
  if (!current) return null;
  return {
    format: 1,
    projectId: env.projectId,
    environmentId: env.id,
    environmentKey: current.key,
    version: current.version,
    builtAt: Date.now(),
    document: withAnnouncements(environmentDocument(state, current), state.releases.filter((r) => r.environmentId === env.id)),
    clientVisible: state.flags.filter((f) => f.clientVisible).map((f) => f.key),
    sdkKeys: snapshotSdkKeys(keyRows),
  };
}
