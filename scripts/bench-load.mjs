#!/usr/bin/env node
// `npm run bench:load`: the bundled worker under sustained load with admin writes in the background.
//
//   npm run bench:load
//   env: LOAD_SECONDS (60), LOAD_CONNECTIONS (32 per target: single and bulk run at the same time), LOAD_FLAGS
//        (200), LOAD_WRITE_MS (1000: one admin write per second), LOAD_STREAMS (100 OFREP change streams held
//        open), LOAD_WARMUP (5 s), LOAD_BASELINE (1: first the same load on a trivial worker, for its memory),
//        BENCH_TOOL (wrk | autocannon), BENCH_KEEP (keep the temp dir)
//
// What it does: bundles the worker (`wrangler deploy --dry-run`) and serves it with Miniflare (one workerd
// process; scripts/bench/http/miniflare.mjs, as bench:http does), applies migrations/, bootstraps a server SDK
// key without an evaluation limit, imports LOAD_FLAGS flags into development, opens LOAD_STREAMS change
// streams, warms up, and then for LOAD_SECONDS runs at once: OFREP single and OFREP bulk (one wrk each,
// LOAD_CONNECTIONS connections), and one PATCH of a flag's default variant every LOAD_WRITE_MS.
// Reports requests, errors (non-2xx and socket errors of the load, failed writes, streams that missed an
// event: all must be zero), p50/p99 latency, the time from a write to its event on every stream, and the
// workerd process's resident memory at the start and the end (sampled every 2 s; it must not keep growing).
// Exit code 1 when any of those checks fails. workerd's memory grows under any load until its heap and
// buffers settle (a worker answering constant JSON goes from about 75 to 500 MiB in the first 10 s with these
// connections): the verdict compares the run's last third with its middle third, not the end with the start.
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { applyMigrations, bootstrap, bundleWorker, call, callOk, curtainWorker, randomToken, removeDir, requireNode22, startMiniflare, tempDir, trivialWorker, withoutLimit } from './bench/http/miniflare.mjs';
import { benchContext, flagKey, generateFlagd } from './bench/http/workload.mjs';
import { hasWrk, makeLoader } from './bench/http/load.mjs';
import { memoryVerdict, rssMiB, sampleMemory } from './bench/load/memory.mjs';
import { openStreams } from './bench/load/streams.mjs';
import { startWriter } from './bench/load/writer.mjs';

requireNode22();
const num = (name, dflt) => (process.env[name] ? Number(process.env[name]) : dflt);
const SECONDS = num('LOAD_SECONDS', 60);
const CONNECTIONS = num('LOAD_CONNECTIONS', 32);
const N_FLAGS = num('LOAD_FLAGS', 200);
const WRITE_MS = num('LOAD_WRITE_MS', 1000);
const N_STREAMS = num('LOAD_STREAMS', 100);
const WARMUP = num('LOAD_WARMUP', 5);
const tool = process.env.BENCH_TOOL ?? (hasWrk() ? 'wrk' : 'autocannon');
const log = (...a) => console.error('bench:load:', ...a);
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN;
};

const work = tempDir('curtain-bench-load-');
let server;
const childPids = () => spawnSync('pgrep', ['-P', String(process.pid)], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map(Number);
async function cleanup() {
  await server?.mf.dispose().catch(() => {});
  if (!process.env.BENCH_KEEP) removeDir(work);
}
process.on('SIGINT', () => cleanup().finally(() => process.exit(130)));

/** The same two loads against a worker answering constant JSON: how workerd's own memory behaves. */
async function baseline(load, curtainPids) {
  const trivial = await startMiniflare(trivialWorker(), {});
  try {
    const target = { url: `${trivial.url}/read-body`, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ context: benchContext }) };
    const memory = sampleMemory(childPids().filter((pid) => !curtainPids.includes(pid)), 2000);
    await Promise.all([load(target, SECONDS, 'baseline-a'), load(target, SECONDS, 'baseline-b')]);
    return memory.stop();
  } finally {
    await trivial.mf.dispose();
  }
}

try {
  log('bundling the worker…');
  const scriptPath = bundleWorker(join(work, 'bundle'));
  const adminToken = randomToken();
  server = await startMiniflare(await curtainWorker({ scriptPath, adminToken }), { persistTo: join(work, 'state') });
  const workerd = childPids();
  await applyMigrations(await server.mf.getD1Database('DB'));
  const base = server.url;
  const sdkKey = await bootstrap(base, adminToken);
  await withoutLimit(base, adminToken, sdkKey);
  const imported = await callOk(base, 'PUT', '/api/v1/projects/default/environments/development/flagd', { token: adminToken, body: generateFlagd({ nFlags: N_FLAGS }) });
  log(`curtain at ${base}, workerd pid ${workerd.join(', ')}, ${imported.report.created.length} flags`);

  // change streams: OFREP's, from the bulk answer's eventStreams, as a provider opens them (1000 per key at most)
  const streams = [];
  for (let opened = 0; opened < N_STREAMS; opened += 1000) {
    const key = opened === 0 ? { secret: sdkKey } : await callOk(base, 'POST', '/api/v1/projects/default/environments/development/sdk-keys', { token: adminToken, body: { name: `streams ${opened}`, kind: 'server' } });
    const uri = (await callOk(base, 'POST', '/ofrep/v1/evaluate/flags', { token: key.secret, body: { context: {} } })).eventStreams[0].endpoint.requestUri;
    streams.push(openStreams({ url: base + uri, count: Math.min(1000, N_STREAMS - opened) }));
  }
  await Promise.all(streams.map((s) => s.ready()));
  const clients = streams.flatMap((s) => s.clients);
  const refused = clients.filter((c) => c.status !== 200).length;
  log(`${clients.length - refused} change streams open${refused ? `, ${refused} refused` : ''}`);

  const headers = { 'content-type': 'application/json', authorization: `Bearer ${sdkKey}` };
  const body = JSON.stringify({ context: benchContext });
  const single = { url: `${base}/ofrep/v1/evaluate/flags/${flagKey(2)}`, method: 'POST', headers, body };
  const bulk = { url: `${base}/ofrep/v1/evaluate/flags`, method: 'POST', headers, body };
  const load = makeLoader({ tool, connections: CONNECTIONS, threads: 1, scriptDir: work });
  const trivialSamples = process.env.LOAD_BASELINE ? await baseline(load, workerd) : null;
  if (WARMUP > 0) await Promise.all([load(single, WARMUP, 'single-warmup'), load(bulk, WARMUP, 'bulk-warmup')]);

  const versionOf = async () => (await callOk(base, 'GET', '/api/v1/projects/default/environments', { token: adminToken })).environments.find((e) => e.key === 'development').version;
  const v0 = await versionOf();
  const startLoad = loadavg();
  const memory = sampleMemory(workerd, 2000);
  // a boolean flag plain enough that its value is its default variant for every context
  const writer = startWriter({ base, adminToken, flagKey: flagKey(0), variants: ['off', 'on'], everyMs: WRITE_MS });
  log(`running ${SECONDS} s: single and bulk at ${CONNECTIONS} connections each, a write every ${WRITE_MS} ms…`);
  const [s, b] = await Promise.all([load(single, SECONDS, 'single'), load(bulk, SECONDS, 'bulk')]);
  const writes = await writer.stop();
  await new Promise((r) => setTimeout(r, 1500)); // the last write's event
  const samples = memory.stop();
  const v1 = await versionOf();

  // every write is one version; each stream must have been told of each, in order of the writes
  const delays = [];
  let missed = 0;
  for (const c of clients.filter((x) => x.status === 200)) {
    writes.forEach((w, k) => {
      const at = c.events.get(v0 + k + 1);
      if (at === undefined) missed++;
      else delays.push(at - (w.at - w.ms));
    });
  }
  for (const st of streams) st.close();
  const lastWrite = writes.at(-1);
  const served = await call(base, 'POST', `/ofrep/v1/evaluate/flags/${flagKey(0)}`, { token: sdkKey, body: { context: benchContext } });
  const writeErrors = writes.filter((w) => w.status !== 200);
  const mem = memoryVerdict(samples);
  const checks = {
    'load errors (non-2xx, socket)': s.errors + b.errors,
    'failed writes': writeErrors.length,
    'versions committed ≠ writes': v1 - v0 - writes.length,
    'stream events missed': missed,
    'streams refused': refused,
    'last write not served': served.json?.variant === lastWrite?.variant ? 0 : 1,
    'memory kept growing': mem.bounded ? 0 : 1,
  };
  const failed = Object.entries(checks).filter(([, n]) => n !== 0);
  const f = (x, d = 1) => x.toFixed(d);
  const report = [
    `## bench:load — ${new Date().toISOString()}`,
    ``,
    `${tool}, ${SECONDS} s, single and bulk at once (${CONNECTIONS} connections each), ${N_FLAGS} flags, a write every ${WRITE_MS} ms, ${clients.length} change streams; Node ${process.version}; ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}; load average before ${startLoad.map((x) => f(x)).join(' ')}, after ${loadavg().map((x) => f(x)).join(' ')}.`,
    ``,
    `| traffic | requests | req/s | errors | p50 ms | p99 ms | max ms |`,
    `|---|---:|---:|---:|---:|---:|---:|`,
    `| OFREP single | ${s.requests} | ${f(s.rps, 0)} | ${s.errors} | ${f(s.p50, 2)} | ${f(s.p99, 2)} | ${f(s.max, 0)} |`,
    `| OFREP bulk (${N_FLAGS} flags) | ${b.requests} | ${f(b.rps, 0)} | ${b.errors} | ${f(b.p50, 2)} | ${f(b.p99, 2)} | ${f(b.max, 0)} |`,
    `| admin PATCH | ${writes.length} | ${f(writes.length / SECONDS, 2)} | ${writeErrors.length} | ${f(pct(writes.map((w) => w.ms), 50), 2)} | ${f(pct(writes.map((w) => w.ms), 99), 2)} | ${f(Math.max(...writes.map((w) => w.ms)), 0)} |`,
    `| write → event on every stream | ${delays.length} | | ${missed} missed | ${f(pct(delays, 50), 2)} | ${f(pct(delays, 99), 2)} | ${f(Math.max(...delays, 0), 0)} |`,
    ``,
    `workerd resident memory: ${f(samples[0].mib)} MiB at the start, ${f(samples.at(-1).mib)} MiB at the end (max ${f(Math.max(...samples.map((x) => x.mib)))}; highest in the middle third ${f(mem.middle)}, in the last third ${f(mem.last)}: ${mem.bounded ? 'bounded' : 'STILL GROWING'}). Versions ${v0} → ${v1}.`,
    `Samples (s: MiB): ${samples.map((x) => `${f(x.t, 0)}: ${f(x.mib, 0)}`).join(', ')}.`,
    ...(trivialSamples ? [`Baseline, the same loads on a worker answering constant JSON (s: MiB): ${trivialSamples.map((x) => `${f(x.t, 0)}: ${f(x.mib, 0)}`).join(', ')}.`] : []),
    ``,
    failed.length ? `**FAILED**: ${failed.map(([k, n]) => `${k}: ${n}`).join('; ')}${writeErrors[0] ? ` (first failed write: ${writeErrors[0].status} ${writeErrors[0].error})` : ''}` : `All checks passed: ${Object.keys(checks).join(', ')} — all zero.`,
  ].join('\n');
  console.log(report);
  if (failed.length) process.exitCode = 1;
  log(`resident memory now ${f(rssMiB(workerd))} MiB`);
} catch (err) {
  console.error('bench:load failed:', err?.stack ?? err);
  process.exitCode = 1;
} finally {
  await cleanup();
}
