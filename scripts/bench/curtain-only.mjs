// Curtain alone on Curtain's copy of the workload (used when ../shared/bench-peers is absent).
//   node curtain-only.mjs <engine-bundle.mjs>   -> one JSON line shaped like a harness row
import { pathToFileURL } from 'node:url';
import { generateWorkload } from './workload.mjs';
import { toCurtainFlagSet } from './_curtain-config.mjs';

const engine = await import(pathToFileURL(process.argv[2]).href);
const w = generateWorkload();
const cfg = JSON.stringify(toCurtainFlagSet(w));
const now = () => process.hrtime.bigint();
const t = now();
const set = engine.compileFlagSet(JSON.parse(cfg));
const coldSetupMs = Number(now() - t) / 1e6;
const ctxs = w.users.map((u) => ({ targetingKey: u.key, email: u.email, country: u.country, plan: u.plan, appVersion: u.appVersion }));
const keys = w.flags.map((f) => f.key);
const F = keys.length;
const U = ctxs.length;
const options = { now: Date.UTC(2026, 10, 27) };

/** Calls fn(start, count) in chunks for `ms` milliseconds; returns operations per second. */
function timeBox(fn, ms, chunk) {
  let ops = 0;
  let sink = 0;
  const t0 = now();
  const end = t0 + BigInt(ms * 1e6);
  while (now() < end) {
    sink ^= fn(ops, chunk);
    ops += chunk;
  }
  return { perSec: ops / (Number(now() - t0) / 1e9), sink };
}
const single = (s, n) => {
  let x = 0;
  for (let i = s; i < s + n; i++) x += engine.evaluateFlag(set, keys[i % F], ctxs[(i + ((i / F) | 0)) % U], options).value ? 1 : 0;
  return x;
};
const bulk = (s, n) => {
  let x = 0;
  for (let i = s; i < s + n; i++) x += engine.evaluateAll(set, ctxs[i % U], options).length;
  return x;
};
timeBox(single, 1000, 4096);
const rs = timeBox(single, 1500, 4096);
timeBox(bulk, 1000, 32);
const rb = timeBox(bulk, 1500, 32);
const agg = (v) => ({ median: v, min: v, max: v });
console.log(JSON.stringify({ adapter: 'curtain', name: 'curtain', single: agg(rs.perSec), bulk: agg(rb.perSec), coldSetupMs: agg(coldSetupMs) }));
