// SDK-key authentication at the edge: the key names its environment, the snapshot holds its hash.
// Answers OFREP's way: 401 with no body for a missing, malformed, unknown or revoked key; 429 with
// Retry-After past the key's own limit (edge/rate-limit.ts); 500 GENERAL when no snapshot can be had at all.
import { digestsEqual, presentedCredential, sha256Hex, stringsEqual } from '../auth/secrets';
import { parseSdkKey } from '../store/sdk-keys';
import { edgeCorsHeaders } from './cors';
import { generalError } from './ofrep-results';
import { currentSnapshot, liveSnapshot, type EdgeRequest, type LiveSnapshot } from './live-snapshots';
import { admit } from './rate-limit';

/** The version named by a change event's etag (`"v12"`), which OFREP providers send back as `flagConfigEtag`. */
function announcedVersion(etag: string | null): number | undefined {
  const m = etag ? /^(?:W\/)?"?v(\d{1,15})"?$/.exec(etag) : null;
  return m ? Number(m[1]) : undefined;
}

const refuse = (status: 401 | 429, retryAfter?: number) =>
  new Response(null, { status, headers: retryAfter ? { ...edgeCorsHeaders, 'retry-after': String(retryAfter) } : edgeCorsHeaders });

/**
 * Whether `key` is the key stored as `hash`. The first time per snapshot, by hash; after that against
 * the key this isolate already verified for that key id, compared in constant time, which spares a
 * digest per request. The verified key lives in isolate memory only, and goes with the snapshot (so a
 * revocation, which changes the snapshot, forgets it).
 */
function keyMatches(live: LiveSnapshot, keyId: string, key: string, hash: string): boolean | Promise<boolean> {
  const known = live.verifiedKeys.get(keyId);
  if (known !== undefined) return stringsEqual(known, key);
  return sha256Hex(key).then((digest) => {
    if (!digestsEqual(digest, hash)) return false;
    live.verifiedKeys.set(keyId, key);
    return true;
  });
}

/** An authenticated SDK key, and the snapshot it evaluates against. */
export interface SdkCaller {
  kind: 'server' | 'client';
  keyId: string;
  live: LiveSnapshot;
}

export type Authentication = SdkCaller | Response;

/**
 * Synchronous when the isolate holds a current snapshot and has verified the key before (the hot path).
 * `flagKey`: the flag a single-flag evaluation asks for, which its 500 names.
 */
export function authenticateSdk(headers: Headers, edge: EdgeRequest, flagConfigEtag: string | null, now = Date.now(), flagKey?: string): Authentication | Promise<Authentication> {
  const key = presentedCredential(headers, true);
  const parsed = key ? parseSdkKey(key) : null;
  if (!key || !parsed) return refuse(401);
  const atLeast = announcedVersion(flagConfigEtag);
  const current = currentSnapshot(parsed.environmentId, now, atLeast);
  if (current) return authorize(current, parsed, key, edge, now);
  return liveSnapshot(edge, parsed.environmentId, now, atLeast).then(
    (live) => (live ? authorize(live, parsed, key, edge, now) : refuse(401)),
    (err) => {
      console.error('curtain: cannot evaluate, no snapshot reachable', parsed.environmentId, String((err as Error).cause ?? err));
      return generalError('The flag configuration is temporarily unavailable', flagKey);
    },
  );
}

function authorize(live: LiveSnapshot, parsed: NonNullable<ReturnType<typeof parseSdkKey>>, key: string, edge: EdgeRequest, now: number): Authentication | Promise<Authentication> {
  const entry = live.snapshot.sdkKeys[parsed.keyId];
  if (!entry || entry.kind !== parsed.kind) return refuse(401);
  const admitted = (): Authentication => {
    const wait = admit(edge.env, parsed.keyId, entry.rateLimit, edge.waitUntil, now);
    return wait === 0 ? { kind: entry.kind, keyId: parsed.keyId, live } : refuse(429, wait);
  };
  const match = keyMatches(live, parsed.keyId, key, entry.hash);
  if (typeof match === 'boolean') return match ? admitted() : refuse(401);
  return match.then((ok) => (ok ? admitted() : refuse(401)));
}
