// Builds an environment's snapshot from D1, the source of truth, right after a write commits.
import { eq } from 'drizzle-orm';
import type { Snapshot } from '../snapshot/format';
import type { Db } from './db';
import { environmentDocument, loadProjectState } from './flag-set';
import { withAnnouncements } from './release-definition';
import { environments } from './schema';
import { activeSdkKeys } from './sdk-keys';

export async function buildSnapshot(db: Db, environmentId: string): Promise<Snapshot | null> {
  const env = await db.query.environments.findFirst({ where: eq(environments.id, environmentId) });
  if (!env) return null;
  const [state, keys] = await Promise.all([loadProjectState(db, env.projectId), activeSdkKeys(db, env.id)]);
  const current = state.environments.find((e) => e.id === env.id) ?? env;
  return {
    format: 1,
    projectId: env.projectId,
    environmentId: env.id,
    environmentKey: env.key,
    version: current.version,
    builtAt: Date.now(),
    document: withAnnouncements(environmentDocument(state, current), state.releases.filter((r) => r.environmentId === env.id)),
    clientVisible: state.flags.filter((f) => f.clientVisible).map((f) => f.key),
    sdkKeys: keys,
  };
}
