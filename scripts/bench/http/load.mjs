// Load generators: wrk (preferred: C, little CPU taken from workerd on a small machine) or autocannon.
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function hasWrk() {
  const r = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
  return !r.error;
}

const luaString = (s) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;

/**
 * A wrk script that sends one request and prints a JSON summary at the end. With `users` (N) the body's `userKey`
 * becomes `userKey-0` … `userKey-(N-1)` in turn, one user per request: many users rather than one polling.
 */
function wrkScript({ method, headers, body, users, userKey }) {
  const split = users && body !== undefined ? body.split(userKey) : null;
  if (users && (!split || split.length !== 2)) throw new Error(`BENCH_USERS: the body must hold ${userKey} once`);
  return `wrk.method = ${luaString(method)}
${body !== undefined ? `wrk.body = ${luaString(body)}` : ''}
${Object.entries(headers)
  .map(([k, v]) => `wrk.headers[${luaString(k)}] = ${luaString(v)}`)
  .join('\n')}
${split ? `local n = 0
request = function()
  n = (n + 1) % ${users}
  return wrk.format(nil, nil, nil, ${luaString(split[0] + userKey + '-')} .. n .. ${luaString(split[1])})
end` : ''}
done = function(summary, latency, requests)
  io.write(string.format('WRK_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"non2xx":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%f}\\n',
    summary.requests, summary.duration, summary.bytes, summary.errors.status, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
`;
}

function runWrk({ url, method, headers, body, users, userKey, connections, seconds, threads, scriptDir, label }) {
  const scriptPath = join(scriptDir, `${label.replace(/[^a-z0-9]+/gi, '-')}.lua`);
  writeFileSync(scriptPath, wrkScript({ method, headers, body, users, userKey }));
  return new Promise((resolve, reject) => {
    const args = ['-t', String(threads), '-c', String(connections), '-d', `${seconds}s`, '--timeout', '10s', '-s', scriptPath, url];
    // BENCH_PIN: the load generator on CPU 0, workerd (pinned by bench-http.mjs) on the others
    const p = process.env.BENCH_PIN ? spawn('taskset', ['-c', '0', 'wrk', ...args], { stdio: ['ignore', 'pipe', 'pipe'] }) : spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('error', reject);
    p.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('WRK_JSON '));
      if (code !== 0 || !line) return reject(new Error(`wrk failed (${code}):\n${out}`));
      const j = JSON.parse(line.slice('WRK_JSON '.length));
      resolve({
        requests: j.requests,
        rps: j.requests / (j.duration_us / 1e6),
        p50: j.p50_us / 1000,
        p90: j.p90_us / 1000,
        p99: j.p99_us / 1000,
        max: j.max_us / 1000,
        errors: j.non2xx + j.connect + j.read + j.write + j.timeout,
        non2xx: j.non2xx,
      });
    });
  });
}

async function runAutocannon({ url, method, headers, body, connections, seconds }) {
  const { default: autocannon } = await import('autocannon');
  const r = await autocannon({ url, method, headers, body, connections, duration: seconds, pipelining: 1 });
  return {
    requests: r.requests.total,
    rps: r.requests.total / (r.duration || seconds),
    p50: r.latency.p50,
    p90: r.latency.p90,
    p99: r.latency.p99,
    max: r.latency.max,
    errors: r.errors + r.timeouts + r.non2xx,
    non2xx: r.non2xx,
  };
}

export function makeLoader({ tool, connections, threads = 1, scriptDir }) {
  return (target, seconds, label) => {
    if (target.users && tool !== 'wrk') throw new Error('BENCH_USERS needs wrk');
    return tool === 'wrk'
      ? runWrk({ ...target, connections, seconds, threads, scriptDir, label })
      : runAutocannon({ ...target, connections, seconds });
  };
}
