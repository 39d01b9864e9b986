#!/usr/bin/env node
// `npm run bench:adversarial`: the slowest configurations that validation accepts, and the worst contexts the
// request limits allow, served by the bundled worker in Miniflare: workerd CPU per OFREP request (single and bulk,
// a server key, which sees every flag), against the bound of docs/limits.md (50 ms). Then evaluate-as over 20,000
// flags, timed, while another project's OFREP requests are timed beside it (an admin request must not stall them).
//
//   npm run bench:adversarial      env: BENCH_REQUESTS (20 per case), BENCH_EVALUATE_FLAGS (20000, 0: skip),
//                                  BENCH_CASES (all: every case; none: evaluate-as only), BENCH_KEEP
//
// Each case is a project of its own whose flags all sit at the edge of what validation accepts (each chosen for the
// operation that costs the most CPU per budget unit), saved through the admin API, so validation has passed them.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { applyMigrations, bootstrap, bundleWorker, call, callOk, curtainWorker, randomToken, removeDir, requireNode22, startMiniflare, tempDir } from './bench/http/miniflare.mjs';

requireNode22();
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20);
const EVALUATE_FLAGS = Number(process.env.BENCH_EVALUATE_FLAGS ?? 20000);
const BOUND_MS = 50;
const log = (...a) => console.error('bench:adversarial:', ...a);
const TICK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
const children = () => spawnSync('pgrep', ['-P', String(process.pid)], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map(Number);
function cpuSeconds(pids) {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks += Number(f[11]) + Number(f[12]);
    } catch {
      // gone
    }
  }
  return ticks / TICK;
}

const flag = (targeting) => ({ state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'off', targeting });
const manyOf = (n, make) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`f${String(i).padStart(5, '0')}`, make(i)]));
const A1024 = 'a'.repeat(1024);
/** Cases: flags at the edge of the per-flag limit, and the context that makes each do the most. */
const cases = [
  {
    name: 'regex, counted repetitions (one match)',
    flags: manyOf(400, () => flag({ if: [{ regex: [{ var: 'email' }, '[a-z]{1,1000}b'] }, 'on', 'off'] })),
    context: { targetingKey: 'u', email: A1024 },
  },
  {
    name: 'regex in `some` over 250 strings of 1,024 characters',
    flags: manyOf(400, () => flag({ if: [{ some: [{ var: 'emails' }, { regex: [{ var: '' }, '[a-z]{1,2}b'] }] }, 'on', 'off'] })),
    context: { targetingKey: 'u', emails: Array.from({ length: 250 }, () => A1024) },
  },
  {
    name: '`some` over 120,000 elements with a two-comparison body',
    flags: manyOf(400, () => flag({ if: [{ some: [{ var: 'xs' }, { and: [{ '!=': [{ var: '' }, 1] }, { '==': [{ var: '' }, -1] }] }] }, 'on', 'off'] })),
    context: { targetingKey: 'u', xs: Array.from({ length: 120_000 }, () => 0) },
  },
  {
    name: 'shared rules expanding to ~40,000 nodes, all evaluated',
    evaluators: Object.fromEntries(Array.from({ length: 13 }, (_, i) => [`l${i}`, i === 0 ? { and: [{ '==': [{ var: 'plan' }, 'pro'] }, { '==': [{ var: 'plan' }, 'pro'] }] } : { and: [{ $ref: `l${i - 1}` }, { $ref: `l${i - 1}` }] }])),
    flags: manyOf(400, () => flag({ if: [{ $ref: 'l12' }, 'on', 'off'] })),
    context: { targetingKey: 'u', plan: 'pro' },
  },
  {
    name: 'a 250,000-character targeting key hashed by 2,000 splits',
    flags: manyOf(2000, () => flag({ fractional: [['on', 50], ['off', 50]] })),
    context: { targetingKey: 'k'.repeat(250_000) },
  },
  {
    name: 'loose comparisons of an array of 1,024 values nested 500 deep, one per flag',
    flags: manyOf(2000, (i) => flag({ if: [{ '==': [{ var: `p${i % 100}` }, 'x'] }, 'on', { '<': [{ var: `p${i % 100}` }, 'x'] }, 'off'] })),
    context: Object.fromEntries(Array.from({ length: 100 }, (_, i) => {
      let v = Array.from({ length: 524 }, () => 0);
      for (let d = 0; d < 499; d++) v = [v];
      return [`p${i}`, v];
    }).concat([['targetingKey', 'u']])),
  },
  {
    name: 'loose comparisons of a 40,000-element nested array',
    flags: manyOf(2000, (i) => flag({ if: [{ '==': [{ var: 'plan' }, `p${i}`] }, 'on', { '<': [{ var: 'plan' }, 'x'] }, 'off'] })),
    context: { targetingKey: 'u', plan: Array.from({ length: 40_000 }, () => [[0]]) },
  },
];

const work = tempDir('curtain-bench-adversarial-');
let server;
try {
  log('bundling the worker…');
  const scriptPath = bundleWorker(join(work, 'bundle'));
  const adminToken = randomToken();
  server = await startMiniflare({ ...(await curtainWorker({ scriptPath, adminToken })) }, { persistTo: join(work, 'state') });
  const procs = children();
  await applyMigrations(await server.mf.getD1Database('DB'));
  const defaultKey = await bootstrap(server.url, adminToken);
  const admin = (method, path, body) => callOk(server.url, method, path, { token: adminToken, body });

  const rows = [];
  for (const [i, c] of (process.env.BENCH_CASES === 'none' ? [] : cases).entries()) {
    const project = `adv${i}`;
    await admin('POST', '/api/v1/projects', { key: project, name: project });
    const doc = { flags: c.flags, ...(c.evaluators ? { $evaluators: c.evaluators } : {}) };
    const imported = await call(server.url, 'PUT', `/api/v1/projects/${project}/environments/development/flagd?strict=true`, { token: adminToken, body: doc });
    if (imported.status !== 200) throw new Error(`${c.name}: validation refused the case (${imported.status} ${imported.text.slice(0, 300)})`);
    const key = (await admin('POST', `/api/v1/projects/${project}/environments/development/sdk-keys`, { name: 'adversary', kind: 'server' })).secret;
    const body = JSON.stringify({ context: c.context });
    if (body.length > 256 * 1024) throw new Error(`${c.name}: context over the request limit`);
    const first = Object.keys(c.flags)[0];
    const measure = async (path) => {
      const send = () => fetch(`${server.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body }).then(async (r) => ({ status: r.status, text: await r.text() }));
      const probe = await send(); // compiles the flags, fills caches
      const cpu0 = cpuSeconds(procs);
      const t0 = performance.now();
      let errors = 0;
      for (let k = 0; k < REQUESTS; k++) {
        const r = await send();
        if (r.status >= 500) errors++;
      }
      return { cpuMs: ((cpuSeconds(procs) - cpu0) * 1000) / REQUESTS, wallMs: (performance.now() - t0) / REQUESTS, status: probe.status, answer: probe.text.slice(0, 160), errors };
    };
    const single = await measure(`/ofrep/v1/evaluate/flags/${first}`);
    const bulk = await measure('/ofrep/v1/evaluate/flags');
    rows.push({ name: c.name, flags: Object.keys(c.flags).length, contextKB: body.length / 1024, single, bulk });
    log(`${c.name}: single ${single.cpuMs.toFixed(1)} ms CPU (${single.status}), bulk ${bulk.cpuMs.toFixed(1)} ms CPU (${bulk.status})`);
  }

  // Evaluate-as: 20,000 flags of 3-condition ifs, while another project's OFREP requests are timed.
  log(`evaluate-as: importing ${EVALUATE_FLAGS} flags…`);
  await admin('POST', '/api/v1/projects', { key: 'evalas', name: 'evalas' });
  const big = manyOf(EVALUATE_FLAGS, (i) => flag({ if: [{ '==': [{ var: 'plan' }, `p${i}`] }, 'on', { in: [{ var: 'country' }, ['xx', 'yy']] }, 'on', { ends_with: [{ var: 'email' }, '@nope.example'] }, 'on', 'off'] }));
  await admin('PUT', '/api/v1/projects/evalas/environments/development/flagd', { flags: big });
  const other = () => fetch(`${server.url}/ofrep/v1/evaluate/flags/nope`, { method: 'POST', headers: { authorization: `Bearer ${defaultKey}`, 'content-type': 'application/json' }, body: '{"context":{"targetingKey":"u"}}' }).then((r) => r.text());
  await other();
  const evaluateAs = () => callOk(server.url, 'POST', '/api/v1/projects/evalas/environments/development/evaluate', { token: adminToken, body: { context: { targetingKey: 'u', plan: 'p7', country: 'de' } } });
  await evaluateAs(); // the environment's first load
  const latencies = [];
  let running = true;
  const poller = (async () => {
    while (running) {
      const t = performance.now();
      await other();
      latencies.push(performance.now() - t);
    }
  })();
  const evalTimes = [];
  for (let k = 0; k < 3; k++) {
    const t = performance.now();
    const res = await evaluateAs();
    evalTimes.push(performance.now() - t);
    if (res.results.length !== EVALUATE_FLAGS) throw new Error('evaluate-as: wrong number of results');
  }
  running = false;
  await poller;
  latencies.sort((a, b) => a - b);
  const evalAs = { flags: EVALUATE_FLAGS, ms: evalTimes, otherRequests: latencies.length, otherP50: latencies[latencies.length >> 1], otherMax: latencies[latencies.length - 1] };

  const worst = Math.max(...rows.flatMap((r) => [r.single.cpuMs, r.bulk.cpuMs]));
  const lines = [
    `## bench:adversarial — ${new Date().toISOString()}`,
    '',
    `${REQUESTS} requests per case after one warm-up request; workerd CPU per request (user + system, all threads, /proc). Bound: ${BOUND_MS} ms.`,
    '',
    '| case | flags | context KB | single: CPU ms/req | single: status | bulk: CPU ms/req | bulk: wall ms/req |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.name} | ${r.flags} | ${r.contextKB.toFixed(0)} | ${r.single.cpuMs.toFixed(1)} | ${r.single.status} | ${r.bulk.cpuMs.toFixed(1)} | ${r.bulk.wallMs.toFixed(1)} |`),
    '',
    `- slowest accepted request: ${worst.toFixed(1)} ms of CPU; bound ${BOUND_MS} ms: ${worst <= BOUND_MS ? 'met' : 'MISSED'}`,
    `- evaluate-as, ${EVALUATE_FLAGS} flags: ${evalAs.ms.map((m) => m.toFixed(0)).join(', ')} ms (target < 1,000 ms); another project's OFREP requests meanwhile: ` +
      `${evalAs.otherRequests} answered, p50 ${evalAs.otherP50.toFixed(1)} ms, max ${evalAs.otherMax.toFixed(1)} ms`,
  ];
  console.log(lines.join('\n'));
} finally {
  await server?.mf.dispose().catch(() => {});
  if (!process.env.BENCH_KEEP) removeDir(work);
}
