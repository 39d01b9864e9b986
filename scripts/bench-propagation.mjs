#!/usr/bin/env node
// `npm run bench:propagation`: edit-to-visible latency. A flag is edited through the admin API 50 times;
// after each PATCH response (the write is committed and published) OFREP is polled every 20 ms until it
// serves the new value.
//
//   npm run bench:propagation
//   env: CURTAIN_URL + CURTAIN_ADMIN_TOKEN + CURTAIN_SDK_KEY   use a running Curtain instead of starting one
//        BENCH_EDITS (50), BENCH_INTERVAL_MS (20), BENCH_SERIES (start,miniflare), BENCH_KEEP (keep temp dirs)
//
// Series:
//   start      the app as `npm start` runs it (wrangler dev; one isolate), edits and reads on one origin. The
//              isolate that committed a write serves it at once (read-your-writes), so this measures the
//              write path plus one evaluation, not propagation.
//   miniflare  the bundled worker (`wrangler deploy --dry-run`) in one Miniflare, as THREE workers from the
//              same bundle sharing D1, KV and the EnvironmentChannel Durable Object: each worker is its own
//              isolate with its own module state, i.e. its own in-memory snapshot. Edits go to `curtain`;
//              reads go (a) to `curtain` itself, (b) to `curtain-edge`, another isolate of the same location
//              (same Cache API storage), (c) to `curtain-edge-nocache`, another isolate with the Cache API
//              disabled, so every revalidation asks the Durable Object.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import {
  applyMigrations,
  bootstrap,
  bundleWorker,
  curtainWorker,
  randomToken,
  removeDir,
  requireNode22,
  root,
  startMiniflare,
  tempDir,
} from './bench/http/miniflare.mjs';
import { measure, propagationStatus, stats } from './bench/propagation/measure.mjs';

requireNode22();
const EDITS = Number(process.env.BENCH_EDITS ?? 50);
const INTERVAL = Number(process.env.BENCH_INTERVAL_MS ?? 20);
const SERIES = (process.env.BENCH_SERIES ?? 'start,miniflare').split(',');
const log = (...a) => console.error('bench:propagation:', ...a);
const cleanups = [];
const cleanup = async () => {
  while (cleanups.length) await cleanups.pop()().catch(() => {});
};
process.on('SIGINT', () => cleanup().finally(() => process.exit(130)));

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/** `node scripts/start.mjs` in its own process group, on a free port and a temp state directory. */
async function startApp() {
  const stateDir = tempDir('curtain-bench-prop-state-');
  const port = await freePort();
  const adminToken = randomToken();
  const built = existsSync(join(root, 'dashboard/dist/index.html'));
  const args = [join(root, 'scripts/start.mjs'), ...(built ? ['--no-build'] : [])];
  log(`starting the app: node ${args.map((a) => a.replace(root + '/', '')).join(' ')} (port ${port}, state ${stateDir})`);
  const child = spawn(process.execPath, args, {
    cwd: root,
    detached: true,
    env: { ...process.env, CURTAIN_PORT: String(port), CURTAIN_HOST: '127.0.0.1', CURTAIN_STATE_DIR: stateDir, CURTAIN_ADMIN_TOKEN: adminToken },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanups.push(async () => {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
    if (!process.env.BENCH_KEEP) removeDir(stateDir);
  });
  let out = '';
  child.stderr.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the app did not become ready in 120 s:\n${out}`)), 120_000);
    child.on('exit', (code) => reject(new Error(`the app exited (${code}):\n${out}`)));
    child.stdout.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('curtain:ready '));
      if (line) {
        clearTimeout(timer);
        const ready = JSON.parse(line.slice('curtain:ready '.length));
        resolve({ url: ready.apiUrl.replace(/\/api\/v1$/, ''), adminToken: ready.adminToken, sdkKey: ready.sdkKey });
      }
    });
  });
}

const rows = [];
const statuses = [];
const progress = (series) => (i, patchMs, r) => {
  if (i % 10 === 0 || i === 1)
    log(`${series} edit ${i}/${EDITS}: PATCH ${patchMs.toFixed(0)} ms; visible after ${Object.entries(r).map(([k, v]) => `${k} ${v === null ? 'TIMEOUT' : v.toFixed(0) + ' ms'}`).join(', ')}`);
};

try {
  if (SERIES.includes('start')) {
    const given = process.env.CURTAIN_URL && process.env.CURTAIN_ADMIN_TOKEN && process.env.CURTAIN_SDK_KEY;
    const app = given
      ? { url: process.env.CURTAIN_URL.replace(/\/$/, ''), adminToken: process.env.CURTAIN_ADMIN_TOKEN, sdkKey: process.env.CURTAIN_SDK_KEY }
      : await startApp();
    if (!app.sdkKey) throw new Error('no SDK key: pass CURTAIN_SDK_KEY');
    log(`${given ? 'using' : 'started'} ${app.url}`);
    const label = given ? 'running instance' : 'npm start (wrangler dev)';
    const patchTimes = [];
    const samples = await measure({
      writer: app.url,
      readers: { [label]: app.url },
      adminToken: app.adminToken,
      sdkKey: app.sdkKey,
      edits: EDITS,
      intervalMs: INTERVAL,
      onEdit: (i, patchMs, r) => (patchTimes.push(patchMs), progress('start')(i, patchMs, r)),
    });
    rows.push({ series: label, reads: 'same origin, same isolate (read-your-writes)', ...stats(samples[label]), patch: stats(patchTimes) });
    statuses.push({ series: label, status: await propagationStatus(app.url, app.adminToken) });
    await cleanup();
  }

  if (SERIES.includes('miniflare')) {
    const work = tempDir('curtain-bench-prop-mf-');
    cleanups.push(async () => {
      if (!process.env.BENCH_KEEP) removeDir(work);
    });
    log('bundling the worker (wrangler deploy --dry-run)…');
    const scriptPath = bundleWorker(join(work, 'bundle'));
    const adminToken = randomToken();
    const direct = { unsafeDirectSockets: [{ host: '127.0.0.1', port: 0 }] };
    const { mf, url } = await startMiniflare(
      {
        workers: [
          await curtainWorker({ name: 'curtain', scriptPath, adminToken }),
          await curtainWorker({ name: 'curtain-edge', scriptPath, adminToken, channelsIn: 'curtain', extra: direct }),
          await curtainWorker({ name: 'curtain-edge-nocache', scriptPath, adminToken, channelsIn: 'curtain', extra: { ...direct, cacheAPI: false } }),
        ],
      },
      { persistTo: join(work, 'state') },
    );
    cleanups.push(() => mf.dispose());
    await applyMigrations(await mf.getD1Database('DB', 'curtain'));
    const edge = (await mf.unsafeGetDirectURL('curtain-edge')).toString().replace(/\/$/, '');
    const edgeNoCache = (await mf.unsafeGetDirectURL('curtain-edge-nocache')).toString().replace(/\/$/, '');
    const sdkKey = await bootstrap(url, adminToken);
    log(`miniflare: writer ${url}, edge ${edge}, edge without cache ${edgeNoCache}`);
    const names = {
      same: 'Miniflare: writer isolate',
      edge: 'Miniflare: 2nd isolate, shared cache',
      nocache: 'Miniflare: 3rd isolate, no Cache API',
    };
    const patchTimes = [];
    const samples = await measure({
      writer: url,
      readers: { [names.same]: url, [names.edge]: edge, [names.nocache]: edgeNoCache },
      adminToken,
      sdkKey,
      edits: EDITS,
      intervalMs: INTERVAL,
      onEdit: (i, patchMs, r) => (patchTimes.push(patchMs), progress('miniflare')(i, patchMs, r)),
    });
    const patch = stats(patchTimes);
    rows.push({ series: names.same, reads: 'the isolate that handled the PATCH (read-your-writes)', ...stats(samples[names.same]), patch });
    rows.push({ series: names.edge, reads: 'another isolate, same location cache: revalidates ≤ 1 s', ...stats(samples[names.edge]), patch });
    rows.push({ series: names.nocache, reads: 'another isolate, no cache: asks the Durable Object every 1 s', ...stats(samples[names.nocache]), patch });
    statuses.push({ series: 'Miniflare', status: await propagationStatus(url, adminToken) });
  }

  const f = (x) => (Number.isFinite(x) ? x.toFixed(0) : '–');
  const out = [
    `## bench:propagation — ${new Date().toISOString()}`,
    '',
    `${EDITS} edits (PATCH defaultVariant, alternating), OFREP polled every ${INTERVAL} ms from the PATCH response; ` +
      `Node ${process.version}; ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}.`,
    `With ${EDITS} samples p99 is the ${Math.ceil(0.99 * EDITS)}th smallest (nearest rank), i.e. the maximum when n ≤ 100.`,
    '',
    '| series | reads through | n | p50 ms | p95 ms | p99 ms | max ms | timeouts | PATCH p50 ms |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.series} | ${r.reads} | ${r.n} | ${f(r.p50)} | ${f(r.p95)} | ${f(r.p99)} | ${f(r.max)} | ${r.timeouts} | ${f(r.patch.p50)} |`),
    '',
    ...statuses.flatMap(({ series, status }) => [
      `Propagation status after the run (${series}): version ${status.version}; isolates that applied it ${status.applied.isolates}/${status.applied.ofIsolates}` +
        ` in ${status.applied.locations}/${status.applied.ofLocations} location(s); last applied ${status.lastAppliedAt ?? '–'}`,
      '```json',
      JSON.stringify(status),
      '```',
    ]),
    '',
  ].join('\n');
  console.log(out);
} catch (err) {
  console.error('bench:propagation failed:', err?.stack ?? err);
  process.exitCode = 1;
} finally {
  await cleanup();
}
