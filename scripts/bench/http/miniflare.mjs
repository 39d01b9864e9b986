// Serving the bundled Curtain worker (and a trivial one) with the Miniflare API directly, for benchmarks.
// Shared by scripts/bench-http.mjs and scripts/bench-propagation.mjs.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const quietEnv = { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', CI: 'true', FORCE_COLOR: '0' };

export function requireNode22() {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 22) {
    console.error(`This benchmark needs Node >= 22 (this is ${process.version}); run it through npm (npm run …), which uses node_modules/.bin/node.`);
    process.exit(1);
  }
}

export async function loadMiniflare() {
  return import('miniflare');
}

export const tempDir = (prefix) => mkdtempSync(join(tmpdir(), prefix));
export const randomToken = (prefix = 'crt_bench_') => `${prefix}${randomBytes(24).toString('hex')}`;

/**
 * `wrangler deploy --dry-run --outdir`: the bundle production would run (of this checkout, or of `from`, another
 * one with its dependencies installed); returns the path of index.js.
 * wrangler insists that wrangler.toml's assets directory exists; the benchmarks serve no assets, so an
 * unbuilt dashboard gets an empty (git-ignored) one rather than a failed run.
 */
export function bundleWorker(outdir, from = root) {
  mkdirSync(join(from, 'dashboard/dist'), { recursive: true });
  const r = spawnSync(process.execPath, [join(from, 'node_modules/wrangler/bin/wrangler.js'), 'deploy', '--dry-run', '--outdir', outdir], {
    cwd: from,
    env: quietEnv,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`wrangler deploy --dry-run failed\n${r.stdout}\n${r.stderr}`);
  return join(outdir, 'index.js');
}

/** The compatibility date from wrangler.toml, so the bundle runs as it would be deployed. */
export function compatibilityDate() {
  const m = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(readFileSync(join(root, 'wrangler.toml'), 'utf8'));
  return m ? m[1] : '2026-10-01';
}

/**
 * wrangler.toml's bindings as wrangler itself hands them to Miniflare (D1 DB, KV SNAPSHOTS, the CHANNELS
 * Durable Object, the EVALUATION_LIMIT rate limiter, …), so the benchmark follows the config as it changes.
 */
let wranglerOptions;
async function bindingsFromWranglerToml() {
  if (!wranglerOptions) {
    const { unstable_getMiniflareWorkerOptions } = await import('wrangler');
    const { workerOptions } = unstable_getMiniflareWorkerOptions(join(root, 'wrangler.toml'));
    // the source is the bundle, not the config's main/rules; assets are not served (the API is run_worker_first)
    const { modulesRules: _rules, rootPath: _root, assets: _assets, ...rest } = workerOptions;
    wranglerOptions = rest;
  }
  return wranglerOptions;
}

/**
 * Worker options for the Curtain bundle with wrangler.toml's bindings. `channelsIn` names the worker that
 * owns the Durable Object class when this one only binds to it (a second isolate of the same app).
 */
export async function curtainWorker({ name = 'curtain', scriptPath, adminToken, channelsIn, extra = {} }) {
  const base = await bindingsFromWranglerToml();
  const durableObjects = Object.fromEntries(
    Object.entries(base.durableObjects ?? {}).map(([binding, d]) => [binding, channelsIn ? { ...(typeof d === 'string' ? { className: d } : d), scriptName: channelsIn } : d]),
  );
  // a second isolate of the same app binds to the owner's objects and leaves consuming the queue to it (Miniflare
  // allows one consumer per queue)
  const { queueConsumers, ...shared } = base;
  return {
    ...(channelsIn ? shared : { ...shared, ...(queueConsumers ? { queueConsumers } : {}) }),
    name,
    modules: true,
    scriptPath,
    modulesRoot: dirname(scriptPath),
    compatibilityDate: base.compatibilityDate ?? compatibilityDate(),
    bindings: { ...(base.bindings ?? {}), CURTAIN_ADMIN_TOKEN: adminToken },
    durableObjects,
    ...extra,
  };
}

/** A worker that answers every request with the same small JSON body: the ceiling for this machine. */
export function trivialWorker(name = 'trivial') {
  return {
    name,
    modules: true,
    // the constant answer stays synchronous; POST /read-body gives it after reading the request body, as any POST handler must
    script: `const body = JSON.stringify({ ok: true, value: "constant" });
const answer = () => new Response(body, { headers: { "content-type": "application/json" } });
export default { fetch(request) { return request.url.endsWith("/read-body") ? request.text().then(answer) : answer(); } };`,
    compatibilityDate: compatibilityDate(),
  };
}

/** Starts Miniflare (options in the v4 shape, converted for Miniflare 5) on a free loopback port. */
export async function startMiniflare(options, { persistTo } = {}) {
  const { Miniflare, convertV4MiniflareOptions, Log, LogLevel } = await loadMiniflare();
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      host: '127.0.0.1',
      port: 0,
      cf: false,
      log: new Log(LogLevel.WARN),
      ...(persistTo ? { resourcePersistencePath: persistTo } : {}),
      ...options,
    }),
  );
  const url = await mf.ready;
  return { mf, url: url.toString().replace(/\/$/, '') };
}

/** Applies migrations/*.sql (drizzle-kit output) to a D1 database, statement by statement. */
export async function applyMigrations(db) {
  const dir = join(root, 'migrations');
  const files = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
  for (const file of files) {
    const statements = readFileSync(join(dir, file), 'utf8')
      .split('--> statement-breakpoint')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const sql of statements) await db.prepare(sql).run();
  }
  return files;
}

export async function call(base, method, path, { token, body, headers = {} } = {}) {
  const res = await fetch(base + path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // not JSON
  }
  return { status: res.status, json, text, headers: res.headers };
}

export async function callOk(base, method, path, opts) {
  const r = await call(base, method, path, opts);
  if (r.status < 200 || r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.text.slice(0, 500)}`);
  return r.json;
}

/** Bootstraps the default project and returns a server SDK key for development (as scripts/start.mjs does). */
export async function bootstrap(base, adminToken) {
  const boot = await callOk(base, 'POST', '/api/v1/bootstrap', { token: adminToken, body: { createServerKey: true } });
  if (!boot.sdkKey) throw new Error(`bootstrap returned no SDK key: ${JSON.stringify(boot)}`);
  return boot.sdkKey;
}

/**
 * Makes sure the SDK key `secret` has no evaluation limit (a server key has none by default): a benchmark
 * measures evaluation, and a limit would turn a fast enough machine's load into 429s.
 */
export async function withoutLimit(base, adminToken, secret) {
  const path = '/api/v1/projects/default/environments/development/sdk-keys';
  const key = (await callOk(base, 'GET', path, { token: adminToken })).sdkKeys.find((k) => secret.startsWith(`${k.prefix}_`));
  if (!key) throw new Error('the benchmark key is not among the development keys');
  if (key.rateLimit !== null) await callOk(base, 'PATCH', `${path}/${key.id}`, { token: adminToken, body: { rateLimit: null } });
}

/**
 * The flags of `flagd` in staging, with `flag` under a running release at 50 % in place of its rollout (a release
 * decides for the users its flag's rules leave to the default; it needs a deployment that uses the flag); returns a
 * new staging server key, which has no evaluation limit.
 */
export async function releaseInStaging(base, adminToken, flagd, flag) {
  const env = '/api/v1/projects/default/environments/staging';
  const as = (body) => ({ token: adminToken, body });
  const staged = structuredClone(flagd);
  const chain = staged.flags[flag].targeting.if;
  chain[chain.length - 1] = null;
  await callOk(base, 'PUT', `${env}/flagd`, as(staged));
  await callOk(base, 'POST', `${env}/deployments`, as({ version: 'bench', flags: [flag] }));
  const key = await callOk(base, 'POST', `${env}/sdk-keys`, as({ name: 'bench-release', kind: 'server' }));
  const plan = { steps: [{ percent: 50, holdMinutes: 600 }] };
  await callOk(base, 'POST', `${env}/releases`, as({ key: 'bench', name: 'Bench', flags: [flag], variants: { [flag]: { inside: 'treatment-a', outside: 'control' } }, plan }));
  await callOk(base, 'POST', `${env}/releases/bench/start?acknowledgeLoss=true`, { token: adminToken });
  return key.secret;
}

export const removeDir = (dir) => rmSync(dir, { recursive: true, force: true });
