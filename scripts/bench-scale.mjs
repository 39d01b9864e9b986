#!/usr/bin/env node
// `npm run bench:scale`: one environment simulated in workerd (the bundled worker in Miniflare), its change
// streams fanned out over relays, and the projection for docs/scale.md's large customer.
//
//   npm run bench:scale
//   env: BENCH_STREAMS (2000,9000: streams of the whole-environment runs; 9,000 is the most this machine holds, as
//        workerd holds two file descriptors per connection and a process may open 20,000), BENCH_RELAY_SIZES (500,1000,2000,4000,8000:
//        streams held by one relay), BENCH_RELAYS (134: relays one change is sent to), BENCH_SECONDS (30),
//        BENCH_LOCATIONS (330), BENCH_PHASES (relay,fan-out,environment,control,largest,engine: the projection needs the first
//        three and engine), BENCH_LARGEST (20000 flags in the write-path run; 0 skips it), BENCH_KEEP (keep the temp dir)
//
// Phases, each on a fresh Miniflare (one workerd process: channel, relays, worker and the driver share it):
//   relay        one relay holding 250 … 8,000 streams, opened on it directly by a Durable Object of the driver
//                (scripts/bench/scale/driver.mjs: no sockets, no proxying worker): the time from a change's PATCH
//                to its event on every stream, the CPU per event and the memory per stream, by size
//   fan-out      BENCH_RELAYS relays of one stream each, held the same way: what the channel pays to tell them
//   environment  wrangler.toml's caps, BENCH_STREAMS streams over the relays they need and over sockets (each
//                proxied by the worker, as at the edge), BENCH_LOCATIONS head reads a second and a change every 600 ms
//                (100 a minute) for BENCH_SECONDS: delivery p50/p99, CPU of the idle and the busy process and of the
//                clients, how fast streams open, memory per stream
//   control      the same sockets and rhythm at the largest size with no Curtain: a worker forwarding to Durable Objects
//                that hold TransformStreams (scripts/bench/scale/control.mjs)
//   largest      a change in an environment of BENCH_LARGEST flags: the write path's time and CPU (D1 included)
//   engine       the engine alone in Node: heap and CPU of the 20,000-flag environment (scripts/bench/scale/engine-limits.mjs)
// Then the projection for the model (scripts/bench/scale/projection.mjs; method in docs/scale.md).
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { bundleWorker, callOk, removeDir, requireNode22, root, tempDir } from './bench/http/miniflare.mjs';
import { generateFlagd } from './bench/http/workload.mjs';
import { StreamClients } from './bench/scale/clients.mjs';
import { control } from './bench/scale/control.mjs';
import { cpuMs, rssMiB } from './bench/scale/cpu.mjs';
import { callCpu, heldDeliveries, locationsLoad, steadyChanges, writeCpu } from './bench/scale/measure.mjs';
import { project, report } from './bench/scale/projection.mjs';
import { startEnvironment, statePath } from './bench/scale/setup.mjs';

requireNode22();
const num = (name, dflt) => (process.env[name] ? Number(process.env[name]) : dflt);
const STREAMS = (process.env.BENCH_STREAMS ?? '2000,9000').split(',').map(Number);
const RELAY_SIZES = (process.env.BENCH_RELAY_SIZES ?? '500,1000,2000,4000,8000').split(',').map(Number);
const RELAYS = num('BENCH_RELAYS', 134);
const SECONDS = num('BENCH_SECONDS', 30);
const LOCATIONS = num('BENCH_LOCATIONS', 330);
const LARGEST = num('BENCH_LARGEST', 20_000);
const PHASES = new Set((process.env.BENCH_PHASES ?? 'relay,fan-out,environment,control,largest,engine').split(','));
const log = (...a) => console.error('bench:scale:', ...a);
const work = tempDir('curtain-bench-scale-');
const cleanups = [];
const cleanup = async () => {
  while (cleanups.length) await cleanups.pop()().catch(() => {});
  if (!process.env.BENCH_KEEP) removeDir(work);
};
process.on('SIGINT', () => cleanup().finally(() => process.exit(130)));
const BIG = '1000000000';

async function phase(name, vars) {
  const env = await startEnvironment({ scriptPath, stateDir: statePath(work, name), vars });
  const clients = new StreamClients(env.streamUrl);
  const stop = async () => {
    clients.close();
    await env.stop();
  };
  cleanups.push(stop);
  return { env, clients, stop };
}

log('bundling the worker (wrangler deploy --dry-run)…');
const scriptPath = bundleWorker(join(work, 'bundle'));
const results = { relay: [], fanOut: null, environment: null, control: null, channel: null, largest: null, engine: null };
try {
  // 1. One relay, by size: streams held by the driver on the relay directly.
  if (PHASES.has('relay')) {
    const { env, stop } = await phase('relay', { STREAMS_PER_ENVIRONMENT: BIG, STREAMS_PER_KEY: BIG, STREAMS_PER_RELAY: BIG });
    const baselineCpuMs = await writeCpu(env);
    results.writeCpuMs = baselineCpuMs;
    log(`relay: a change with no stream costs ${baselineCpuMs.toFixed(0)} ms of CPU (the write path)`);
    const relay = `${env.environmentId}:bench:0`;
    let held = 0;
    const rss0 = rssMiB(env.pids);
    for (const size of RELAY_SIZES) {
      const c0 = cpuMs(env.pids);
      const t0 = Date.now();
      const got = await env.drive('/hold', { key: env.keyId, relays: relay, n: size - held });
      if (got.failed) throw new Error(`${got.failed} streams refused on one relay`);
      held = got.held;
      const openMs = Date.now() - t0;
      const openCpuMs = cpuMs(env.pids) - c0;
      const rss = rssMiB(env.pids);
      await heldDeliveries(env, { count: 1, baselineCpuMs }); // warm
      const row = await heldDeliveries(env, { count: 8, baselineCpuMs });
      results.relay.push({ ...row, opensPerS: ((size - (results.relay.at(-1)?.streams ?? 0)) / openMs) * 1000, openCpuUs: (openCpuMs / (size - (results.relay.at(-1)?.streams ?? 0))) * 1000, rssKiBPerStream: ((rss - rss0) / held) * 1024 });
      log(`relay: ${held} streams: p50 ${row.p50.toFixed(0)} ms, p99 ${row.p99.toFixed(0)} ms, ${row.cpuMsPerEvent.toFixed(0)} ms CPU per event, ${results.relay.at(-1).rssKiBPerStream.toFixed(1)} KiB per stream`);
    }
    // the JavaScript part of a stream: writer and reader in one object, no pipe between objects
    const local = 20_000;
    const r0 = rssMiB(env.pids);
    await env.drive('/local', { n: local });
    await new Promise((r) => setTimeout(r, 500));
    results.streamJsKiB = ((rssMiB(env.pids) - r0) / local) * 1024;
    log(`relay: a stream's JavaScript objects (both ends, in one object): ${results.streamJsKiB.toFixed(1)} KiB`);
    await stop();
  }

  // 2. The channel's fan-out: RELAYS relays of one stream each.
  if (PHASES.has('fan-out')) {
    const { env, stop } = await phase('fanout', { STREAMS_PER_ENVIRONMENT: BIG, STREAMS_PER_KEY: BIG, STREAMS_PER_RELAY: BIG });
    const baselineCpuMs = await writeCpu(env);
    const relays = Array.from({ length: RELAYS }, (_, i) => `${env.environmentId}:bench:${i}`);
    const got = await env.drive('/hold', { key: env.keyId, relays: relays.join(','), n: 1 });
    const { held } = await env.drive('/relays');
    await heldDeliveries(env, { count: 1, baselineCpuMs });
    const row = await heldDeliveries(env, { count: 10, baselineCpuMs });
    results.fanOut = { ...row, relays: held.length, failed: got.failed };
    log(`fan-out: ${held.length} relays: p50 ${row.p50.toFixed(0)} ms, p99 ${row.p99.toFixed(0)} ms, ${row.cpuMsPerEvent.toFixed(0)} ms CPU per event`);
    await stop();
  }

  // 3. The environment as configured, under the locations' reads and 100 changes a minute.
  if (PHASES.has('environment')) {
    const { env, clients, stop } = await phase('environment', {});
    results.channel = { headCpuMs: await callCpu(env, '/heads', LOCATIONS), reportCpuMs: await callCpu(env, '/applied', LOCATIONS) };
    log(`channel: ${(results.channel.headCpuMs * 1000).toFixed(0)} µs of CPU per head read, ${(results.channel.reportCpuMs * 1000).toFixed(0)} µs per applied report (caller's part included)`);
    const load = locationsLoad(env, LOCATIONS);
    results.environment = [];
    for (const size of STREAMS) {
      const rss0 = rssMiB(env.pids);
      let c0 = cpuMs(env.pids);
      const before = clients.clients.length;
      const openMs = await clients.open(size - before, 64);
      const openCpuMs = cpuMs(env.pids) - c0;
      const rss1 = rssMiB(env.pids);
      const { held, channel } = await env.drive('/relays');
      log(`environment: ${clients.clients.length} streams over ${held.length} relays (${held.join(', ')}); the channel counts ${channel}`);
      await new Promise((r) => setTimeout(r, 2000));
      c0 = cpuMs(env.pids);
      const idleStart = Date.now();
      await new Promise((r) => setTimeout(r, 10_000));
      const idleCpuPerS = (cpuMs(env.pids) - c0) / ((Date.now() - idleStart) / 1000);
      const row = await steadyChanges(env, clients, { seconds: SECONDS, everyMs: 600 });
      results.environment.push({
        ...row,
        relays: held.length,
        held,
        opensPerS: ((size - before) / openMs) * 1000,
        openCpuUsPerStream: (openCpuMs / (size - before)) * 1000,
        refused: { ...clients.refused },
        rssMiBPerKStream: ((rss1 - rss0) / (size - before)) * 1000,
        idleCpuPerS,
        busyCpuPerS: row.serverCpuPerS,
        locations: LOCATIONS,
      });
      log(`environment: p50 ${row.p50.toFixed(0)} ms, p99 ${row.p99.toFixed(0)} ms over ${row.events} changes; workerd CPU ${idleCpuPerS.toFixed(0)} ms/s idle, ${row.serverCpuPerS.toFixed(0)} ms/s with changes; the clients ${row.clientCpuPerS.toFixed(0)} ms/s`);
    }
    await load.stop();
    await stop();
  }

  // 3b. The control: the same sockets and rhythm with no Curtain (scripts/bench/scale/control.mjs).
  if (PHASES.has('control')) {
    results.control = await control({ streams: Math.max(...STREAMS), seconds: SECONDS, everyMs: 600 });
    log(`control: ${results.control.streams} streams, no Curtain: p50 ${results.control.p50.toFixed(0)} ms, p99 ${results.control.p99.toFixed(0)} ms, ${results.control.missed} missed`);
  }

  // 4. The largest environment's write path: a change among 20,000 flags (validated against all of them, committed,
  //    its snapshot rebuilt from D1 and published in chunks).
  if (LARGEST && PHASES.has('largest')) {
    const { env, stop } = await phase('largest', {});
    const t0 = Date.now();
    await callOk(env.url, 'PUT', '/api/v1/projects/default/environments/development/flagd', { token: env.adminToken, body: generateFlagd({ nFlags: LARGEST }) });
    const importMs = Date.now() - t0;
    const patches = [];
    for (let i = 0; i < 5; i++) {
      const c0 = cpuMs(env.pids);
      const w0 = performance.now();
      await callOk(env.url, 'PATCH', '/api/v1/projects/default/environments/development/flags/flag-100', { token: env.adminToken, body: { state: i % 2 ? 'ENABLED' : 'DISABLED' } });
      patches.push({ ms: performance.now() - w0, cpuMs: cpuMs(env.pids) - c0 });
    }
    const mid = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
    results.largest = { flags: LARGEST, importMs, patchMs: mid(patches.map((p) => p.ms)), patchCpuMs: mid(patches.map((p) => p.cpuMs)) };
    log(`largest: ${LARGEST} flags imported in ${(importMs / 1000).toFixed(1)} s; a change takes ${results.largest.patchMs.toFixed(0)} ms (${results.largest.patchCpuMs.toFixed(0)} ms of CPU)`);
    await stop();
  }

  // 5. The engine and the largest environment, in Node.
  if (PHASES.has('engine')) {
    const bundle = join(work, 'engine.mjs');
    await build({ entryPoints: [join(root, 'worker/src/engine/index.ts')], bundle: true, format: 'esm', minify: true, platform: 'neutral', target: 'es2022', outfile: bundle, logLevel: 'error' });
    const r = spawnSync(process.execPath, ['--expose-gc', join(root, 'scripts/bench/scale/engine-limits.mjs'), bundle, '20000'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    results.engine = JSON.parse(r.stdout.trim().split('\n').pop());
  }

  const header = [
    `## bench:scale — ${new Date().toISOString()}`,
    '',
    `Node ${process.version}; ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}. ` +
      'Everything in one workerd process (channel, relays, the worker that proxies each stream, the driver) and the clients in Node, on this machine.',
  ];
  const complete = results.relay.length && results.fanOut && results.channel;
  console.log([...header, '', report(results, complete ? project(results) : null), ''].join('\n'));
} catch (err) {
  console.error('bench:scale failed:', err?.stack ?? err);
  process.exitCode = 1;
} finally {
  await cleanup();
}
