// POST /v1/track: OpenFeature tracking events (`client.track(name, context, details)`), attributed to each running
// release and the side the edge serves the user now. Caller: an SDK key (a client key only for releases whose flags are
// all client-visible). The answer is 202 `{}` whatever counted: it never tells the caller which users or releases count.
import { Hono } from 'hono';
import type { AppEnv } from '../context';
import { requireSdkKey } from '../auth/sdk-key';
import { sha256Hex } from '../auth/secrets';
import { failure, readJsonObject, type EdgeFailure } from '../edge/json-body';
import { TRACK_MAX_BYTES, parseTrack } from '../edge/track-input';
import { bucketId, sideOf } from '../edge/exposures/release-sides';
import { clockOf } from '../edge/exposures/clock';
import { evaluateFlag } from '../engine';
import { minuteOf } from '../measure/exposure-types';
import type { TrackedEvent } from '../schedule/track-ledger';

const refuse = (f: EdgeFailure, headers?: Record<string, string>) =>
  Response.json({ errorCode: f.errorCode, errorDetails: f.errorDetails, ...(f.issues ? { issues: f.issues } : {}) }, { status: f.status, headers });

/** Releases whose users are still being measured. */
const MEASURED = new Set(['scheduled', 'rolling_out', 'paused']);

export const trackRoutes = new Hono<AppEnv>().post('/track', requireSdkKey, async (c) => {
  const now = Date.now();
  const read = await readJsonObject(c.req.raw, TRACK_MAX_BYTES);
  if (!read.ok) return refuse(read.failure);
  const parsed = parseTrack(read.body);
  if (!parsed.ok) return refuse(parsed.failure);
  const { name, context, value } = parsed.value;
  const sdk = c.var.sdk;
  const events: TrackedEvent[] = [];
  for (const [release, def] of Object.entries(sdk.live.snapshot.document.releases ?? {})) {
    if (!MEASURED.has(def.state) || def.killed) continue;
    const flags = Object.entries(def.flags);
    if (flags.length === 0 || (sdk.kind === 'client' && !flags.every(([flag]) => sdk.live.clientVisible.has(flag)))) continue;
    const by = def.bucketBy ?? 'targetingKey';
    const id = bucketId(context, by);
    if (id === '') continue;
    const [flag, v] = flags[0];
    const served = evaluateFlag(sdk.live.compiled, flag, context, { now });
    // only users the release itself bucketed (reason SPLIT) are compared: not those the flag's own rules decide
    const side = served.reason === 'SPLIT' ? sideOf({ release, ...v, by }, served) : null;
    if (!side) continue;
    // the release's users are told apart by a hash under the environment's id: the stored value is no user's key
    events.push({ release, side, user: (await sha256Hex(`${sdk.live.snapshot.environmentId}\u0000${release}\u0000${id}`)).slice(0, 32), metric: name, value });
  }
  const outcome = await clockOf(c.env, sdk.live.snapshot.environmentId).recordTrack(sdk.keyId, minuteOf(now), events);
  if (outcome === 'key-limit') return refuse(failure(429, 'RATE_LIMITED', 'This key has reached its tracking limit for the minute'), { 'retry-after': '60' });
  return c.json({}, 202);
});
