// Evaluations per SDK key, counted by the Workers Rate Limiting binding in batches: each isolate counts a
// key's requests itself and tells the limiter once per EVALUATION_LIMIT_BATCH of them (one call standing
// for that many, which is why wrangler.toml's limit is the budget divided by it). The call runs in the
// background: no evaluation ever waits for the limiter. When it answers that the key is over its budget,
// this isolate refuses the key for the rest of the period.
//
// Accuracy: an isolate's count is exact up to its last, unfinished batch (fewer than N requests, lost if the
// isolate goes away). A key over its budget is refused from the limiter's answer on: what the isolate
// admitted while that answer was on its way (one limiter round trip of the key's traffic) gets through.
// That is the trade for a hot path that never waits (docs/performance.md: what a call costs locally).
import type { Bindings } from '../bindings';

/** The period of the EVALUATION_LIMIT binding in wrangler.toml. */
export const LIMIT_PERIOD_MS = 10_000;

const blockedUntil = new Map<string, number>();
/** requests per key since this isolate last told the limiter */
const uncounted = new Map<string, number>();

let batchSetting: string | undefined;
let batch = 1;
/** EVALUATION_LIMIT_BATCH, parsed once per isolate. */
function batchOf(setting: string | undefined): number {
  if (setting !== batchSetting) {
    batchSetting = setting;
    batch = Math.max(1, Math.floor(Number(setting)) || 1);
  }
  return batch;
}

export type Admission = { ok: true } | { ok: false; retryAfter: number };
const ADMITTED: Admission = Object.freeze({ ok: true });

/**
 * Whether the key may evaluate now; when not, the seconds to wait. Always synchronous: every Nth request
 * of a key hands the limiter call to `background` (the request's waitUntil). Fails open: a broken or
 * unreachable limiter must not stop evaluation.
 */
export function admit(env: Bindings, keyId: string, background: (p: Promise<unknown>) => void, now = Date.now()): Admission {
  const until = blockedUntil.get(keyId);
  if (until !== undefined) {
    if (now < until) return { ok: false, retryAfter: Math.ceil((until - now) / 1000) };
    blockedUntil.delete(keyId);
  }
  const count = (uncounted.get(keyId) ?? 0) + 1;
  if (count < batchOf(env.EVALUATION_LIMIT_BATCH)) {
    uncounted.set(keyId, count);
    return ADMITTED;
  }
  uncounted.set(keyId, 0);
  background(ask(env, keyId, now));
  return ADMITTED;
}

async function ask(env: Bindings, keyId: string, now: number): Promise<void> {
  try {
    if ((await env.EVALUATION_LIMIT.limit({ key: keyId })).success) return;
  } catch (err) {
    console.error('curtain: rate limiter unavailable, evaluations admitted', String(err));
    return;
  }
  blockedUntil.set(keyId, now + LIMIT_PERIOD_MS);
}
