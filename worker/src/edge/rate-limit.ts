// Evaluations per SDK key and edge location, each key with its own limit (the snapshot's SDK key entry),
// counted by the one Workers Rate Limiting binding EVALUATION_LIMIT, whose limit is fixed: N calls per
// 10 s per key and location (EVALUATION_LIMIT_CALLS says N; it must equal wrangler.toml's simple.limit).
//
// A key limited to L evaluations per second has a budget of B = 10·L per period. Each isolate counts the
// key's requests itself and makes one limiter call per B/N of them, so N calls stand for B requests and
// the limiter's refusal of call N + 1 means the key is over its budget in that location. B/N need not be
// a whole number: each request adds N to the key's credit and each call takes B from it (integer steps,
// as Bresenham draws a line), so after k requests exactly floor(k·N / B) calls have been made. A key with
// a limit below N/10 per second makes several calls per request (at most ceil(N/B)); any key makes at
// most about N calls per period, whatever its limit and traffic, and a key without a limit makes none.
//
// The calls run in the background: no evaluation ever waits for the limiter. When it answers that the
// key is over, this isolate refuses the key for one period. Accuracy: each isolate's count is exact up to
// its unreported remainder (less than B/N requests, 1 % of the budget with N = 100), and what an isolate
// admits while the limiter's "over" is on its way gets through. The limiter's key names the SDK key and
// its limit, so a changed limit counts afresh, and a refusal under the old limit is forgotten.
import type { Bindings } from '../bindings';

/** The period of the EVALUATION_LIMIT binding in wrangler.toml. */
export const LIMIT_PERIOD_MS = 10_000;
const PERIOD_SECONDS = LIMIT_PERIOD_MS / 1000;

/** One key's count in this isolate, under the limit it was made for. */
interface Meter {
  rateLimit: number;
  /** what the limiter counts: the SDK key id and its limit */
  limiterKey: string;
  /** N per request admitted, less B per limiter call made */
  credit: number;
  /** refused until then (ms since epoch); 0 when not refused */
  blockedUntil: number;
}

const meters = new Map<string, Meter>();

let callsSetting: string | undefined;
let calls = 1;
/** EVALUATION_LIMIT_CALLS, parsed once per isolate. */
function callsPerPeriod(setting: string | undefined): number {
  if (setting !== callsSetting) {
    callsSetting = setting;
    calls = Math.max(1, Math.floor(Number(setting)) || 1);
  }
  return calls;
}

function meterFor(keyId: string, rateLimit: number): Meter {
  const meter: Meter = { rateLimit, limiterKey: `${keyId}:${rateLimit}`, credit: 0, blockedUntil: 0 };
  meters.set(keyId, meter);
  return meter;
}

/**
 * 0 when the key may evaluate now, else the seconds to wait (Retry-After). `rateLimit`: the key's limit
 * from the snapshot, evaluations per second; null or absent: none, and nothing is counted. Synchronous,
 * and allocates nothing unless the key is new to this isolate or its limit changed; the limiter calls go
 * to `background` (the request's waitUntil). Fails open: a broken or unreachable limiter must not stop
 * evaluation.
 */
export function admit(env: Bindings, keyId: string, rateLimit: number | null | undefined, background: (p: Promise<unknown>) => void, now = Date.now()): number {
  if (rateLimit == null) return 0;
  let meter = meters.get(keyId);
  if (meter === undefined || meter.rateLimit !== rateLimit) meter = meterFor(keyId, rateLimit);
  if (meter.blockedUntil > now) return Math.ceil((meter.blockedUntil - now) / 1000);
  meter.credit += callsPerPeriod(env.EVALUATION_LIMIT_CALLS);
  const budget = rateLimit * PERIOD_SECONDS;
  if (meter.credit < budget) return 0;
  const due = Math.floor(meter.credit / budget);
  meter.credit -= due * budget;
  background(tell(env, meter, due, now));
  return 0;
}

/** Makes `due` limiter calls, one after another, stopping at the first refusal. */
async function tell(env: Bindings, meter: Meter, due: number, now: number): Promise<void> {
  try {
    for (let i = 0; i < due; i++) {
      if (!(await env.EVALUATION_LIMIT.limit({ key: meter.limiterKey })).success) {
        meter.blockedUntil = now + LIMIT_PERIOD_MS;
        return;
      }
    }
  } catch (err) {
    console.error('curtain: rate limiter unavailable, evaluations admitted', String(err));
  }
}
