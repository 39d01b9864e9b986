// Where exposures go, behind one interface: Workers Analytics Engine in production (counts), the environment's
// ReleaseClock Durable Object offline (counts, under `npm start` and in tests); user sketches always to the clock.
import type { Bindings } from '../../bindings';
import type { ExposureStore } from '../../measure/exposure-types';

export type { ExposureStore };
import { analyticsEngineStore } from './analytics-engine-store';
import { clockOf } from './clock';



/** The offline backend: everything in the environment's release clock (SQLite), exact. */
export const localStore = (env: Bindings): ExposureStore => ({
  async write(batch) {
    await clockOf(env, batch.environmentId).recordExposures(batch, true);
    return null;
  },
  minutes: (environmentId, flag, from, to) => clockOf(env, environmentId).exposureMinutes(flag, from, to),
  usage: (environmentId, flags, now) => clockOf(env, environmentId).flagUsage(flags, now),
});

/**
 * Analytics Engine when the dataset is bound and the SQL API can be read (CF_ACCOUNT_ID and CF_ANALYTICS_TOKEN set,
 * docs/deploy.md); otherwise the local backend, which is what `npm start` and the tests get.
 */
export function exposureStore(env: Bindings): ExposureStore {
  if (env.EXPOSURES && env.CF_ACCOUNT_ID && env.CF_ANALYTICS_TOKEN) return analyticsEngineStore(env, env.EXPOSURES, env.CF_ACCOUNT_ID, env.CF_ANALYTICS_TOKEN);
  return localStore(env);
}
