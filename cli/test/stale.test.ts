// `curtain flags stale` against a real local Curtain (issue 21): a flag released to everyone is listed with the file
// and line where the deployed code still uses it; a fresh flag is not. Needs issue 21's worker side (`stale` in the
// flag list, `?stale=true`, the project's `staleAfterDays`): cli/vitest.config.ts excludes this file until it is merged.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCurtain, type RunningCurtain } from '../../scripts/curtain-server';
import { curtain as run, expectExit, transcript } from './run-cli';

let server: RunningCurtain;
let dir: string;
let env: Record<string, string>;
const curtain = (args: string[]) => run(args, { env });
const prod = ['--env', 'production'];

beforeAll(async () => {
  server = await startCurtain();
  dir = await mkdtemp(join(tmpdir(), 'curtain-cli-stale-'));
  env = { CURTAIN_URL: new URL(server.apiUrl).origin, CURTAIN_TOKEN: server.adminToken };
  // released for 0 days is stale at once (the default is 14)
  const res = await fetch(`${env.CURTAIN_URL}/api/v1/projects/default`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ staleAfterDays: 0 }),
  });
  expect(res.status, await res.text()).toBe(200);
});

afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('curtain flags stale', () => {
  it('says so when nothing is stale', async () => {
    expect(expectExit(await curtain(['flags', 'stale']), 0).stdout).toBe('no stale flags in project "default"\n');
  });

  it('lists a flag released to everyone, with where the deployed code still uses it; not a fresh one', async () => {
    await mkdir(join(dir, 'src'));
    await writeFile(join(dir, 'src', 'checkout.ts'), "const on = await client.getBooleanValue('done-flag', false);\n");
    expectExit(await curtain(['flags', 'create', 'done-flag']), 0);
    expectExit(await curtain(['flags', 'create', 'fresh-flag']), 0);
    expectExit(await curtain(['deploy', 'record', ...prod, '--version', '1.0.0', '--flags-from', dir]), 0);
    expectExit(await curtain(['release', 'create', 'done', ...prod, '--flag', 'done-flag', '--steps', '100']), 0);
    expectExit(await curtain(['release', 'start', 'done', ...prod]), 0);

    const json = expectExit(await curtain(['flags', 'stale', '--json']), 0).json();
    const byKey = (key: string) => json.flags.find((f: { key: string }) => f.key === key);
    // fresh-flag was never evaluated: whether that alone counts (reason `unevaluated`) is the worker's rule, but it is not released
    expect(byKey('fresh-flag')?.stale.reason).not.toBe('released');
    expect(byKey('done-flag')).toMatchObject({
      key: 'done-flag',
      stale: { reason: 'released', stillInCode: ['production'] },
      inCode: [{ environment: 'production', deployment: { version: '1.0.0' }, references: [{ file: 'src/checkout.ts', line: 1 }] }],
    });
    const human = expectExit(await curtain(['flags', 'stale']), 0).stdout;
    expect(human).toMatch(/^done-flag\s+released: one variant for everyone\s+\d{4}-\d{2}-\d{2}\s+\S+.*\s+production$/m);
    expect(human).toContain('  done-flag in production (1.0.0): src/checkout.ts:1');
    expect(human).toMatch(/\d stale flags?, 1 still in code: remove that use and deploy before archiving\n$/);
  });

  it('with --env, only that environment’s code and usage; an unknown environment gets close matches', async () => {
    const staging = expectExit(await curtain(['flags', 'stale', '--env', 'staging', '--json']), 0).json();
    expect(staging.flags.find((f: { key: string }) => f.key === 'done-flag')).toMatchObject({ key: 'done-flag', stale: { stillInCode: [] }, inCode: [] });
    const unknown = expectExit(await curtain(['flags', 'stale', '--env', 'prod']), 1);
    expect(unknown.stderr).toContain('did you mean "production"?');
  });

  it('never printed the admin token', () => {
    expect(transcript.join('\n')).not.toContain(server.adminToken);
  });
});
