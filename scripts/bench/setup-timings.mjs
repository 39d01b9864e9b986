// Runs in a fresh Node process: setup and compile timings of Curtain's engine bundle.
//   node setup-timings.mjs <engine-bundle.mjs> <nFlags>
// Prints one JSON line: cold (first, JIT-cold) and warm (median) parse+compile, and validate+compile.
import { pathToFileURL } from 'node:url';
import { generateWorkload } from './workload.mjs';
import { toCurtainFlagSet } from './_curtain-config.mjs';

const [bundle, n = '200'] = process.argv.slice(2);
const nFlags = Number(n);
const cfg = JSON.stringify(toCurtainFlagSet(generateWorkload({ nFlags, nUsers: 1 })));
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
let t = process.hrtime.bigint();
const engine = await import(pathToFileURL(bundle).href);
const importMs = ms(t);

t = process.hrtime.bigint();
const set = engine.compileFlagSet(JSON.parse(cfg));
const coldMs = ms(t);
if (set.keys.length !== nFlags) throw new Error('compiled the wrong number of flags');

const warm = [];
const validated = [];
for (let i = 0; i < 15; i++) {
  t = process.hrtime.bigint();
  engine.compileFlagSet(JSON.parse(cfg));
  warm.push(ms(t));
  t = process.hrtime.bigint();
  const v = engine.validateFlagSet(JSON.parse(cfg));
  if (!v.ok) throw new Error(JSON.stringify(v.issues.slice(0, 3)));
  engine.compileFlagSet(v.value);
  validated.push(ms(t));
}
const median = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
console.log(JSON.stringify({ nFlags, configBytes: cfg.length, importMs, coldMs, warmMs: median(warm), validateAndCompileMs: median(validated), node: process.version }));
