// The CLI with no server: validation, scanning with given keys, usage errors, help, and `npm run deploy --dry-run`.
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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

describe('refs scan on a source tree in four languages (offline)', () => {
  it('finds the OpenFeature calls of JS/TS, Python, Go and Java, the React, Vue and Angular SDKs, and a --pattern wrapper', async () => {
    const tree = join(repoRoot, 'cli/test/fixtures/app');
    const res = expectExit(await curtain(['refs', 'scan', tree, '--key', 'new-checkout', '--pattern', `isOn\\(['"](?<key>[^'"]+)`]), 0);
    expect(res.stdout.split('\n').slice(0, -3).map((l) => l.slice(tree.length + 1))).toEqual([
      'angular/banner.component.html:2: ng-banner',
      'go/main.go:5: go-search',
      'go/main.go:6: go-limit',
      'java/App.java:4: java-beta',
      'java/App.java:5: java-greeting',
      'python/app.py:5: py-recommendations',
      'python/app.py:6: py-banner',
      'vue/Banner.vue:4: vue-banner',
      'web/checkout.tsx:5: new-checkout',
      'web/checkout.tsx:6: checkout-theme',
      'web/checkout.tsx:8: promo-banner',
      'web/server.ts:2: rate-limit',
      'web/server.ts:4: team-wrapper-flag',
    ]);
    const json = expectExit(await curtain(['refs', 'scan', tree, '--key', 'new-checkout', '--json']), 0).json();
    expect(json.new).not.toContain('new-checkout');
    expect(json.new).not.toContain('team-wrapper-flag'); // only with --pattern
    expect(json.new).not.toContain('not-a-flag'); // a string, not a call
    expect(json.references.find((r: { key: string }) => r.key === 'new-checkout').how).toBe('openfeature');
  });

  it('refuses a --pattern that cannot hold a key (exit 2)', async () => {
    const res = expectExit(await curtain(['refs', 'scan', file('src'), '--key', 'x', '--pattern', 'isOn\\(']), 2);
    expect(res.stderr).toContain('--pattern "isOn\\\\(" is not a usable regular expression: it has no capturing group');
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
    ...['list', 'get', 'create', 'on', 'off', 'refs'].map((v) => ['flags', v]), ['evaluate'], ['projects', 'list'], ['projects', 'create'], ['envs', 'list'], ['envs', 'create'],
    ['login'], ['logout'], ['profiles'], ['completion'],
    ...['list', 'show', 'approve', 'reject', 'apply', 'wait'].map((v) => ['changes', v]), ['envs', 'protect'], ['envs', 'unprotect'], ['flags', 'stale'],
  ];
  it.each(commands.map((c) => [c.join(' ') || '(none)', c]))('--help on %s exits 0 with its usage', async (_name, command) => {
    const res = expectExit(await curtain([...(command as string[]), '--help']), 0);
    expect(res.stdout).toContain(`Usage: curtain ${(command as string[]).join(' ')}`.trim());
  });
});

describe('npm run deploy', () => {
  const deploy = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [join(repoRoot, 'scripts/deploy.mjs'), ...args], { cwd: repoRoot, encoding: 'utf8', env: { PATH: process.env.PATH!, HOME: process.env.HOME!, ...env } });
  const shown = (stdout: string) => [...stdout.matchAll(/^ {5}\$ (.*)$/gm)].map((m) => m[1]);
  const connection = { CURTAIN_URL: 'https://curtain.example.com', CURTAIN_TOKEN: 'deploy-secret-token-4242' };
  let real: string;

  beforeAll(async () => {
    // wrangler.toml as after a first `wrangler d1 create` and `wrangler kv namespace create`: real ids
    real = file('wrangler.real.toml');
    const toml = await readFile(join(repoRoot, 'wrangler.toml'), 'utf8');
    await writeFile(real, toml.replace(/database_id = "[^"]*"/, 'database_id = "6f1c2a9e-3b4d-4e5f-8a7b-0c1d2e3f4a5b"').replace(/\nid = "[^"]*"/, '\nid = "9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a49"'));
  });

  it('--dry-run prints the plan in order (migrations, build, deploy, bootstrap, record), runs none of it, and keeps the token out', () => {
    const r = deploy(['--dry-run', '--version', 'v9.9.9', '--config', real], connection);
    expect(r.status, r.stderr).toBe(0);
    const steps = shown(r.stdout);
    expect(steps).toHaveLength(5);
    expect(steps[0]).toBe('wrangler d1 migrations apply DB --remote');
    expect(steps[1]).toContain('vite build');
    expect(steps[2]).toBe('wrangler deploy');
    expect(steps[3]).toBe('POST https://curtain.example.com/api/v1/bootstrap');
    expect(steps[4]).toMatch(/^curtain deploy record --env production --version v9\.9\.9 --commit [0-9a-f]{40}$/);
    expect(r.stdout).toContain('dry run');
    expect(r.stdout + r.stderr).not.toContain(connection.CURTAIN_TOKEN);
  });

  it('sets the admin token as the secret with the deploy when CURTAIN_ADMIN_TOKEN is set, without printing it', () => {
    const r = deploy(['--dry-run', '--config', real], { ...connection, CURTAIN_ADMIN_TOKEN: 'the-admin-secret-4242' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('deploy the worker, with CURTAIN_ADMIN_TOKEN as its secrets');
    expect(shown(r.stdout)[2]).toBe('wrangler deploy --secrets-file <CURTAIN_ADMIN_TOKEN from the environment>');
    expect(r.stdout + r.stderr).not.toContain('the-admin-secret-4242');
  });

  it('refuses the placeholder ids of wrangler.toml with what to do (exit 2), even in a dry run', () => {
    const r = deploy(['--dry-run'], connection);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      'deploy: a real run would stop here: wrangler.toml still has the placeholder database_id "00000000-0000-0000-0000-000000000000" and KV namespace id "00000000000000000000000000000000" (local runs only): ' +
        'create the database (npx wrangler d1 create curtain) and the namespace (npx wrangler kv namespace create SNAPSHOTS) and put their ids in wrangler.toml, or run `npm run deploy -- --create` to have both done (docs/deploy.md)\n',
    );
    const realRun = deploy([], connection);
    expect(realRun.status).toBe(2);
    expect(realRun.stderr).toContain('deploy: wrangler.toml still has the placeholder database_id');
    expect(realRun.stdout).not.toContain('deploy: 1/');
  });

  it('with --create plans the database, the namespace and the webhook queue first, and a key for webhook secrets', () => {
    const r = deploy(['--dry-run', '--create'], connection);
    expect(r.status, r.stderr).toBe(0);
    expect(shown(r.stdout).slice(0, 4)).toEqual(['wrangler d1 create curtain', 'wrangler kv namespace create SNAPSHOTS', 'wrangler queues create curtain-webhooks', 'wrangler d1 migrations apply DB --remote']);
    // a first deployment seals webhook secrets under a key of its own, given to Cloudflare only
    expect(r.stdout).toContain('with WEBHOOK_SECRETS_KEY as its secrets');
  });

  it('refuses a real deployment it could not bootstrap and record (exit 2); --no-record drops both steps', () => {
    const r = deploy(['--config', real]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('CURTAIN_URL and CURTAIN_TOKEN are not set');
    const dry = deploy(['--dry-run', '--no-record', '--config', real]);
    expect(dry.status).toBe(0);
    expect(dry.stdout).toContain('3 steps');
    expect(dry.stdout).not.toContain('bootstrap');
    expect(dry.stdout).not.toContain('curtain deploy record');
  });
});
