// A newcomer's mistakes, each with the exact answer and exit code the CLI gives: names close to real ones, no token,
// a typo in a flag key, usage errors with --json, the wrong URL, a prune that deletes flags that are on elsewhere.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCurtain, type RunningCurtain } from '../../scripts/curtain-server';
import { curtain as run, expectExit, transcript } from './run-cli';

let server: RunningCurtain;
let dir: string;
let env: Record<string, string>;
let origin: string;
const curtain = (args: string[], extraEnv: Record<string, string | undefined> = {}) => run(args, { env: { ...env, ...extraEnv } });

const flag = (state: 'ENABLED' | 'DISABLED') => ({ state, variants: { on: true, off: false }, defaultVariant: 'on' });

beforeAll(async () => {
  server = await startCurtain();
  origin = new URL(server.apiUrl).origin;
  dir = await mkdtemp(join(tmpdir(), 'curtain-cli-mistakes-'));
  env = { CURTAIN_URL: origin, CURTAIN_TOKEN: server.adminToken, CURTAIN_CONFIG: join(dir, 'none.json') };
  await writeFile(join(dir, 'all.json'), JSON.stringify({ flags: { 'checkout-v2': flag('DISABLED'), 'ghost-feature': flag('ENABLED') } }));
  expectExit(await curtain(['flags', 'push', join(dir, 'all.json'), '--env', 'development']), 0);
});

afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('names close to real ones', () => {
  it('--env prod suggests production and lists the environments (exit 1)', async () => {
    const res = expectExit(await curtain(['flags', 'pull', '--env', 'prod']), 1);
    expect(res.stderr).toBe(
      `curtain: Environment 'prod' was not found [NOT_FOUND]\n  → no environment "prod" in project "default": did you mean "production"? Its environments: development, staging, production (curtain envs list)\n`,
    );
  });

  it('--project defualt suggests default', async () => {
    const res = expectExit(await curtain(['flags', 'list', '--project', 'defualt']), 1);
    expect(res.stderr).toBe(`curtain: Project 'defualt' was not found [NOT_FOUND]\n  → no project "defualt" (--project / CURTAIN_PROJECT): did you mean "default"? The projects: default (curtain projects list)\n`);
  });

  it('a flag key with a typo suggests the flag', async () => {
    const res = expectExit(await curtain(['flags', 'get', 'chekout-v2']), 1);
    expect(res.stderr).toBe(`curtain: Flag 'chekout-v2' was not found [NOT_FOUND]\n  → no flag "chekout-v2" in project "default": did you mean "checkout-v2"?\n`);
  });
});

describe('no token', () => {
  it('says where the first token comes from, not to create one with a token (exit 2)', async () => {
    const res = expectExit(await curtain(['flags', 'list'], { CURTAIN_TOKEN: undefined }), 2);
    expect(res.stderr).toBe(
      'curtain: no admin token: set CURTAIN_TOKEN (or pass --token), or save one with `curtain login`\n' +
        '  → the first admin token is the one `npm start` printed ("Admin token: …") on a local Curtain, or the CURTAIN_ADMIN_TOKEN you stored with `wrangler secret put CURTAIN_ADMIN_TOKEN` on a deployment; save it with `curtain login`, then make named ones with `curtain tokens create --name ci`\n',
    );
  });
});

describe('a typo in a flag key in deploy record', () => {
  it('refuses a key one edit from an existing flag (exit 7), records nothing, and --allow-new creates it', async () => {
    const res = expectExit(await curtain(['deploy', 'record', '--env', 'staging', '--version', '1', '--flag', 'chekout-v2']), 7);
    expect(res.stderr).toBe('curtain: "chekout-v2" (--flag) looks like a typo of the flag "checkout-v2": nothing was recorded\n  → fix the key in the code, or pass --allow-new chekout-v2 to create it as a new dormant flag\n');
    expect(expectExit(await curtain(['flags', 'list', '--json']), 0).json().flags.map((f: { key: string }) => f.key)).toEqual(['checkout-v2', 'ghost-feature']);
    const json = JSON.parse(expectExit(await curtain(['deploy', 'record', '--env', 'staging', '--version', '1', '--flag', 'chekout-v2', '--json']), 7).stderr);
    expect(json.error).toMatchObject({ code: 'LOOKS_LIKE_TYPO', exitCode: 7, typos: [{ key: 'chekout-v2', like: 'checkout-v2', at: '--flag' }] });
    const allowed = expectExit(await curtain(['deploy', 'record', '--env', 'staging', '--version', '1', '--flag', 'chekout-v2', '--allow-new', 'chekout-v2', '--json']), 0).json();
    expect(allowed.createdFlags).toEqual(['chekout-v2']);
  });
});

describe('--json makes every error JSON', () => {
  it.each([
    [['flags', 'pull', '--json'], "required option '--env <env>' not specified"],
    [['flgs', '--json'], "unknown command 'flgs'\n(Did you mean flags?)"],
    [['wait', '--env', 'x', '--timeout', 'soon', '--json'], 'option \'--timeout <duration>\' argument \'soon\' is invalid. "soon" is not a duration: write e.g. 30s, 2m, 1h or 500ms'],
    [['flags', 'list', '--bogus', '--json'], "unknown option '--bogus'"],
  ])('%j', async (args, message) => {
    const res = expectExit(await curtain(args as string[]), 2);
    expect(res.stdout).toBe('');
    expect(JSON.parse(res.stderr)).toEqual({ error: { message, exitCode: 2, code: 'USAGE' } });
  });

  it('a missing token too', async () => {
    const res = expectExit(await curtain(['flags', 'list', '--json'], { CURTAIN_TOKEN: undefined }), 2);
    expect(JSON.parse(res.stderr).error).toMatchObject({ code: 'NO_TOKEN', exitCode: 2 });
  });
});

describe('the wrong URL', () => {
  it.each([
    [`/ofrep/v1`, 'the OFREP URL, where SDKs evaluate flags'],
    [`/api`, "the admin API's path without its version"],
    [`/v1/flags`, 'the plain lookup URL, where scripts evaluate flags'],
  ])('CURTAIN_URL ending in %s is recognised and the origin given (exit 2)', async (path, kind) => {
    const res = expectExit(await curtain(['flags', 'list'], { CURTAIN_URL: origin + path }), 2);
    expect(res.stderr).toBe(`curtain: --url / CURTAIN_URL is ${kind}, not the deployment's origin\n  → use ${origin} (e.g. export CURTAIN_URL=${origin})\n`);
  });

  it('accepts the admin API base URL that `npm start` prints', async () => {
    expectExit(await curtain(['flags', 'list'], { CURTAIN_URL: server.apiUrl }), 0);
  });
});

describe('prune', () => {
  it('diff --prune says a pruned flag is deleted in every environment and where it is on', async () => {
    await writeFile(join(dir, 'one.json'), JSON.stringify({ flags: { 'checkout-v2': flag('DISABLED') } }));
    const res = expectExit(await curtain(['flags', 'diff', join(dir, 'one.json'), '--env', 'staging', '--prune']), 0);
    expect(res.stdout).toContain('  - ghost-feature (deleted in every environment; on in development)\n');
    expect(res.stdout).toContain('  - chekout-v2 (deleted in every environment; off everywhere)\n');
  });

  it('push --prune asks for --yes when a pruned flag is on anywhere (exit 7), and deletes it with --yes', async () => {
    const refused = expectExit(await curtain(['flags', 'push', join(dir, 'one.json'), '--env', 'staging', '--prune']), 7);
    expect(refused.stderr).toBe(
      'curtain: nothing was written: --prune deletes ghost-feature (on in development) in every environment, not only staging\n  → pass --yes to delete it anyway, or add it to the file\n',
    );
    expect(expectExit(await curtain(['flags', 'list', '--json']), 0).json().flags).toHaveLength(3);
    const done = expectExit(await curtain(['flags', 'push', join(dir, 'one.json'), '--env', 'staging', '--prune', '--yes', '--json']), 0).json();
    expect(done.report.deleted.sort()).toEqual(['chekout-v2', 'ghost-feature']);
  });
});

describe('secrets', () => {
  it('never printed the admin token', () => {
    expect(transcript.join('\n')).not.toContain(server.adminToken);
  });
});
