// Reading exposures back for the admin API: a flag's counts per minute, the flag list's usage, a release's users.
// Each read first flushes this isolate's own buffer, so what this isolate counted is in the answer.
import type { Bindings } from '../../bindings';
import { MINUTE, minuteOf, type FlagUsage } from '../../measure/exposure-types';
import { flushExposures } from './exposure-flush';
import { clockOf } from './clock';
import { exposureStore } from './exposure-store';

/** The longest span GET …/flags/{flag}/exposures answers at once (docs/limits.md). */
export const EXPOSURE_SPAN_MAX_MS = 24 * 60 * MINUTE;

export async function flagExposures(env: Bindings, environmentId: string, flag: string, from: number, to: number) {
  await flushExposures(env);
  return exposureStore(env).minutes(environmentId, flag, minuteOf(from), to);
}

/** Usage of `flags` in each environment (by id); an environment whose store cannot be read shows no usage. */
export async function flagUsage(env: Bindings, environmentIds: string[], flags: string[], now: number): Promise<Map<string, Record<string, FlagUsage>>> {
  await flushExposures(env);
  const store = exposureStore(env);
  const out = new Map<string, Record<string, FlagUsage>>();
  await Promise.all(
    environmentIds.map(async (id) => {
      try {
        out.set(id, await store.usage(id, flags, now));
      } catch (err) {
        console.error('curtain: flag usage unavailable', id, String(err));
      }
    }),
  );
  return out;
}

/**
 * A release's measures for its view: distinct users (estimates) inside and outside in the last hour, or since its start
 * if later; each sequential guardrail's latest decision; why the watch paused it, if it did.
 */
export async function releaseMeasures(env: Bindings, environmentId: string, release: string, startedAt: string | null, now: number) {
  await flushExposures(env);
  const hourAgo = minuteOf(now - 60 * MINUTE);
  const start = startedAt ? minuteOf(Date.parse(startedAt)) : minuteOf(now);
  const since = Math.max(hourAgo, start);
  try {
    const m = await clockOf(env, environmentId).releaseMeasures(release, since);
    return { exposures: { inside: m.inside, outside: m.outside, since: new Date(since).toISOString() }, decisions: m.decisions, pause: m.pause };
  } catch (err) {
    console.error('curtain: release measures unavailable', environmentId, String(err));
    return { exposures: { inside: 0, outside: 0, since: new Date(since).toISOString() }, decisions: {}, pause: null };
  }
}
