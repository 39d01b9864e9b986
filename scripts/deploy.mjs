#!/usr/bin/env node
// `npm run deploy`: puts Curtain on Cloudflare in the one order that works from nothing: the D1 database and the KV
// namespace and the webhook queue (created with --create when wrangler.toml still has the placeholder ids, which it
// refuses otherwise; a first deployment also gets a WEBHOOK_SECRETS_KEY secret), the
// remote D1 migrations (the new code may need them), the dashboard build, `wrangler deploy` (with the admin token as a
// secret when CURTAIN_ADMIN_TOKEN is set), the bootstrap (the first project), and last the deployment recorded in
// Curtain itself with the CLI.
//
//   npm run deploy [-- --dry-run] [--create] [--config FILE] [--env ENV] [--version V] [--no-record]
//   env: CLOUDFLARE_API_TOKEN (and CLOUDFLARE_ACCOUNT_ID) for wrangler; CURTAIN_ADMIN_TOKEN (the secret, first deploy);
//        CURTAIN_URL and CURTAIN_TOKEN (or CURTAIN_ADMIN_TOKEN) for the bootstrap and record steps. See docs/deploy.md.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const usage = 'usage: npm run deploy -- [--dry-run] [--create] [--config FILE] [--env ENV] [--version V] [--no-record]';

let args;
try {
  args = parseArgs({
    options: {
      'dry-run': { type: 'boolean', default: false },
      create: { type: 'boolean', default: false },
      config: { type: 'string', default: join(root, 'wrangler.toml') },
      env: { type: 'string', default: 'production' },
      version: { type: 'string' },
      'no-record': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  }).values;
} catch (error) {
  console.error(`deploy: ${error.message}\n${usage}`);
  process.exit(2);
}
if (args.help) {
  console.log(`${usage}
  --dry-run    print the plan without running any of it (offline)
  --create     create the D1 database and KV namespace when wrangler.toml has the placeholder ids, and write their ids in
  --config     the wrangler configuration (default wrangler.toml)
  --env        the Curtain environment the deployment is recorded in (default production)
  --version    the version recorded (default: git describe, else package.json's version)
  --no-record  skip the bootstrap and recording the deployment in Curtain`);
  process.exit(0);
}
const dryRun = args['dry-run'];
const configFile = resolve(args.config);
const configShown = relative(root, configFile) || configFile;
const fail = (message, code = 2) => {
  console.error(`deploy: ${message}`);
  process.exit(code);
};

// ── what wrangler.toml has: real ids, or the all-zero placeholders that only local runs accept ───────────────────
let toml;
try {
  toml = readFileSync(configFile, 'utf8');
} catch (error) {
  fail(`cannot read ${configShown}: ${error.code ?? error.message}`);
}
const D1_ID = /(\[\[d1_databases\]\][^[]*?database_id\s*=\s*")([^"]*)(")/;
const KV_ID = /(\[\[kv_namespaces\]\][^[]*?\bid\s*=\s*")([^"]*)(")/;
const DB_NAME = /\[\[d1_databases\]\][^[]*?database_name\s*=\s*"([^"]*)"/;
const isPlaceholder = (id) => !id || /^[0-]+$/.test(id);
const d1Id = D1_ID.exec(toml)?.[2];
const kvId = KV_ID.exec(toml)?.[2];
const dbName = DB_NAME.exec(toml)?.[1] ?? 'curtain';
const missing = [isPlaceholder(d1Id) && 'd1', isPlaceholder(kvId) && 'kv'].filter(Boolean);
const refusal = missing.length && !args.create
  ? `${configShown} still has the placeholder ${missing.map((m) => (m === 'd1' ? `database_id "${d1Id}"` : `KV namespace id "${kvId}"`)).join(' and ')} (local runs only): ` +
    `create ${missing.map((m) => (m === 'd1' ? `the database (npx wrangler d1 create ${dbName})` : 'the namespace (npx wrangler kv namespace create SNAPSHOTS)')).join(' and ')} and put ${missing.length > 1 ? 'their ids' : 'its id'} in ${configShown}, ` +
    'or run `npm run deploy -- --create` to have both done (docs/deploy.md)'
  : null;

function git(...gitArgs) {
  const r = spawnSync('git', gitArgs, { cwd: root, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}
const commit = process.env.GITHUB_SHA || git('rev-parse', 'HEAD');
const version = args.version ?? git('describe', '--tags', '--always', '--dirty') ?? JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
const curtainUrl = process.env.CURTAIN_URL;
const curtainToken = process.env.CURTAIN_TOKEN || process.env.CURTAIN_ADMIN_TOKEN;

// ── the plan ──────────────────────────────────────────────────────────────────────────────────────────────────────
const bin = (pkg, file) => join(root, 'node_modules', pkg, file);
const wranglerEnv = { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true' };
const wrangler = (...a) => ({ argv: [bin('wrangler', 'bin/wrangler.js'), ...a, '--config', configFile], show: `wrangler ${a.join(' ')}`, env: wranglerEnv });
/** Runs `argv` and writes the id it prints into the config, where the placeholder was. */
const createAndWrite = (what, pattern, idPattern, ...a) => ({
  ...wrangler(...a),
  what,
  after(output) {
    const id = idPattern.exec(output)?.[1];
    if (!id) fail(`${a.join(' ')} printed no id that this script recognises; put it in ${configShown} by hand and run again:\n${output}`, 1);
    writeFileSync(configFile, readFileSync(configFile, 'utf8').replace(pattern, `$1${id}$3`));
    console.log(`     → ${configShown}: ${id}`);
  },
});

const steps = [];
if (missing.includes('d1')) steps.push(createAndWrite(`create the D1 database "${dbName}" and write its id in ${configShown}`, D1_ID, /database_id"?\s*[=:]\s*"([0-9a-f-]{36})"/, 'd1', 'create', dbName));
if (missing.includes('kv')) steps.push(createAndWrite(`create the KV namespace SNAPSHOTS and write its id in ${configShown}`, KV_ID, /\bid"?\s*[=:]\s*"([0-9a-f]{32})"/, 'kv', 'namespace', 'create', 'SNAPSHOTS'));
// the webhook queue is made with the rest on a first deployment (wrangler.toml's [[queues.producers]])
if (missing.length && args.create) steps.push({ what: 'create the webhook queue "curtain-webhooks"', ...wrangler('queues', 'create', 'curtain-webhooks') });
steps.push({ what: 'apply D1 migrations to the remote database', ...wrangler('d1', 'migrations', 'apply', 'DB', '--remote') });
steps.push({ what: 'build the dashboard', show: 'vite build --config dashboard/vite.config.ts', argv: [bin('vite', 'bin/vite.js'), 'build', '--config', 'dashboard/vite.config.ts'], env: process.env });
// A first deployment gets a key that seals webhook signing secrets at rest (worker/src/webhooks/secret-box.ts): made
// here, given only to Cloudflare, never printed. Later deployments keep the secret the worker has unless one is given.
if (missing.length && args.create && !process.env.WEBHOOK_SECRETS_KEY) process.env.WEBHOOK_SECRETS_KEY = randomBytes(32).toString('base64url');
const secretNames = ['CURTAIN_ADMIN_TOKEN', 'WEBHOOK_SECRETS_KEY'].filter((n) => process.env[n]);
const withSecret = secretNames.length > 0;
steps.push({
  what: withSecret ? `deploy the worker, with ${secretNames.join(' and ')} as its secrets` : 'deploy the worker (it keeps the secrets it has; set CURTAIN_ADMIN_TOKEN or WEBHOOK_SECRETS_KEY to set them)',
  ...wrangler('deploy', ...(withSecret ? ['--secrets-file', `<${secretNames.join(', ')} from the environment>`] : [])),
  secret: withSecret,
});
const record = !args['no-record'];
if (record) {
  steps.push({ what: 'bootstrap: create the project "default" and its environments if there is no project yet', show: `POST ${curtainUrl ?? '$CURTAIN_URL'}/api/v1/bootstrap`, bootstrap: true });
  // The token travels in CURTAIN_TOKEN, never on the command line (which CI logs and process lists show).
  const recordArgs = ['deploy', 'record', '--env', args.env, '--version', version, ...(commit ? ['--commit', commit] : [])];
  steps.push({ what: `record the deployment in Curtain (${args.env})`, show: `curtain ${recordArgs.join(' ')}`, argv: [join(root, 'cli/bin/curtain.mjs'), ...recordArgs], env: { ...process.env, CURTAIN_TOKEN: curtainToken } });
  const unset = [!curtainUrl && 'CURTAIN_URL', !curtainToken && 'CURTAIN_TOKEN'].filter(Boolean);
  if (unset.length) {
    const message = `${unset.join(' and ')} ${unset.length > 1 ? 'are' : 'is'} not set: the bootstrap and record steps need CURTAIN_URL (where Curtain runs) and CURTAIN_TOKEN (an admin token; CURTAIN_ADMIN_TOKEN serves on a first deploy); or pass --no-record`;
    if (!dryRun) fail(message);
    console.log(`deploy: note: ${message}`);
  }
}

console.log(`deploy: ${steps.length} steps${dryRun ? ' (dry run: nothing is run)' : ''}`);
for (const [i, step] of steps.entries()) console.log(`  ${i + 1}. ${step.what}\n     $ ${step.show}`);
if (refusal) fail(`${dryRun ? 'a real run would stop here: ' : ''}${refusal}`);
if (dryRun) {
  console.log('deploy: dry run done');
  process.exit(0);
}

// ── running it ──────────────────────────────────────────────────────────────────────────────────────────────────────
async function bootstrap() {
  const res = await fetch(new URL('/api/v1/bootstrap', curtainUrl), {
    method: 'POST',
    headers: { authorization: `Bearer ${curtainToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ createServerKey: false }),
  }).catch((error) => ({ ok: false, status: 0, text: async () => String(error.cause?.code ?? error.message) }));
  if (!res.ok) return `${res.status || 'unreachable'}: ${(await res.text()).slice(0, 300)}`;
  const body = await res.json();
  console.log(`     → ${body.created ? 'created' : 'found'} project "${body.project.key}"`);
  return null;
}

console.log('');
for (const [i, step] of steps.entries()) {
  console.log(`deploy: ${i + 1}/${steps.length} ${step.what}`);
  let failure = null;
  if (step.bootstrap) failure = await bootstrap();
  else {
    let secrets = null;
    let argv = step.argv;
    if (step.secret) {
      // dotenv expands ${VAR} from the environment: the secret itself is never written to disk
      secrets = mkdtempSync(join(tmpdir(), 'curtain-deploy-'));
      writeFileSync(join(secrets, 'secrets.env'), secretNames.map((n) => `${n}=\${${n}}\n`).join(''), { mode: 0o600 });
      argv = argv.map((a) => (a.startsWith(`<${secretNames[0]}`) ? join(secrets, 'secrets.env') : a));
    }
    const capture = typeof step.after === 'function';
    const r = spawnSync(process.execPath, argv, { cwd: root, env: step.env, encoding: 'utf8', stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'] });
    if (secrets) rmSync(secrets, { recursive: true, force: true });
    if (r.status !== 0) failure = `exit ${r.status ?? r.signal}${capture ? `\n${r.stdout}` : ''}`;
    else if (capture) step.after(r.stdout);
  }
  if (failure) {
    const done = i === 0 ? 'nothing has changed' : `steps 1–${i} are done and safe to run again`;
    fail(`step ${i + 1} (${step.what}) failed (${failure}): ${done}; fix the cause and run \`npm run deploy\` again`, 1);
  }
}
console.log(`deploy: ${version} deployed`);
