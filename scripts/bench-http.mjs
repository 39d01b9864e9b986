#!/usr/bin/env node
// `npm run bench:http`: HTTP throughput of the bundled worker, served by Miniflare directly over loopback,
// side by side with a trivial worker returning constant JSON (the ceiling of this machine and runtime).
//
//   npm run bench:http
//   env: BENCH_TOOL (wrk | autocannon; default wrk when installed), BENCH_ROUNDS (16), BENCH_SECONDS (4 per target
//        and round), BENCH_WARMUP (2 s per target, once, before the first round), BENCH_CONNECTIONS (32),
//        BENCH_FLAGS (200), BENCH_TARGETS (trivial,single,bulk; also trivial-read, trivial-get), BENCH_KEEP (keep
//        the temp dir), BENCH_PIN (1: workerd on CPUs 1.., wrk on CPU 0), BENCH_AB (another checkout of Curtain, with
//        its dependencies installed: its worker is served beside this one, as the targets single-before and
//        bulk-before in the same rounds, for a before/after from one run), BENCH_RELEASE (1: the same flags in
//        staging with the single target's flag under a running release at 50 %, as the targets single-release
//        and bulk-release in the same rounds: what a running release adds to a request), BENCH_USERS (N: each
//        request, to every target, for the next of N users rather than always the same one; needs wrk)
//
// Why many short rounds: this machine's throughput swings by 10–20 % from one second to the next, whatever
// runs. Short runs in rotating order pair every target with a trivial run seconds away, and the ratio of the
// means over many such pairs (with a bootstrap confidence interval over the rounds) is the reading.
//
// What it does: bundles the worker with `wrangler deploy --dry-run --outdir`, starts it in Miniflare with
// wrangler.toml's bindings as wrangler converts them (D1, KV, the EnvironmentChannel Durable Object, the
// EVALUATION_LIMIT rate limiter) and a random CURTAIN_ADMIN_TOKEN, applies migrations/, bootstraps (a server
// SDK key, which has no evaluation limit: the benchmark measures evaluation, never the limiter, however fast
// the machine), imports BENCH_FLAGS flags into development as a flagd file, checks every endpoint answers
// 200 with the expected body, then loads, in rotating order per round:
//   trivial  the same POST to a separate Miniflare serving a constant-JSON worker (trivial-read: after reading
//            the body; trivial-get: GET /)
//   single   POST /ofrep/v1/evaluate/flags/<key>  (one targeted flag, realistic context)
//   bulk     POST /ofrep/v1/evaluate/flags        (all flags for one context)
// Prints (scripts/bench/http/report.mjs) per target the workerd CPU per request and req/s, each as a ratio to
// the trivial worker with its 95 % interval and the targets' verdicts, the non-2xx answers seen (counted, never
// fatal), then every run.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import {
  applyMigrations,
  bootstrap,
  bundleWorker,
  call,
  callOk,
  curtainWorker,
  randomToken,
  releaseInStaging,
  removeDir,
  requireNode22,
  startMiniflare,
  tempDir,
  trivialWorker,
  withoutLimit,
} from './bench/http/miniflare.mjs';
import { benchContext, flagKey, generateFlagd } from './bench/http/workload.mjs';
import { hasWrk, makeLoader } from './bench/http/load.mjs';
import { markdown, summarize } from './bench/http/report.mjs';

requireNode22();

/** The processes this one started (Miniflare's workerd), by pid. */
function childProcesses() {
  const r = spawnSync('pgrep', ['-P', String(process.pid)], { encoding: 'utf8' });
  return r.stdout.split('\n').filter(Boolean).map(Number);
}
const TICK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
/** User + system CPU seconds of processes (and their threads), from /proc. */
function cpuSeconds(pids) {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of the line)
    } catch {
      // gone
    }
  }
  return ticks / TICK;
}
// BENCH_PIN=1: this process and the workerd processes it starts on CPUs 1.., the load generator on CPU 0, so
// that the two do not take turns on the same core (less noise on a small machine). Needs taskset (util-linux).
if (process.env.BENCH_PIN) {
  const cpus = `1-${Math.max(1, (await import('node:os')).cpus().length - 1)}`;
  const r = (await import('node:child_process')).spawnSync('taskset', ['-a', '-cp', cpus, String(process.pid)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`BENCH_PIN: taskset failed: ${r.stderr}`);
}
const num = (name, dflt) => (process.env[name] ? Number(process.env[name]) : dflt);
const SECONDS = num('BENCH_SECONDS', 4);
const WARMUP = num('BENCH_WARMUP', 2);
const CONNECTIONS = num('BENCH_CONNECTIONS', 32);
const ROUNDS = num('BENCH_ROUNDS', 16);
const N_FLAGS = num('BENCH_FLAGS', 200);
const tool = process.env.BENCH_TOOL ?? (hasWrk() ? 'wrk' : 'autocannon');
if (tool === 'wrk' && !hasWrk()) {
  console.error('BENCH_TOOL=wrk but wrk is not installed (apt-get install -y wrk)');
  process.exit(1);
}
const log = (...a) => console.error('bench:http:', ...a);

const work = tempDir('curtain-bench-http-');
const servers = [];
async function cleanup() {
  for (const s of servers) await s.mf.dispose().catch(() => {});
  if (!process.env.BENCH_KEEP) removeDir(work);
}
process.on('SIGINT', () => cleanup().finally(() => process.exit(130)));

try {
  log(`bundling the worker (wrangler deploy --dry-run --outdir ${join(work, 'bundle')})…`);
  const scriptPath = bundleWorker(join(work, 'bundle'));
  const adminToken = randomToken();

  const curtain = await startMiniflare({ ...(await curtainWorker({ scriptPath, adminToken })) }, { persistTo: join(work, 'state') });
  servers.push(curtain);
  const curtainProcs = childProcesses();
  const migrations = await applyMigrations(await curtain.mf.getD1Database('DB'));
  log(`curtain at ${curtain.url} (migrations: ${migrations.join(', ')})`);
  const sdkKey = await bootstrap(curtain.url, adminToken);
  await withoutLimit(curtain.url, adminToken, sdkKey);
  const flagd = generateFlagd({ nFlags: N_FLAGS });
  const imported = await callOk(curtain.url, 'PUT', '/api/v1/projects/default/environments/development/flagd', { token: adminToken, body: flagd });
  log(`imported ${imported.report.created.length} flags into development`);

  // BENCH_AB: another version of Curtain in the same rounds (before/after from one run, whatever the machine does)
  let abProcs = [];
  let ab = null;
  if (process.env.BENCH_AB) {
    const abScript = bundleWorker(join(work, 'bundle-ab'), resolve(process.env.BENCH_AB));
    const server = await startMiniflare({ ...(await curtainWorker({ scriptPath: abScript, adminToken })) }, { persistTo: join(work, 'state-ab') });
    servers.push(server);
    abProcs = childProcesses().filter((pid) => !curtainProcs.includes(pid));
    await applyMigrations(await server.mf.getD1Database('DB'));
    const key = await bootstrap(server.url, adminToken);
    await withoutLimit(server.url, adminToken, key);
    await callOk(server.url, 'PUT', '/api/v1/projects/default/environments/development/flagd', { token: adminToken, body: flagd });
    ab = { url: server.url, key };
    log(`before (${process.env.BENCH_AB}) at ${server.url}`);
  }

  const trivial = await startMiniflare(trivialWorker(), {});
  servers.push(trivial);
  const trivialProcs = childProcesses().filter((pid) => !curtainProcs.includes(pid) && !abProcs.includes(pid));
  log(`trivial worker at ${trivial.url}`);

  const single = flagKey(2); // a targeted string flag: misses r1..r3 for the context, ends in the fractional rollout
  const release = process.env.BENCH_RELEASE === '1' ? await releaseInStaging(curtain.url, adminToken, flagd, single) : null;
  const ofrepHeaders = { 'content-type': 'application/json', authorization: `Bearer ${sdkKey}` };
  const body = JSON.stringify({ context: benchContext });
  const targets = {
    // the trivial worker gets the very same request (method, headers, body) so only the work differs
    trivial: { url: `${trivial.url}/ofrep/v1/evaluate/flags/${single}`, method: 'POST', headers: ofrepHeaders, body },
    'trivial-get': { url: `${trivial.url}/`, method: 'GET', headers: {} },
    'trivial-read': { url: `${trivial.url}/read-body`, method: 'POST', headers: ofrepHeaders, body },
    single: { url: `${curtain.url}/ofrep/v1/evaluate/flags/${single}`, method: 'POST', headers: ofrepHeaders, body },
    bulk: { url: `${curtain.url}/ofrep/v1/evaluate/flags`, method: 'POST', headers: ofrepHeaders, body },
  };
  if (release) {
    const releaseHeaders = { ...ofrepHeaders, authorization: `Bearer ${release}` };
    targets['single-release'] = { url: `${curtain.url}/ofrep/v1/evaluate/flags/${single}`, method: 'POST', headers: releaseHeaders, body };
    targets['bulk-release'] = { url: `${curtain.url}/ofrep/v1/evaluate/flags`, method: 'POST', headers: releaseHeaders, body };
  }
  if (ab) {
    const abHeaders = { ...ofrepHeaders, authorization: `Bearer ${ab.key}` };
    targets['single-before'] = { url: `${ab.url}/ofrep/v1/evaluate/flags/${single}`, method: 'POST', headers: abHeaders, body };
    targets['bulk-before'] = { url: `${ab.url}/ofrep/v1/evaluate/flags`, method: 'POST', headers: abHeaders, body };
  }

  // BENCH_USERS: many users, one per request (the answers differ; nothing is the same as the request before)
  const users = Number(process.env.BENCH_USERS ?? 0);
  if (users > 0) for (const t of Object.values(targets)) if (t.body) Object.assign(t, { users, userKey: benchContext.targetingKey });

  // A benchmark of 401s is worthless: check each answer first.
  const check = async (name, ok) => {
    const t = targets[name];
    const r = await call(t.url, t.method, '', {
      headers: t.headers,
      ...(t.body ? { body: JSON.parse(t.body) } : {}),
    }).catch((e) => ({ status: 0, text: String(e) }));
    if (r.status !== 200 || !ok(r.json)) throw new Error(`${name}: unexpected answer ${r.status} ${String(r.text).slice(0, 300)}`);
    return r.json;
  };
  const t0 = await check('trivial', (j) => j?.ok === true);
  await check('trivial-get', (j) => j?.ok === true);
  await check('trivial-read', (j) => j?.ok === true);
  const s0 = await check('single', (j) => j?.key === single && typeof j.value === 'string' && typeof j.variant === 'string');
  const b0 = await check('bulk', (j) => Array.isArray(j?.flags) && j.flags.length === N_FLAGS && j.flags.every((f) => 'value' in f));
  if (ab) {
    const sb = await check('single-before', (j) => j?.key === single);
    const bb = await check('bulk-before', (j) => Array.isArray(j?.flags) && j.flags.length === N_FLAGS);
    if (JSON.stringify(sb) !== JSON.stringify(s0) || JSON.stringify(bb.flags) !== JSON.stringify(b0.flags)) log('note: before and after answer differently');
  }
  if (release) {
    const sr = await check('single-release', (j) => j?.key === single && typeof j.value === 'string');
    await check('bulk-release', (j) => Array.isArray(j?.flags) && j.flags.length === N_FLAGS);
    log(`checked: single-release ${JSON.stringify(sr)}`);
  }
  log(`checked: trivial ${JSON.stringify(t0)}; single ${JSON.stringify(s0)}; bulk ${b0.flags.length} flags, ${JSON.stringify(b0).length} bytes`);

  const startLoad = loadavg();
  const load = makeLoader({ tool, connections: CONNECTIONS, threads: 1, scriptDir: work });
  const names = (process.env.BENCH_TARGETS ?? ['trivial,single,bulk', ab ? 'single-before,bulk-before' : '', release ? 'single-release,bulk-release' : ''].filter(Boolean).join(',')).split(',');
  if (!names.includes('trivial')) throw new Error('BENCH_TARGETS must include trivial: every ratio is to it');
  // warm-up once per target (JIT, connections); the rounds follow each other without pause
  if (WARMUP > 0) for (const name of names) await load(targets[name], WARMUP, `${name}-warmup`);
  const runs = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const order = names.map((_, i) => names[(i + round - 1) % names.length]);
    for (const name of order) {
      const procs = name.startsWith('trivial') ? trivialProcs : name.endsWith('-before') ? abProcs : curtainProcs;
      const cpu0 = cpuSeconds(procs);
      const r = await load(targets[name], SECONDS, name);
      // CPU of the serving workerd process per request: a second reading, less dependent on the load generator's share
      r.cpuUs = ((cpuSeconds(procs) - cpu0) * 1e6) / r.requests;
      // counted and reported, never fatal: a run that meets a limit or a fault still completes and says so
      runs.push({ round, name, load1: loadavg()[0], ...r });
      const bad = r.errors > 0 ? `, ${r.non2xx} non-2xx and ${r.errors - r.non2xx} socket errors` : '';
      log(`round ${round} ${name}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, ${r.cpuUs.toFixed(0)} µs CPU/request${bad} (load ${loadavg()[0].toFixed(1)})`);
    }
  }

  const summary = summarize(runs, names, ROUNDS);
  const header = [
    `## bench:http — ${new Date().toISOString()}`,
    ``,
    `${tool}${tool === 'wrk' ? ' (1 thread)' : ''}, ${CONNECTIONS} connections, ${WARMUP} s warm-up per target (once) + ${SECONDS} s measured per run, ${ROUNDS} rounds in rotating order; ` +
      `${N_FLAGS} flags; ${users > 0 ? `${users} users in turn, one per request (BENCH_USERS)` : 'one user'}; SDK key: a server key without an evaluation limit (the rate limiter is never called); Node ${process.version}; ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}.`,
    `single = POST /ofrep/v1/evaluate/flags/${single}; bulk = POST /ofrep/v1/evaluate/flags (${N_FLAGS} flags, ${JSON.stringify(b0).length} bytes); ` +
      `trivial = the same POST (same headers and body) to a worker answering constant JSON without reading it; trivial-read = the same POST to that worker, which reads the body before answering (the floor of any POST handler); trivial-get = GET / on that worker (no request body). ` +
      `workerd CPU µs/req: user + system CPU of the serving workerd process (all threads, Miniflare's entry worker included; /proc) per request — the work per request, whatever share of the 2 cores wrk took; "trivial's CPU / this" is the share of the trivial worker's throughput a target would reach with the CPU to itself. ` +
      `req/s ratios are to the trivial POST of the same round, read as the ratio of the means over all rounds; both ratios with a 95 % bootstrap interval (rounds resampled, 4,000 times, seeded). Load average before the run: ${startLoad.map((x) => x.toFixed(1)).join(' ')}.`,
  ];
  const report = markdown({ header, summary, runs });
  console.log(report);
  const resultsDir = tempDir('curtain-bench-http-results-');
  writeFileSync(join(resultsDir, 'results.md'), report);
  writeFileSync(join(resultsDir, 'results.json'), JSON.stringify({ tool, connections: CONNECTIONS, seconds: SECONDS, warmup: WARMUP, rounds: ROUNDS, runs, summary }, null, 2));
  log(`results written to ${resultsDir}/results.{md,json}`);
} catch (err) {
  console.error('bench:http failed:', err?.stack ?? err);
  process.exitCode = 1;
} finally {
  await cleanup();
}
