// The CLI with no server: validation, scanning with given keys, usage errors, help, and `npm run deploy --dry-run`.
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { curtain, expectExit, repoRoot, transcript } from './run-cli';

let dir: string;
const file = (name: string) => join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'curtain-cli-offline-'));
  await writeFile(file('good.yaml'), ['flags:', '  new-checkout:', '    state: ENABLED', '    variants: { "on": true, "off": false }', '    defaultVariant: "on"', ''].join('\n'));
  await writeFile(file('good.json'), JSON.stringify({ flags: { theme: { state: 'DISABLED', variants: { dark: 'dark', light: 'light' }, defaultVariant: 'dark' } } }));
  await writeFile(file('bad.json'), JSON.stringify({ flags: { broken: { state: 'ON', variants: { a: 1 }, defaultVariant: 'b' } } }));
  await writeFile(file('not-yaml.yaml'), 'flags: [unclosed');
  // A source tree: two references in code, one in a dependency, one in build output, one in a binary file.
  await mkdir(file('src/lib'), { recursive: true });
  await mkdir(file('src/node_modules/dep'), { recursive: true });
  await mkdir(file('src/dist'), { recursive: true });
  await writeFile(file('src/app.ts'), "import { flags } from './lib/flags';\nif (await flags.getBooleanValue('new-checkout', false)) show(\"theme\");\nconst other = 'new-checkout-2';\n");
  await writeFile(file('src/lib/flags.py'), 'THEME = `theme`\n');
  await writeFile(file('src/node_modules/dep/index.js'), "module.exports = 'new-checkout';\n");
  await writeFile(file('src/dist/app.js'), "f('new-checkout')\n");
  await writeFile(file('src/lib/logo.png'), Buffer.concat([Buffer.from("\x89PNG\0\0'new-checkout'"), Buffer.alloc(16)]));
  await writeFile(file('keys.txt'), '# keys to look for\nnew-checkout\ntheme\n');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('flags validate (offline)', () => {
  it('accepts good YAML and JSON files and exits 0', async () => {
    const res = expectExit(await curtain(['flags', 'validate', file('good.yaml'), file('good.json')]), 0);
    expect(res.stdout).toContain('good.yaml: valid, 1 flag');
    expect(res.stdout).toContain('good.json: valid, 1 flag');
  });

  it('lists every issue of a bad file with its path and exits 1', async () => {
    const res = expectExit(await curtain(['flags', 'validate', file('bad.json')]), 1);
    expect(res.stdout).toContain('/flags/broken/state');
    expect(res.stdout).toContain('/flags/broken/defaultVariant');
    expect(res.stderr).toContain('fix the issues above');
  });

  it('answers JSON with --json', async () => {
    const good = expectExit(await curtain(['flags', 'validate', file('good.yaml'), '--json']), 0).json();
    expect(good).toEqual({ file: file('good.yaml'), valid: true, flags: ['new-checkout'] });
    const bad = expectExit(await curtain(['flags', 'validate', file('bad.json'), '--json']), 1).json();
    expect(bad.valid).toBe(false);
    expect(bad.issues.map((i: { path: string }) => i.path)).toContain('/flags/broken/state');
  });

  it('fails with exit 1 on a file that cannot be read or parsed', async () => {
    expect(expectExit(await curtain(['flags', 'validate', file('missing.json')]), 1).stderr).toContain('cannot read');
    expect(expectExit(await curtain(['flags', 'validate', file('not-yaml.yaml')]), 1).stderr).toContain('not valid YAML');
  });
});

describe('refs scan with given keys (offline)', () => {
  it('prints file:line for literals equal to a key, skipping node_modules, build output, binaries and look-alikes', async () => {
    const res = expectExit(await curtain(['refs', 'scan', file('src'), '--key', 'new-checkout', '--key', 'theme']), 0);
    const lines = res.stdout.trim().split('\n');
    expect(lines).toEqual([
      `${file('src/app.ts')}:2: new-checkout`,
      `${file('src/app.ts')}:2: theme`,
      `${file('src/lib/flags.py')}:1: theme`,
      '2 flags used in 3 places: new-checkout, theme',
    ]);
  });

  it('reads the keys from a file and answers JSON', async () => {
    const res = expectExit(await curtain(['refs', 'scan', file('src'), '--keys', file('keys.txt'), '--json']), 0).json();
    expect(res.flags).toEqual(['new-checkout', 'theme']);
    expect(res.references).toContainEqual({ key: 'theme', file: file('src/lib/flags.py'), line: 1, how: 'literal' });
    const fromFlagFile = expectExit(await curtain(['refs', 'scan', file('src'), '--keys', file('good.yaml'), '--json']), 0).json();
    expect(fromFlagFile.flags).toEqual(['new-checkout']);
  });

  it('fails with a next step when the directory does not exist', async () => {
    expect(expectExit(await curtain(['refs', 'scan', file('nowhere'), '--key', 'x']), 1).stderr).toContain('not a directory');
  });
});

describe('usage', () => {
  it('exits 2 on usage errors: unknown command or option, missing option, bad value', async () => {
    expectExit(await curtain(['flgs']), 2);
    expectExit(await curtain(['flags', 'pull', '--env', 'development', '--bogus']), 2);
    expect(expectExit(await curtain(['flags', 'pull']), 2).stderr).toContain('--env');
    expect(expectExit(await curtain(['wait', '--env', 'x', '--timeout', 'soon']), 2).stderr).toContain('not a duration');
    expectExit(await curtain(['release', 'create', 'r1', '--env', 'x', '--steps', '150']), 2);
    expectExit(await curtain([]), 2);
  });

  it('exits 2 and says what to set when there is no URL or token', async () => {
    expect(expectExit(await curtain(['flags', 'pull', '--env', 'development']), 2).stderr).toContain('CURTAIN_URL');
    const res = expectExit(await curtain(['flags', 'pull', '--env', 'development'], { env: { CURTAIN_URL: 'http://127.0.0.1:9' } }), 2);
    expect(res.stderr).toContain('CURTAIN_TOKEN');
  });

  it('exits 1 with a next step when the server cannot be reached, and never prints the token', async () => {
    const token = 'offline-secret-token-4242';
    const res = expectExit(await curtain(['keys', 'list', '--env', 'development', '--token', token], { env: { CURTAIN_URL: 'http://127.0.0.1:9' } }), 1);
    expect(res.stderr).toContain('cannot reach Curtain at http://127.0.0.1:9');
    expectExit(await curtain(['keys', 'list', '--env', 'development', '--token', token, '--bogus']), 2);
    // The token pasted where the URL goes: the error quotes the value, with the token masked.
    const pasted = expectExit(await curtain(['keys', 'list', '--env', 'development', '--url', token], { env: { CURTAIN_TOKEN: token } }), 2);
    expect(pasted.stderr).toContain('(got "***")');
    expect(transcript.join('\n')).not.toContain(token);
  });

  const commands = [
    [], ['flags'], ['flags', 'validate'], ['flags', 'diff'], ['flags', 'push'], ['flags', 'pull'], ['deploy', 'record'], ['refs', 'scan'],
    ...['create', 'start', 'pause', 'resume', 'rollback', 'kill', 'status', 'list'].map((v) => ['release', v]),
    ['keys', 'create'], ['keys', 'list'], ['keys', 'revoke'], ['tokens', 'create'], ['tokens', 'list'], ['tokens', 'revoke'], ['wait'],
  ];
  it.each(commands.map((c) => [c.join(' ') || '(none)', c]))('--help on %s exits 0 with its usage', async (_name, command) => {
    const res = expectExit(await curtain([...(command as string[]), '--help']), 0);
    expect(res.stdout).toContain(`Usage: curtain ${(command as string[]).join(' ')}`.trim());
  });
});

describe('npm run deploy -- --dry-run', () => {
  it('prints the four steps in order, runs none of them, and keeps the token out of its output', () => {
    const token = 'deploy-secret-token-4242';
    const r = spawnSync(process.execPath, [join(repoRoot, 'scripts/deploy.mjs'), '--dry-run', '--version', 'v9.9.9'], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: process.env.HOME, CURTAIN_URL: 'https://curtain.example.com', CURTAIN_TOKEN: token },
    });
    expect(r.status, r.stderr).toBe(0);
    const steps = [...r.stdout.matchAll(/^ {5}\$ (.*)$/gm)].map((m) => m[1]);
    expect(steps).toHaveLength(4);
    expect(steps[0]).toBe('wrangler d1 migrations apply DB --remote');
    expect(steps[1]).toContain('vite build');
    expect(steps[2]).toBe('wrangler deploy');
    expect(steps[3]).toMatch(/^curtain deploy record --env production --version v9\.9\.9 --commit [0-9a-f]{40}$/);
    expect(r.stdout).toContain('dry run');
    expect(r.stdout + r.stderr).not.toContain(token);
  });

  it('refuses to start a real deployment it could not record (exit 2), and --no-record drops the step', () => {
    const env = { PATH: process.env.PATH, HOME: process.env.HOME };
    const real = spawnSync(process.execPath, [join(repoRoot, 'scripts/deploy.mjs')], { cwd: repoRoot, encoding: 'utf8', env });
    expect(real.status).toBe(2);
    expect(real.stderr).toContain('CURTAIN_URL and CURTAIN_TOKEN are not set');
    const dry = spawnSync(process.execPath, [join(repoRoot, 'scripts/deploy.mjs'), '--dry-run', '--no-record'], { cwd: repoRoot, encoding: 'utf8', env });
    expect(dry.status).toBe(0);
    expect(dry.stdout).toContain('3 steps');
    expect(dry.stdout).not.toContain('curtain deploy record');
  });
});
