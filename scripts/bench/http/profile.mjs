#!/usr/bin/env node
// CPU profile of the worker isolate under wrk load, through Miniflare's inspector (Chrome DevTools protocol):
// prints the functions with the most self time and writes the profile for DevTools.
//   node_modules/.bin/node scripts/bench/http/profile.mjs [single|bulk] [--heap] [--users N]   (needs wrk)
// With --heap: where the isolate allocates instead (V8's sampling heap profiler, collected objects included).
// With --users N: each request for the next of N users (as BENCH_USERS does for bench:http), not one user polling.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyMigrations, bootstrap, bundleWorker, callOk, curtainWorker, randomToken, requireNode22, startMiniflare, tempDir } from './miniflare.mjs';
import { benchContext, flagKey, generateFlagd } from './workload.mjs';

requireNode22();
const INSPECTOR_PORT = 9339;
const work = tempDir('curtain-profile-');
const adminToken = randomToken();
const curtain = await startMiniflare({ ...(await curtainWorker({ scriptPath: bundleWorker(join(work, 'bundle')), adminToken })), inspectorPort: INSPECTOR_PORT }, { persistTo: join(work, 'state') });
await applyMigrations(await curtain.mf.getD1Database('DB'));
const sdkKey = await bootstrap(curtain.url, adminToken);
await callOk(curtain.url, 'PUT', '/api/v1/projects/default/environments/development/flagd', { token: adminToken, body: generateFlagd({ nFlags: 200 }) });
const target = process.argv[2] === 'bulk' ? `${curtain.url}/ofrep/v1/evaluate/flags` : `${curtain.url}/ofrep/v1/evaluate/flags/${flagKey(2)}`;
const lua = join(work, 'request.lua');
const usersAt = process.argv.indexOf('--users');
const users = usersAt > 0 ? Number(process.argv[usersAt + 1]) : 0;
const [before, after] = JSON.stringify({ context: benchContext }).split(benchContext.targetingKey);
writeFileSync(
  lua,
  `wrk.method="POST"\nwrk.body='${before + benchContext.targetingKey + after}'\nwrk.headers["content-type"]="application/json"\nwrk.headers["authorization"]="Bearer ${sdkKey}"\n` +
    (users > 0 ? `local n = 0\nrequest = function()\n  n = (n + 1) % ${users}\n  return wrk.format(nil, nil, nil, '${before + benchContext.targetingKey}-' .. n .. '${after}')\nend\n` : ''),
);

const targets = await (await fetch(`http://127.0.0.1:${INSPECTOR_PORT}/json`)).json();
const worker = targets.find((t) => t.title.includes('curtain')) ?? targets[0];
const ws = new WebSocket(worker.webSocketDebuggerUrl);
const pending = new Map();
let nextId = 0;
ws.onmessage = (m) => {
  const d = JSON.parse(m.data);
  pending.get(d.id)?.(d);
  pending.delete(d.id);
};
await new Promise((r) => (ws.onopen = r));
const send = (method, params = {}) => new Promise((r) => pending.set(++nextId, r) && ws.send(JSON.stringify({ id: nextId, method, params })));
const wrk = (seconds) =>
  new Promise((r) => {
    const p = spawn('wrk', ['-t1', '-c32', `-d${seconds}s`, '-s', lua, target], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('exit', () => r(out));
  });

if (process.argv.includes('--heap')) {
  await wrk(3);
  await send('HeapProfiler.enable');
  await send('HeapProfiler.startSampling', { samplingInterval: 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  const out = await wrk(6);
  const { result } = await send('HeapProfiler.stopSampling');
  const requests = Number(/(\d+) requests in/.exec(out)?.[1]);
  const bytes = new Map();
  const walk = (n) => {
    const f = n.callFrame;
    const name = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber}`;
    bytes.set(name, (bytes.get(name) ?? 0) + n.selfSize);
    n.children.forEach(walk);
  };
  walk(result.profile.head);
  console.log(`${requests} requests; bytes allocated per request, by function (sampled):`);
  for (const [name, b] of [...bytes].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`${(b / requests).toFixed(0).padStart(8)}  ${name}`);
  ws.close();
  await curtain.mf.dispose();
  process.exit(0);
}
await send('Profiler.enable');
await send('Profiler.setSamplingInterval', { interval: 100 });
await wrk(3);
await send('Profiler.start');
const out = await wrk(6);
const { result } = await send('Profiler.stop');
console.log(`${/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]} req/s while profiling (${worker.title})`);
const nodes = new Map(result.profile.nodes.map((n) => [n.id, n]));
const self = new Map();
for (const id of result.profile.samples) {
  const f = nodes.get(id).callFrame;
  const name = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber}`;
  self.set(name, (self.get(name) ?? 0) + 1);
}
const total = result.profile.samples.length;
for (const [name, n] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${((100 * n) / total).toFixed(1).padStart(5)}%  ${name}`);
const file = join(work, 'worker.cpuprofile');
writeFileSync(file, JSON.stringify(result.profile));
console.log(`profile: ${file} (open in Chrome DevTools)`);
ws.close();
await curtain.mf.dispose();
