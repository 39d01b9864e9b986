// The curtain-cli package as people get it: `npm pack` in cli/, installed offline into an empty folder, run with the
// machine's own Node (/usr/bin/node, 20 here; not the Node 24 that npm run puts first on PATH) against a running Curtain.
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCurtain, type RunningCurtain } from '../../scripts/curtain-server';
import { repoRoot } from './run-cli';

const SYSTEM_NODE = '/usr/bin/node';
let server: RunningCurtain;
let dir: string;
let tarball: string;

const npm = (args: string[], cwd: string) => spawnSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } });

/** `curtain` as a shell finds it in the folder: node_modules/.bin first, then the system's node (no npm run, no Node 24). */
function installed(args: string[], input?: string, extraEnv: Record<string, string> = {}) {
  const app = join(dir, 'app');
  return spawnSync(join(app, 'node_modules/.bin/curtain'), args, {
    cwd: app,
    input,
    encoding: 'utf8',
    env: { PATH: `${join(app, 'node_modules/.bin')}:/usr/bin:/bin`, HOME: dir, CURTAIN_CONFIG: join(dir, 'config/curtain.json'), ...extraEnv },
  });
}

beforeAll(async () => {
  server = await startCurtain();
  dir = await mkdtemp(join(tmpdir(), 'curtain-cli-package-'));
});

afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('the curtain-cli package', () => {
  it('packs one bundled file, its README and license, and declares no dependencies', async () => {
    const packed = npm(['pack', '--json', '--pack-destination', dir], join(repoRoot, 'cli'));
    expect(packed.status, packed.stderr).toBe(0);
    const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[];
    expect(info.files.map((f) => f.path).sort()).toEqual(['LICENSE', 'README.md', 'dist/curtain.mjs', 'dist/openfeature.mjs', 'package.json']);
    tarball = join(dir, info.filename);
    const manifest = JSON.parse(await readFile(join(repoRoot, 'cli/package.json'), 'utf8'));
    expect(manifest).toMatchObject({ name: 'curtain-cli', bin: { curtain: 'dist/curtain.mjs' }, engines: { node: '>=18' }, license: 'Apache-2.0' });
    expect(manifest.dependencies).toBeUndefined();
  });

  it('installs offline into an empty folder', async () => {
    await mkdir(join(dir, 'app'));
    await writeFile(join(dir, 'app/package.json'), JSON.stringify({ name: 'app', private: true }));
    const install = npm(['install', '--offline', '--no-audit', '--no-fund', tarball], join(dir, 'app'));
    expect(install.status, install.stderr).toBe(0);
    expect(install.stdout).toContain('added 1 package');
    expect((await stat(join(dir, 'app/node_modules/.bin/curtain'))).isFile()).toBe(true);
  });

  it(`runs with the machine's Node (${SYSTEM_NODE}) and prints no warnings`, () => {
    const version = spawnSync(SYSTEM_NODE, ['--version'], { encoding: 'utf8' }).stdout.trim();
    expect(Number(version.slice(1).split('.')[0])).toBeGreaterThanOrEqual(18);
    expect(spawnSync('/usr/bin/env', ['node', '--version'], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } }).stdout.trim()).toBe(version);
    const res = installed(['--version']);
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    expect(res.stdout.trim()).toBe(JSON.parse(spawnSync(SYSTEM_NODE, ['-p', 'JSON.stringify(require("./cli/package.json").version)'], { cwd: repoRoot, encoding: 'utf8' }).stdout));
  });

  it('logs in and runs a real flow against a running Curtain: a flag created, switched on, evaluated as the edge answers', async () => {
    const origin = new URL(server.apiUrl).origin;
    const login = installed(['login', '--url', origin, '--token-stdin'], `${server.adminToken}\n`);
    expect(login.stderr).toBe('');
    expect(login.status).toBe(0);
    expect((await stat(join(dir, 'config/curtain.json'))).mode & 0o777).toBe(0o600);

    for (const args of [
      ['flags', 'create', 'packaged-flag', '--description', 'made by the packed CLI'],
      ['flags', 'on', 'packaged-flag', '--env', 'development'],
    ]) {
      const res = installed(args);
      expect(res.stderr).toBe('');
      expect(res.status).toBe(0);
    }
    const evaluated = installed(['evaluate', 'packaged-flag', '--env', 'development', '--attr', 'targetingKey=u1', '--json']);
    expect(evaluated.stderr).toBe('');
    expect(JSON.parse(evaluated.stdout)).toMatchObject({ key: 'packaged-flag', value: true, variant: 'on', reason: 'STATIC' });
    const listed = JSON.parse(installed(['flags', 'list', '--json']).stdout);
    expect(listed.flags.find((f: { key: string }) => f.key === 'packaged-flag')).toMatchObject({ description: 'made by the packed CLI', environments: { development: { state: 'ENABLED' } } });
    expect(login.stdout + evaluated.stdout).not.toContain(server.adminToken);
  });

  it("installs through the repository's composite action (.github/actions/curtain), as a GitHub runner would run it", async () => {
    const action = parse(await readFile(join(repoRoot, '.github/actions/curtain/action.yml'), 'utf8'));
    const install = action.runs.steps.find((s: { id?: string }) => s.id === 'install');
    const runner = join(dir, 'runner');
    await mkdir(runner);
    const files = { GITHUB_PATH: join(runner, 'path'), GITHUB_OUTPUT: join(runner, 'output') };
    const res = spawnSync('bash', ['-c', install.run], {
      encoding: 'utf8',
      env: { PATH: '/usr/bin:/bin', HOME: dir, RUNNER_TEMP: runner, ...files, CURTAIN_CLI_PACKAGE: tarball, CURTAIN_CLI_VERSION: action.inputs.version.default, npm_config_offline: 'true' },
    });
    expect(res.status, res.stderr).toBe(0);
    expect(await readFile(files.GITHUB_OUTPUT, 'utf8')).toBe('version=0.1.0\n');
    const bin = (await readFile(files.GITHUB_PATH, 'utf8')).trim();
    const ran = spawnSync('curtain', ['flags', 'list', '--json'], { encoding: 'utf8', env: { PATH: `${bin}:/usr/bin:/bin`, CURTAIN_URL: new URL(server.apiUrl).origin, CURTAIN_TOKEN: server.adminToken } });
    expect(ran.stderr).toBe('');
    expect(JSON.parse(ran.stdout).flags.map((f: { key: string }) => f.key)).toContain('packaged-flag');
  });
});
