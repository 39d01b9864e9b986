// After a committed admin write: publish the affected environments, then have this isolate adopt them.
// Lives with the routes so that dependencies run one way: routes → edge and snapshot → store → engine.
import type { Bindings } from '../bindings';
import { adoptSnapshot } from '../edge/live-snapshots';
import { publishEnvironments, type PublishResult } from '../snapshot/publish';
import type { Db } from '../store/db';

/**
 * Read-your-writes: the isolate that committed a change serves it from its next request on, and tells its
 * location's cache the new version (edge/live-snapshots.ts, adoptSnapshot).
 */
export async function publishAndAdopt(env: Bindings, db: Db, environmentIds: string[]): Promise<PublishResult[]> {
  const results = await publishEnvironments(env, db, environmentIds);
  for (const r of results) await adoptSnapshot(r.snapshot);
  return results;
}
