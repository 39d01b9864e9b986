// Runs in its own Node process (with --expose-gc): what one isolate pays for the model's largest environment,
// 20,000 flags — the V8 heap its parsed and compiled snapshot holds, and the CPU of the requests that touch it.
//   node --expose-gc engine-limits.mjs <engine-bundle.mjs> [nFlags]
// Prints one JSON line. Workers run the same V8: the heap here is what the snapshot takes of an isolate's 128 MB.
import { pathToFileURL } from 'node:url';
import { generateWorkload } from '../workload.mjs';
import { toCurtainFlagSet } from '../_curtain-config.mjs';

const [bundle, n = '20000'] = process.argv.slice(2);
const nFlags = Number(n);
const engine = await import(pathToFileURL(bundle).href);
const w = generateWorkload({ nFlags, nUsers: 50 });
const text = JSON.stringify(toCurtainFlagSet(w));
const users = w.users.map((u) => ({ targetingKey: u.key, email: u.email, country: u.country, plan: u.plan, appVersion: u.appVersion }));
const options = { now: Date.UTC(2026, 10, 27) };
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
const heap = () => {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

const before = heap();
let t = process.hrtime.bigint();
const doc = JSON.parse(text);
const set = engine.compileFlagSet(doc);
const coldParseCompileMs = ms(t);
const lazyMiB = heap() - before;
// the first bulk evaluation compiles every flag's rule: the cost of the first request after a cold start
t = process.hrtime.bigint();
engine.evaluateAll(set, users[0], options);
const firstBulkMs = ms(t);
const compiledMiB = heap() - before;
const bulkMs = median(users.slice(1, 12).map((u) => ((t = process.hrtime.bigint()), engine.evaluateAll(set, u, options), ms(t))));
const keys = w.flags.map((f) => f.key);
t = process.hrtime.bigint();
let sink = 0;
for (let i = 0; i < 200_000; i++) sink += engine.evaluateFlag(set, keys[(i * 7919) % nFlags], users[i % users.length], options).value ? 1 : 0;
const singleUs = (ms(t) * 1000) / 200_000;
console.log(JSON.stringify({ nFlags, textBytes: Buffer.byteLength(text), coldParseCompileMs, firstBulkMs, bulkMs, singleUs, lazyMiB, compiledMiB, node: process.version, sink: sink > 0 }));
