// Runs in a fresh Node process: setup and compile timings of Curtain's engine bundle.
//   node setup-timings.mjs <engine-bundle.mjs> <nFlags>
// Prints one JSON line. "cold" is the first call in the process (JIT-cold), "warm" the median of 15 more.
// A snapshot arrives as a string (KV, Durable Object), so parsing is part of the real cost: reported on
// its own (JSON.parse, the platform's) and together with compiling (the engine's, lazy per flag); "eager"
// also compiles every flag's targeting, which otherwise happens on each flag's first evaluation.
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
const doc = JSON.parse(cfg);
const coldParseMs = ms(t);
t = process.hrtime.bigint();
const set = engine.compileFlagSet(doc);
const coldCompileMs = ms(t);
const coldMs = coldParseMs + coldCompileMs;
if (set.keys.length !== nFlags) throw new Error('compiled the wrong number of flags');

const runs = { parse: [], compile: [], eager: [], validated: [] };
for (let i = 0; i < 15; i++) {
  t = process.hrtime.bigint();
  const d = JSON.parse(cfg);
  runs.parse.push(ms(t));
  t = process.hrtime.bigint();
  engine.compileFlagSet(d);
  runs.compile.push(ms(t));
  const d2 = JSON.parse(cfg);
  t = process.hrtime.bigint();
  engine.compileFlagSet(d2, { eager: true });
  runs.eager.push(ms(t));
  t = process.hrtime.bigint();
  const v = engine.validateFlagSet(JSON.parse(cfg));
  if (!v.ok) throw new Error(JSON.stringify(v.issues.slice(0, 3)));
  engine.compileFlagSet(v.value);
  runs.validated.push(ms(t));
}
const median = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
console.log(JSON.stringify({
  nFlags, configBytes: cfg.length, importMs, coldMs, coldParseMs, coldCompileMs,
  warmMs: median(runs.parse.map((p, i) => p + runs.compile[i])), warmParseMs: median(runs.parse), warmCompileMs: median(runs.compile),
  eagerCompileMs: median(runs.eager), validateAndCompileMs: median(runs.validated), node: process.version,
}));
