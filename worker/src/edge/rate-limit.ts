// Evaluations per SDK key, counted by the Workers Rate Limiting binding on a random sample of requests:
// each sampled call stands for EVALUATION_LIMIT_SAMPLE requests, so the limiter costs one call in N on
// the hot path. A key over its budget is refused in this isolate for the rest of the period.
import type { Bindings } from '../bindings';

/** The period of the EVALUATION_LIMIT binding in wrangler.toml. */
export const LIMIT_PERIOD_MS = 10_000;

const blockedUntil = new Map<string, number>();

let sampleSetting: string | undefined;
let sample = 1;
/** EVALUATION_LIMIT_SAMPLE, parsed once per isolate. */
function sampleOf(setting: string | undefined): number {
  if (setting !== sampleSetting) {
    sampleSetting = setting;
    sample = Math.max(1, Math.floor(Number(setting)) || 1);
  }
  return sample;
}

export type Admission = { ok: true } | { ok: false; retryAfter: number };
const ADMITTED: Admission = Object.freeze({ ok: true });

/**
 * Whether the key may evaluate now; when not, the seconds to wait. Synchronous unless this request is
 * sampled. Fails open: a broken limiter must not stop evaluation.
 */
export function admit(env: Bindings, keyId: string, now = Date.now()): Admission | Promise<Admission> {
  const until = blockedUntil.get(keyId);
  if (until !== undefined) {
    if (now < until) return { ok: false, retryAfter: Math.ceil((until - now) / 1000) };
    blockedUntil.delete(keyId);
  }
  const every = sampleOf(env.EVALUATION_LIMIT_SAMPLE);
  if (every > 1 && Math.random() * every >= 1) return ADMITTED;
  return ask(env, keyId, now);
}

async function ask(env: Bindings, keyId: string, now: number): Promise<Admission> {
  try {
    if ((await env.EVALUATION_LIMIT.limit({ key: keyId })).success) return ADMITTED;
  } catch {
    return ADMITTED;
  }
  blockedUntil.set(keyId, now + LIMIT_PERIOD_MS);
  return { ok: false, retryAfter: LIMIT_PERIOD_MS / 1000 };
}
