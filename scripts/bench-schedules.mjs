#!/usr/bin/env node
// `npm run bench:schedules`: what pending scheduled changes cost. The bundled worker in Miniflare (as bench:http
// serves it); one environment measured with no scheduled change pending, then with BENCH_PENDING (1,000) pending on
// one flag of it and spread over others: the latency of a flag write (PATCH of another flag's rules, committed and
// published), of the first OFREP request after it (the isolate adopts the new snapshot: parse, compile), and of
// OFREP requests after that (single for the flag with the changes, single for another, bulk), medians of
// BENCH_ROUNDS (40) each. The two series run one after the other on the same Miniflare and are reported side by
// side with their ratio.
//
//   npm run bench:schedules      env: BENCH_PENDING (1000), BENCH_ROUNDS (40)
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { applyMigrations, bootstrap, bundleWorker, call, callOk, curtainWorker, randomToken, removeDir, requireNode22, startMiniflare, tempDir } from './bench/http/miniflare.mjs';

requireNode22();
const PENDING = Number(process.env.BENCH_PENDING ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 40);
const log = (...a) => console.error('bench:schedules:', ...a);
const ENV = '/api/v1/projects/default/environments/development';
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timed(fn) {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

/** Medians (ms) of a flag write and of OFREP reads, each repeated ROUNDS times. */
async function series(url, adminToken, sdkKey, label) {
  const writes = [];
  const adopt = [];
  const single = [];
  const other = [];
  const bulk = [];
  const ofrep = (path) => call(url, 'POST', `/ofrep/v1/evaluate/flags${path}`, { token: sdkKey, body: { context: { targetingKey: 'u-1', plan: 'beta' } } });
  for (let i = 0; i < ROUNDS; i++) {
    writes.push(await timed(async () => callOk(url, 'PATCH', `${ENV}/flags/other`, { token: adminToken, body: { targeting: { if: [{ '==': [{ var: 'n' }, i] }, 'on', null] } } })));
    // the first read after a write adopts the new snapshot; the reads after it are the steady state
    adopt.push(await timed(() => ofrep('/other')));
    single.push(await timed(() => ofrep('/scheduled')));
    other.push(await timed(() => ofrep('/other')));
    bulk.push(await timed(() => ofrep('')));
  }
  const row = { label, write: median(writes), adopt: median(adopt), single: median(single), other: median(other), bulk: median(bulk) };
  log(`${label}: write ${row.write.toFixed(1)} ms, first read after it ${row.adopt.toFixed(2)} ms, OFREP scheduled flag ${row.single.toFixed(2)} ms, other flag ${row.other.toFixed(2)} ms, bulk ${row.bulk.toFixed(2)} ms`);
  return row;
}

const work = tempDir('curtain-bench-sched-');
let mf;
try {
  log('bundling the worker (wrangler deploy --dry-run)…');
  const scriptPath = bundleWorker(join(work, 'bundle'));
  const adminToken = randomToken();
  const started = await startMiniflare({ workers: [await curtainWorker({ name: 'curtain', scriptPath, adminToken })] }, { persistTo: join(work, 'state') });
  mf = started.mf;
  const url = started.url;
  await applyMigrations(await mf.getD1Database('DB', 'curtain'));
  const sdkKey = await bootstrap(url, adminToken);
  for (const key of ['scheduled', 'other', ...Array.from({ length: 8 }, (_, i) => `spread-${i}`)]) {
    await callOk(url, 'POST', '/api/v1/projects/default/flags', { token: adminToken, body: { key, environments: { development: { state: 'ENABLED' } } } });
  }
  const none = await series(url, adminToken, sdkKey, 'no change pending');

  log(`scheduling ${PENDING} changes (half on one flag, half over 8 others)…`);
  const t0 = Date.now() + 24 * 3600_000;
  const adds = [];
  for (let i = 0; i < PENDING; i++) {
    const flag = i % 2 === 0 ? 'scheduled' : `spread-${i % 8}`;
    const body = { at: new Date(t0 + i * 60_000).toISOString(), targeting: { if: [{ '==': [{ var: 'plan' }, `p${i}`] }, 'on', null] } };
    adds.push(await timed(() => callOk(url, 'POST', `${ENV}/flags/${flag}/schedule`, { token: adminToken, body })));
    if ((i + 1) % 250 === 0) log(`  ${i + 1} scheduled; the last 50 took ${median(adds.slice(-50)).toFixed(1)} ms each (median)`);
  }
  const many = await series(url, adminToken, sdkKey, `${PENDING} changes pending`);

  const f = (x) => x.toFixed(2);
  const ratio = (a, b) => (a / b).toFixed(2);
  console.log(
    [
      `## bench:schedules — ${new Date().toISOString()}`,
      '',
      `Miniflare, one isolate; medians of ${ROUNDS} rounds; Node ${process.version}; ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}.`,
      `Scheduling itself: the first 50 took ${f(median(adds.slice(0, 50)))} ms each, the last 50 ${f(median(adds.slice(-50)))} ms (median).`,
      '',
      '| | flag write ms | first OFREP after it ms | OFREP, the flag with changes ms | OFREP, another flag ms | OFREP bulk ms |',
      '|---|---:|---:|---:|---:|---:|',
      `| ${none.label} | ${f(none.write)} | ${f(none.adopt)} | ${f(none.single)} | ${f(none.other)} | ${f(none.bulk)} |`,
      `| ${many.label} | ${f(many.write)} | ${f(many.adopt)} | ${f(many.single)} | ${f(many.other)} | ${f(many.bulk)} |`,
      `| ratio | ${ratio(many.write, none.write)} | ${ratio(many.adopt, none.adopt)} | ${ratio(many.single, none.single)} | ${ratio(many.other, none.other)} | ${ratio(many.bulk, none.bulk)} |`,
      '',
    ].join('\n'),
  );
} catch (err) {
  console.error('bench:schedules failed:', err?.stack ?? err);
  process.exitCode = 1;
} finally {
  await mf?.dispose().catch(() => {});
  removeDir(work);
}
