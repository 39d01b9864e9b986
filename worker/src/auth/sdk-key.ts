// SDK-key authentication for OFREP and lookups: the key names its environment; its hash is in the snapshot.
import { createMiddleware } from 'hono/factory';
import type { Bindings } from '../bindings';
import type { AppEnv } from '../context';
import { edgeRequest, liveSnapshot, type LiveSnapshot } from '../edge/live-snapshots';
import { parseSdkKey } from '../store/sdk-keys';
import { digestsEqual, presentedCredential, sha256Hex } from './secrets';

/** The period of the EVALUATION_LIMIT binding (wrangler.toml): a client told to wait this long starts afresh. */
const RETRY_AFTER_SECONDS = 10;

/** Fails open: an unavailable limiter must not stop evaluation. */
async function withinLimit(env: Bindings, keyId: string): Promise<boolean> {
  try {
    return (await env.EVALUATION_LIMIT.limit({ key: keyId })).success;
  } catch {
    return true;
  }
}

/** The version named by a change event's etag (`"v12"`), which OFREP providers send back as `flagConfigEtag`. */
function announcedVersion(etag: string | undefined): number | undefined {
  const m = etag ? /^(?:W\/)?"?v(\d{1,15})"?$/.exec(etag) : null;
  return m ? Number(m[1]) : undefined;
}

/** 401 with no body, as OFREP expects, for a missing, malformed, unknown or revoked key. */
export const requireSdkKey = createMiddleware<AppEnv>(async (c, next) => {
  const key = presentedCredential(c.req.raw.headers, true);
  const parsed = key ? parseSdkKey(key) : null;
  if (!key || !parsed) return c.body(null, 401);
  let live: LiveSnapshot | null;
  try {
    live = await liveSnapshot(edgeRequest(c), parsed.environmentId, Date.now(), announcedVersion(c.req.query('flagConfigEtag')));
  } catch (err) {
    console.error('curtain: cannot evaluate, no snapshot reachable', parsed.environmentId, String((err as Error).cause ?? err));
    return c.json({ errorDetails: 'The flag configuration is temporarily unavailable' }, 500);
  }
  const entry = live?.snapshot.sdkKeys[parsed.keyId];
  if (!live || !entry || entry.kind !== parsed.kind || !digestsEqual(await sha256Hex(key), entry.hash)) return c.body(null, 401);
  if (!(await withinLimit(c.env, parsed.keyId))) {
    c.header('Retry-After', String(RETRY_AFTER_SECONDS));
    return c.body(null, 429);
  }
  c.set('sdk', { kind: entry.kind, keyId: parsed.keyId, live });
  return next();
});
