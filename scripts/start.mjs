#!/usr/bin/env node
// `npm start`: builds the dashboard, applies local D1 migrations, runs the worker under `wrangler dev`
// (local D1, KV and Durable Objects persisted in the state directory), bootstraps the default project
// on first start and prints where everything is. Offline: no login, no telemetry.
//
//   node scripts/start.mjs [--no-build]
//   env: CURTAIN_PORT (8787), CURTAIN_HOST (127.0.0.1), CURTAIN_STATE_DIR (.wrangler/state),
//        CURTAIN_ADMIN_TOKEN (bootstrap admin token; generated and kept in the state directory when unset)
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  console.error(`Curtain needs Node >= 22 (this is ${process.version}). Run it through npm (\`npm start\`), which uses the Node 24 that \`npm install\` put in node_modules/.bin.`);
  process.exit(1);
}

const port = Number(process.env.CURTAIN_PORT ?? 8787);
const host = process.env.CURTAIN_HOST ?? '127.0.0.1';
const stateDir = resolve(root, process.env.CURTAIN_STATE_DIR ?? '.wrangler/state');
const base = `http://${host}:${port}`;
const quietEnv = { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', CI: 'true', FORCE_COLOR: '0' };
const bin = (pkg, file) => join(root, 'node_modules', pkg, file);

function run(label, args) {
  const r = spawnSync(process.execPath, args, { cwd: root, env: quietEnv, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) {
    console.error(`curtain: ${label} failed\n${r.stdout}\n${r.stderr}`);
    process.exit(1);
  }
}

mkdirSync(stateDir, { recursive: true });
// --no-build: use the dashboard already in dashboard/dist (still built when there is none).
if (!process.argv.includes('--no-build') || !existsSync(join(root, 'dashboard/dist/index.html'))) {
  console.log('curtain: building the dashboard…');
  run('dashboard build', [bin('vite', 'bin/vite.js'), 'build', '--config', 'dashboard/vite.config.ts', '--logLevel', 'warn']);
}
console.log('curtain: applying D1 migrations…');
run('migrations', [bin('wrangler', 'bin/wrangler.js'), 'd1', 'migrations', 'apply', 'DB', '--local', '--persist-to', stateDir]);

// Local credentials: the bootstrap admin token and the first SDK key, kept beside the local state so
// restarts print them again. In production the token is a secret and nothing is kept in clear.
const credentialsFile = join(stateDir, 'curtain-credentials.json');
const saved = existsSync(credentialsFile) ? JSON.parse(readFileSync(credentialsFile, 'utf8')) : {};
const adminToken = process.env.CURTAIN_ADMIN_TOKEN || saved.adminToken || `crt_boot_${randomBytes(24).toString('hex')}`;
const save = (data) => {
  writeFileSync(credentialsFile, JSON.stringify(data, null, 2));
  chmodSync(credentialsFile, 0o600);
};
if (!process.env.CURTAIN_ADMIN_TOKEN && !saved.adminToken) save({ ...saved, adminToken });
const varsFile = join(stateDir, 'curtain.dev.vars');
writeFileSync(varsFile, `CURTAIN_ADMIN_TOKEN=${JSON.stringify(adminToken)}\n`);
chmodSync(varsFile, 0o600);

const wrangler = spawn(
  process.execPath,
  [bin('wrangler', 'bin/wrangler.js'), 'dev', '--ip', host, '--port', String(port), '--persist-to', stateDir, '--env-file', varsFile, '--show-interactive-dev-session=false', '--log-level', process.env.CURTAIN_LOG_LEVEL ?? 'warn'],
  { cwd: root, env: quietEnv, stdio: ['ignore', 'inherit', 'inherit'] },
);
const stop = () => wrangler.kill('SIGTERM');
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
wrangler.on('exit', (code) => process.exit(code ?? 0));

async function api(path, body) {
  const res = await fetch(base + path, {
    method: body ? 'POST' : 'GET',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

const deadline = Date.now() + 60_000;
for (;;) {
  try {
    const res = await fetch(`${base}/api/v1/openapi.json`);
    if (res.ok) break;
  } catch {
    // not listening yet
  }
  if (Date.now() > deadline) {
    console.error('curtain: the worker did not start within 60 s');
    stop();
    process.exit(1);
  }
  await new Promise((r) => setTimeout(r, 200));
}

const boot = await api('/api/v1/bootstrap', { createServerKey: !saved.sdkKey });
const sdkKey = boot.sdkKey ?? saved.sdkKey ?? null;
if (boot.sdkKey) save({ ...(existsSync(credentialsFile) ? JSON.parse(readFileSync(credentialsFile, 'utf8')) : {}), sdkKey: boot.sdkKey });

console.log(`
Curtain is running.
  Dashboard:   ${base}/
  Admin API:   ${base}/api/v1   (OpenAPI: ${base}/api/v1/openapi.json)
  OFREP:       ${base}/ofrep/v1
  Admin token: ${adminToken}${process.env.CURTAIN_ADMIN_TOKEN ? '   (from CURTAIN_ADMIN_TOKEN)' : ''}
  SDK key (project "${boot.project.key}", development, server): ${sdkKey ?? '(created at first start; see the dashboard to create another)'}
  State:       ${stateDir}
`);
console.log(`curtain:ready ${JSON.stringify({ dashboardUrl: `${base}/`, apiUrl: `${base}/api/v1`, ofrepUrl: `${base}/ofrep/v1`, adminToken, sdkKey })}`);
