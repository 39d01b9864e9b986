// One contender of engine-ab.mjs in a fresh process: single evaluations/s and bulk users/s on one workload,
// with the side-by-side harness's loops (flag = i mod F, user = (i + ⌊i/F⌋) mod U; chunks doubled up to 5 ms).
//   node engine-ab-child.mjs <engine bundle | baseline> <workload.json> <warmup ms> <measure ms>
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { toCurtainFlagSet } from './_curtain-config.mjs';
import { murmur3 } from './baseline-murmur3.mjs';

const [bundle, workloadFile, warm, meas] = process.argv.slice(2);
const w = JSON.parse(readFileSync(workloadFile, 'utf8'));
const now = () => process.hrtime.bigint();
const NOW = Date.UTC(2026, 10, 27);
let evalOne;
let evalAll;
let ctxs;
if (bundle === 'baseline') {
  // the harness's adapters/baseline.mjs: one Map lookup + murmur3 of the user key per flag
  const map = new Map();
  w.flags.forEach((f, i) => map.set(f.key, { on: f.type === 'boolean' ? true : 'treatment-a', off: f.default, seed: i }));
  const keys = w.flags.map((f) => f.key);
  ctxs = w.users;
  evalOne = (flag, ctx) => { const f = map.get(flag.key); return murmur3(ctx.key, f.seed) % 100 < 10 ? f.on : f.off; };
  evalAll = (ctx) => { const out = {}; for (let i = 0; i < keys.length; i++) { const f = map.get(keys[i]); out[keys[i]] = murmur3(ctx.key, f.seed) % 100 < 10 ? f.on : f.off; } return out; };
} else {
  const engine = await import(pathToFileURL(bundle).href);
  const set = engine.compileFlagSet(JSON.parse(JSON.stringify(toCurtainFlagSet(w))));
  const options = { now: NOW };
  ctxs = w.users.map((u) => ({ targetingKey: u.key, email: u.email, country: u.country, plan: u.plan, appVersion: u.appVersion }));
  evalOne = (flag, ctx) => engine.evaluateFlag(set, flag.key, ctx, options).value;
  evalAll = (ctx) => engine.evaluateAll(set, ctx, options);
}
const flags = w.flags.map((f) => ({ key: f.key, type: f.type }));
const F = flags.length;
const U = ctxs.length;
const fold = (v) => (typeof v === 'string' ? v.length : v === true ? 1 : v === false ? 2 : 3);
const single = (start, n) => { let s = 0; for (let i = start, end = start + n; i < end; i++) s = (s + fold(evalOne(flags[i % F], ctxs[(i + ((i / F) | 0)) % U]))) | 0; return s; };
const bulk = (start, n) => { let s = 0; for (let i = start, end = start + n; i < end; i++) s = (s + (evalAll(ctxs[i % U]) ? 1 : 0)) | 0; return s; };
function timeBox(fn, ms) {
  let chunk = 16, ops = 0, sink = 0;
  const t0 = now();
  const deadline = t0 + BigInt(Math.round(ms * 1e6));
  let t = t0;
  while (t < deadline) {
    const c0 = t;
    sink ^= fn(ops, chunk);
    ops += chunk;
    t = now();
    if (t - c0 < 5_000_000n && chunk < 1 << 24) chunk *= 2;
  }
  return { perSec: ops / (Number(t - t0) / 1e9), sink };
}
timeBox(single, +warm);
const rs = timeBox(single, +meas);
timeBox(bulk, +warm);
const rb = timeBox(bulk, +meas);
console.log(JSON.stringify({ single: rs.perSec, bulk: rb.perSec, sink: rs.sink ^ rb.sink }));
