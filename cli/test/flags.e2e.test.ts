// Flags as code against a real local Curtain: push, push again, diff, prune, pull into another environment and
// evaluate there over OFREP, refs scan with the project's keys, --json.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCurtain, type RunningCurtain } from '../../scripts/curtain-server';
import { curtain as run, expectExit, transcript } from './run-cli';

let server: RunningCurtain;
let dir: string;
let env: Record<string, string>;
const file = (name: string) => join(dir, name);
const curtain = (args: string[]) => run(args, { env });

const seed = `# flags of the app, kept in git
flags:
  new-checkout:
    state: ENABLED
    variants: { "on": true, "off": false }
    defaultVariant: "on"
  banner-text:
    state: ENABLED
    variants: { plain: Welcome, pro: Welcome back }
    defaultVariant: plain
    targeting: { if: [ { "==": [ { var: plan }, pro ] }, pro, null ] }
`;

async function ofrep(sdkKey: string, key: string, context: Record<string, unknown>) {
  const res = await fetch(`${env.CURTAIN_URL}/ofrep/v1/evaluate/flags/${key}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${sdkKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ context }),
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}

async function eventually<T>(probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  server = await startCurtain();
  env = { CURTAIN_URL: new URL(server.apiUrl).origin, CURTAIN_TOKEN: server.adminToken };
  dir = await mkdtemp(join(tmpdir(), 'curtain-cli-flags-'));
  await writeFile(file('flags.yaml'), seed);
});

afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('flags push', () => {
  it('shows the diff, applies it, and says "unchanged" the second time', async () => {
    const first = expectExit(await curtain(['flags', 'push', file('flags.yaml'), '--env', 'development']), 0);
    expect(first.stdout).toContain('+ new-checkout');
    expect(first.stdout).toContain('+ banner-text');
    expect(first.stdout).toContain('applied: 2 created');
    const second = expectExit(await curtain(['flags', 'push', file('flags.yaml'), '--env', 'development']), 0);
    expect(second.stdout).toContain('unchanged (2 flags)');
    expect(second.stdout).not.toContain('applied');
    const json = expectExit(await curtain(['flags', 'push', file('flags.yaml'), '--env', 'development', '--json']), 0).json();
    expect(json).toMatchObject({ env: 'development', changed: false, report: { created: [], updated: [] } });
    expect(json.report.unchanged.sort()).toEqual(['banner-text', 'new-checkout']);
  });

  it('refuses an invalid file as a whole with the issues and exit 1', async () => {
    await writeFile(file('bad.json'), JSON.stringify({ flags: { 'new-checkout': { state: 'ENABLED', variants: { on: true }, defaultVariant: 'nope' } } }));
    const res = expectExit(await curtain(['flags', 'push', file('bad.json'), '--env', 'development']), 1);
    expect(res.stderr).toContain('INVALID_DEFINITION');
    expect(res.stderr).toContain('/flags/new-checkout/defaultVariant');
    const pulled = expectExit(await curtain(['flags', 'pull', '--env', 'development']), 0).json();
    expect(pulled.flags['new-checkout'].defaultVariant).toBe('on');
  });
});

describe('flags pull → push to another environment', () => {
  it('moves development to staging, where a staging SDK key made by the CLI evaluates it over OFREP', async () => {
    const pulled = expectExit(await curtain(['flags', 'pull', '--env', 'development', '-o', file('dev.yaml')]), 0);
    expect(pulled.stdout).toContain('development → ');
    expect(Object.keys(parse(await readFile(file('dev.yaml'), 'utf8')).flags).sort()).toEqual(['banner-text', 'new-checkout']);

    const pushed = expectExit(await curtain(['flags', 'push', file('dev.yaml'), '--env', 'staging', '--json']), 0).json();
    expect(pushed.report.updated.sort()).toEqual(['banner-text', 'new-checkout']); // flags are project-wide: staging had them off
    const key = expectExit(await curtain(['keys', 'create', '--env', 'staging', '--name', 'cli-test', '--json']), 0).json();
    expect(key.secret).toMatch(/^crt_s_/);

    const pro = await eventually(() => ofrep(key.secret, 'banner-text', { targetingKey: 'u1', plan: 'pro' }), (r) => r.status === 200);
    expect(pro.body).toMatchObject({ key: 'banner-text', value: 'Welcome back', reason: 'TARGETING_MATCH' });
    expect((await ofrep(key.secret, 'new-checkout', { targetingKey: 'u1' })).body).toMatchObject({ value: true, variant: 'on' });
  });

  it('diff previews a change without writing it', async () => {
    await writeFile(file('off.yaml'), seed.replace('defaultVariant: "on"', 'defaultVariant: "off"'));
    const diff = expectExit(await curtain(['flags', 'diff', file('off.yaml'), '--env', 'staging']), 0);
    expect(diff.stdout).toContain('~ new-checkout');
    expect(diff.stdout).toContain('1 to update, 1 unchanged');
    const json = expectExit(await curtain(['flags', 'diff', file('off.yaml'), '--env', 'staging', '--json']), 0).json();
    expect(json).toMatchObject({ dryRun: true, changed: true, report: { updated: ['new-checkout'] } });
    const staging = expectExit(await curtain(['flags', 'pull', '--env', 'staging', '--format', 'yaml']), 0);
    expect(parse(staging.stdout).flags['new-checkout'].defaultVariant).toBe('on');
  });

  it('keeps flags missing from the file unless --prune', async () => {
    const doc = parse(seed);
    doc.flags.temporary = { state: 'DISABLED', variants: { on: true, off: false }, defaultVariant: 'off' };
    await writeFile(file('with-temp.json'), JSON.stringify(doc));
    expect(expectExit(await curtain(['flags', 'push', file('with-temp.json'), '--env', 'staging']), 0).stdout).toContain('+ temporary');
    const kept = expectExit(await curtain(['flags', 'push', file('flags.yaml'), '--env', 'staging']), 0);
    expect(kept.stdout).toContain('temporary (not in the file: kept; --prune deletes it)');
    const pruned = expectExit(await curtain(['flags', 'push', file('flags.yaml'), '--env', 'staging', '--prune', '--json']), 0).json();
    expect(pruned.report.deleted).toEqual(['temporary']);
  });
});

describe('flag files cover the flag', () => {
  it('sets description, tags and clientVisible from the file (the import keeps metadata), pulls them back, and is unchanged the second time', async () => {
    const doc = {
      flags: {
        described: {
          state: 'DISABLED',
          variants: { on: true, off: false },
          defaultVariant: 'off',
          description: 'Shown to beta testers',
          tags: ['beta', 'web'],
          clientVisible: true,
          metadata: { owner: 'growth' },
        },
      },
    };
    await writeFile(file('described.json'), JSON.stringify(doc));
    const diff = expectExit(await curtain(['flags', 'diff', file('described.json'), '--env', 'development']), 0);
    expect(diff.stdout).toContain('  + described (and description, tags, clientVisible)');
    const pushed = expectExit(await curtain(['flags', 'push', file('described.json'), '--env', 'development', '--json']), 0).json();
    expect(pushed.attributes).toEqual([{ key: 'described', set: { description: 'Shown to beta testers', tags: ['beta', 'web'], clientVisible: true } }]);
    const flag = expectExit(await curtain(['flags', 'get', 'described', '--json']), 0).json();
    expect(flag).toMatchObject({ description: 'Shown to beta testers', tags: ['beta', 'web'], clientVisible: true, metadata: { owner: 'growth' } });

    const pulled = expectExit(await curtain(['flags', 'pull', '--env', 'development']), 0).json();
    expect(pulled.flags.described).toMatchObject({ description: 'Shown to beta testers', tags: ['beta', 'web'], clientVisible: true, metadata: { owner: 'growth' } });
    expect(expectExit(await curtain(['flags', 'push', file('described.json'), '--env', 'development']), 0).stdout).toContain('unchanged');

    doc.flags.described.tags = ['beta'];
    await writeFile(file('described.json'), JSON.stringify(doc));
    const retag = expectExit(await curtain(['flags', 'push', file('described.json'), '--env', 'development']), 0).stdout;
    expect(retag).toContain('  ~ described (tags)\n');
    expect(retag).toContain('  1 to update\n');
    expect(retag).toContain('attributes of 1 flag set');
    expect(expectExit(await curtain(['flags', 'get', 'described', '--json']), 0).json().tags).toEqual(['beta']);
  });

  it('refuses attributes of the wrong type offline and online, writing nothing', async () => {
    await writeFile(file('bad-attrs.json'), JSON.stringify({ flags: { odd: { state: 'DISABLED', variants: { on: true, off: false }, defaultVariant: 'off', tags: 'beta', clientVisible: 'yes' } } }));
    const offline = expectExit(await curtain(['flags', 'validate', file('bad-attrs.json')]), 1);
    expect(offline.stdout).toContain('  /flags/odd/tags: tags is a list of at most 50 strings of 1–64 characters');
    expect(offline.stdout).toContain('  /flags/odd/clientVisible: clientVisible is true or false');
    expectExit(await curtain(['flags', 'push', file('bad-attrs.json'), '--env', 'development']), 1);
    expect(expectExit(await curtain(['flags', 'list', '--json']), 0).json().flags.map((f: { key: string }) => f.key)).not.toContain('odd');
  });
});

describe('refs scan and --json', () => {
  it("finds the project's flag keys in a source tree, fetched from the server", async () => {
    await mkdir(file('app/node_modules/x'), { recursive: true });
    await writeFile(file('app/main.ts'), "const a = flags.get('new-checkout');\nconst b = 'not-a-flag';\n");
    await writeFile(file('app/node_modules/x/i.js'), "'banner-text'\n");
    const res = expectExit(await curtain(['refs', 'scan', file('app'), '--json']), 0).json();
    expect(res).toEqual({ dir: file('app'), flags: ['new-checkout'], new: [], references: [{ key: 'new-checkout', file: file('app/main.ts'), line: 1, how: 'literal' }] });
  });

  it('answers errors as JSON on stderr with --json, with the API code', async () => {
    const res = expectExit(await curtain(['flags', 'pull', '--env', 'nowhere', '--json']), 1);
    expect(res.stdout).toBe('');
    expect(JSON.parse(res.stderr).error).toMatchObject({ code: 'NOT_FOUND', status: 404, exitCode: 1 });
  });

  it('never printed the admin token', () => {
    expect(transcript.length).toBeGreaterThan(10);
    expect(transcript.join('\n')).not.toContain(server.adminToken);
  });
});
