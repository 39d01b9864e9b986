// The production exposure store: counts written as Analytics Engine data points (one per flag, variant, side and minute
// of a flush), read back with its SQL API; release user sketches still go to the environment's release clock.
import type { Bindings } from '../../bindings';
import { foldMinutes, MINUTE, type ExposureStore, type FlagUsage } from '../../measure/exposure-types';
import { clockOf } from './clock';

/** Analytics Engine takes at most 250 data points per invocation; a flush keeps some room for anything else. */
export const POINTS_PER_FLUSH = 200;
export const DATASET = 'curtain_exposures';

// blob1 environment id, blob2 flag, blob3 variant, blob4 side ('' none); double1 count, double2 minute (ms); index1 environment id
export function analyticsEngineStore(env: Bindings, dataset: AnalyticsEngineDataset, accountId: string, token: string): ExposureStore {
  const query = async <T>(sql: string): Promise<T[]> => {
    const res = await fetch(`https://api.cloudflare.com/client/v4/accounts/${accountId}/analytics_engine/sql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: `${sql} FORMAT JSON`,
    });
    if (!res.ok) throw new Error(`Analytics Engine SQL API answered ${res.status}`);
    return ((await res.json()) as { data: T[] }).data;
  };
  const quote = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return {
    async write(batch) {
      const now = batch.counts.slice(0, POINTS_PER_FLUSH);
      for (const c of now) {
        dataset.writeDataPoint({ indexes: [batch.environmentId], blobs: [batch.environmentId, c.flag, c.variant, c.side ?? ''], doubles: [c.count, c.minute] });
      }
      if (batch.users.length || batch.traffic.length || batch.served.length) await clockOf(env, batch.environmentId).recordExposures({ ...batch, counts: [] }, false);
      const rest = batch.counts.slice(POINTS_PER_FLUSH);
      return rest.length ? { environmentId: batch.environmentId, counts: rest, users: [], traffic: [], served: [] } : null;
    },
    async minutes(environmentId, flag, from, to) {
      const rows = await query<{ minute: number; variant: string; side: string; count: number }>(
        `SELECT double2 AS minute, blob3 AS variant, blob4 AS side, SUM(_sample_interval * double1) AS count FROM ${DATASET} ` +
          `WHERE index1 = ${quote(environmentId)} AND blob2 = ${quote(flag)} AND double2 >= ${from} AND double2 < ${to} ` +
          `AND timestamp >= toDateTime(${Math.floor(from / 1000)}) GROUP BY minute, variant, side`,
      );
      return foldMinutes(rows.map((r) => ({ ...r, minute: Number(r.minute), count: Number(r.count) })));
    },
    async usage(environmentId, flags, now) {
      const rows = await query<{ flag: string; last: number; day: number }>(
        `SELECT blob2 AS flag, MAX(double2) AS last, SUM(IF(double2 >= ${now - 24 * 60 * MINUTE}, _sample_interval * double1, 0)) AS day ` +
          `FROM ${DATASET} WHERE index1 = ${quote(environmentId)} AND timestamp >= NOW() - INTERVAL '30' DAY GROUP BY flag`,
      );
      const seen = new Map(rows.map((r) => [r.flag, r]));
      const out: Record<string, FlagUsage> = {};
      for (const f of flags) {
        const r = seen.get(f);
        out[f] = { lastEvaluatedAt: r ? new Date(Number(r.last)).toISOString() : null, evaluations24h: r ? Math.round(Number(r.day)) : 0 };
      }
      return out;
    },
  };
}
