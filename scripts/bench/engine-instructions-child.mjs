// One contender of engine-instructions.mjs: N evaluations (single, or bulk users) to warm up, then R times N more.
//   node engine-instructions-child.mjs <engine bundle | baseline> <workload.json> single|bulk <N> <R>
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { toCurtainFlagSet } from './_curtain-config.mjs';
import { murmur3 } from './baseline-murmur3.mjs';
const [bundle, wfile, mode, nStr, rStr = '1'] = process.argv.slice(2);
const w = JSON.parse(readFileSync(wfile, 'utf8'));
const N = Number(nStr);
let evalOne, evalAll, ctxs;
if (bundle === 'baseline') {
  const map = new Map(); w.flags.forEach((f, i) => map.set(f.key, { on: true, off: f.default, seed: i }));
  const keys = w.flags.map((f) => f.key); ctxs = w.users;
  evalOne = (k, c) => { const f = map.get(k); return murmur3(c.key, f.seed) % 100 < 10 ? f.on : f.off; };
  evalAll = (c) => { const o = {}; for (const k of keys) { const f = map.get(k); o[k] = murmur3(c.key, f.seed) % 100 < 10 ? f.on : f.off; } return o; };
} else {
  const e = await import(pathToFileURL(bundle).href); const set = e.compileFlagSet(JSON.parse(JSON.stringify(toCurtainFlagSet(w)))); const o = { now: 1 };
  ctxs = w.users.map((u) => ({ targetingKey: u.key, email: u.email, country: u.country, plan: u.plan, appVersion: u.appVersion }));
  evalOne = (k, c) => e.evaluateFlag(set, k, c, o).value; evalAll = (c) => e.evaluateAll(set, c, o);
}
const keys = w.flags.map((f) => f.key); const F = keys.length, U = ctxs.length;
let s = 0;
const run = (n) => { if (mode === 'single') for (let i = 0; i < n; i++) s += evalOne(keys[i % F], ctxs[(i + ((i / F) | 0)) % U]) ? 1 : 0; else for (let i = 0; i < n; i++) s += evalAll(ctxs[i % U]) ? 1 : 0; };
run(N); // warm-up (JIT)
for (let r = 0; r < Number(rStr); r++) run(N);
console.log(s);
