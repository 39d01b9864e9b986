#!/usr/bin/env node
// `npm run deploy`: puts Curtain on Cloudflare: remote D1 migrations first (the new code may need them), the
// dashboard build, `wrangler deploy`, then the deployment recorded in Curtain itself with the CLI.
//
//   npm run deploy [-- --dry-run] [--env ENV] [--version V] [--no-record]
//   env: CLOUDFLARE_API_TOKEN (and CLOUDFLARE_ACCOUNT_ID) for wrangler; CURTAIN_URL, CURTAIN_TOKEN
//        (and CURTAIN_PROJECT) for the record step. See docs/deploy.md.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const usage = 'usage: npm run deploy -- [--dry-run] [--env ENV] [--version V] [--no-record]';

let args;
try {
  args = parseArgs({
    options: {
      'dry-run': { type: 'boolean', default: false },
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
  console.log(`${usage}\n  --dry-run    print the steps without running any (offline)\n  --env        the Curtain environment the deployment is recorded in (default production)\n  --version    the version recorded (default: git describe, else package.json's version)\n  --no-record  skip recording the deployment in Curtain`);
  process.exit(0);
}
const dryRun = args['dry-run'];

function git(...gitArgs) {
  const r = spawnSync('git', gitArgs, { cwd: root, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}
const commit = process.env.GITHUB_SHA || git('rev-parse', 'HEAD');
const version = args.version ?? git('describe', '--tags', '--always', '--dirty') ?? JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;

const bin = (pkg, file) => join(root, 'node_modules', pkg, file);
const wranglerEnv = { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true' };
const steps = [
  { what: 'apply D1 migrations to the remote database', show: 'wrangler d1 migrations apply DB --remote', argv: [bin('wrangler', 'bin/wrangler.js'), 'd1', 'migrations', 'apply', 'DB', '--remote'], env: wranglerEnv },
  { what: 'build the dashboard', show: 'vite build --config dashboard/vite.config.ts', argv: [bin('vite', 'bin/vite.js'), 'build', '--config', 'dashboard/vite.config.ts'], env: process.env },
  { what: 'deploy the worker', show: 'wrangler deploy', argv: [bin('wrangler', 'bin/wrangler.js'), 'deploy'], env: wranglerEnv },
];
if (!args['no-record']) {
  // The token travels in CURTAIN_TOKEN, never on the command line (which CI logs and process lists show).
  const record = ['deploy', 'record', '--env', args.env, '--version', version, ...(commit ? ['--commit', commit] : [])];
  steps.push({ what: `record the deployment in Curtain (${args.env})`, show: `curtain ${record.join(' ')}`, argv: [join(root, 'cli/bin/curtain.mjs'), ...record], env: process.env });
  const missing = ['CURTAIN_URL', 'CURTAIN_TOKEN'].filter((name) => !process.env[name]);
  if (missing.length) {
    const message = `${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set: the record step needs CURTAIN_URL (where Curtain runs) and CURTAIN_TOKEN (an admin token); or pass --no-record`;
    if (!dryRun) {
      console.error(`deploy: ${message}`);
      process.exit(2);
    }
    console.log(`deploy: note: ${message}`);
  }
}

console.log(`deploy: ${steps.length} steps${dryRun ? ' (dry run: nothing is run)' : ''}`);
for (const [i, step] of steps.entries()) {
  console.log(`  ${i + 1}. ${step.what}\n     $ ${step.show}`);
  if (dryRun) continue;
  const r = spawnSync(process.execPath, step.argv, { cwd: root, env: step.env, stdio: [step.env === wranglerEnv ? 'ignore' : 'inherit', 'inherit', 'inherit'] });
  if (r.status !== 0) {
    const done = i === 0 ? 'nothing has changed' : i === 1 ? 'step 1 is done and safe to run again' : `steps 1–${i} are done and safe to run again`;
    console.error(`deploy: step ${i + 1} (${step.what}) failed with exit ${r.status ?? r.signal}: ${done}; fix the cause and run \`npm run deploy\` again`);
    process.exit(1);
  }
}
console.log(dryRun ? 'deploy: dry run done' : `deploy: ${version} deployed`);
