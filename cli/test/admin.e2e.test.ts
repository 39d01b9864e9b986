// SDK keys, admin tokens and `wait` against a real local Curtain, and the admin token never in any output.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCurtain, type RunningCurtain } from '../../scripts/curtain-server';
import { curtain as run, expectExit, transcript } from './run-cli';

let server: RunningCurtain;
let env: Record<string, string>;
const curtain = (args: string[], extraEnv: Record<string, string> = {}) => run(args, { env: { ...env, ...extraEnv } });

async function evaluate(sdkKey: string) {
  const res = await fetch(`${env.CURTAIN_URL}/ofrep/v1/evaluate/flags`, {
    method: 'POST',
    headers: { authorization: `Bearer ${sdkKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ context: { targetingKey: 'u1' } }),
  });
  await res.body?.cancel();
  return res.status;
}

beforeAll(async () => {
  server = await startCurtain();
  env = { CURTAIN_URL: new URL(server.apiUrl).origin, CURTAIN_TOKEN: server.adminToken };
});

afterAll(async () => {
  await server?.stop();
});

describe('keys', () => {
  it('creates, lists and revokes an SDK key', async () => {
    const created = expectExit(await curtain(['keys', 'create', '--env', 'development', '--name', 'web', '--kind', 'client', '--json']), 0).json();
    expect(created).toMatchObject({ name: 'web', kind: 'client', revokedAt: null });
    expect(created.secret).toMatch(/^crt_c_/);
    const human = expectExit(await curtain(['keys', 'list', '--env', 'development']), 0).stdout;
    expect(human).toMatch(new RegExp(`${created.id}\\s+web\\s+client`));
    expect(human).not.toContain(created.secret);

    expect(expectExit(await curtain(['keys', 'revoke', created.id, '--env', 'development']), 0).stdout).toContain(`revoked SDK key ${created.id}`);
    const active = expectExit(await curtain(['keys', 'list', '--env', 'development', '--json']), 0).json();
    expect(active.sdkKeys.map((k: { id: string }) => k.id)).not.toContain(created.id);
    const all = expectExit(await curtain(['keys', 'list', '--env', 'development', '--all', '--json']), 0).json();
    expect(all.sdkKeys.find((k: { id: string }) => k.id === created.id).revokedAt).not.toBeNull();
  });

  it('refuses an unknown kind as a usage error', async () => {
    expectExit(await curtain(['keys', 'create', '--env', 'development', '--name', 'x', '--kind', 'browser']), 2);
  });
});

describe('tokens', () => {
  it('creates a token that works, lists it, and revokes it so that it stops working', async () => {
    const created = expectExit(await curtain(['tokens', 'create', '--name', 'ci-pipeline', '--json']), 0).json();
    expect(created.secret).toMatch(/^crt_admin_/);
    const listed = expectExit(await curtain(['tokens', 'list', '--json'], { CURTAIN_TOKEN: created.secret }), 0).json();
    expect(listed.adminTokens.map((t: { name: string }) => t.name)).toContain('ci-pipeline');

    expectExit(await curtain(['tokens', 'revoke', created.id]), 0);
    const refused = expectExit(await curtain(['tokens', 'list'], { CURTAIN_TOKEN: created.secret }), 1);
    expect(refused.stderr).toContain('UNAUTHENTICATED');
    expect(refused.stderr).toContain('check --token / CURTAIN_TOKEN');
    expect(refused.stdout + refused.stderr).not.toContain(created.secret);
  });
});

describe('wait', () => {
  it('says there is nothing to wait for in an environment no location has served', async () => {
    const res = expectExit(await curtain(['wait', '--env', 'production', '--json']), 0).json();
    expect(res).toMatchObject({ env: 'production', live: true, served: false });
  });

  it('returns once the newest version is live where the environment is served', async () => {
    expect(await evaluate(server.sdkKey)).toBe(200); // development is now served by a location
    // A change (a new key publishes a new version); the isolate applies it at its next request.
    expectExit(await curtain(['keys', 'create', '--env', 'development', '--name', 'bump']), 0);
    const bin = fileURLToPath(new URL('../bin/curtain.mjs', import.meta.url));
    const child = spawn(process.execPath, [bin, 'wait', '--env', 'development', '--timeout', '20s', '--json'], { env: { PATH: process.env.PATH, ...env } });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    let done = false;
    void exited.then(() => (done = true));
    // Traffic, until wait sees it applied.
    while (!done) {
      await evaluate(server.sdkKey);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(await exited).toBe(0);
    transcript.push(stdout);
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({ env: 'development', live: true, served: true, locations: { serving: 1, idle: 0 } });
    expect(result.version).toBe(result.propagation.version);
    expect(result.propagation.applied.isolates).toBeGreaterThan(0);
    expect(result.propagation.applied.locations).toBe(result.propagation.applied.ofLocations);
  });

  it('is not held up by a location with no traffic since the change: it is idle, and exits 0 within the propagation bound', async () => {
    // development has been served (the test above); a change, and no request after it
    expectExit(await curtain(['keys', 'create', '--env', 'development', '--name', 'quiet']), 0);
    const started = Date.now();
    const res = expectExit(await curtain(['wait', '--env', 'development', '--timeout', '30s', '--json']), 0).json();
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(res).toMatchObject({ env: 'development', live: true, served: false, locations: { serving: 0, idle: 1 } });
    expect(res.propagation.applied).toMatchObject({ locations: 0, ofLocations: 1 });
    const human = expectExit(await curtain(['wait', '--env', 'development']), 0).stdout;
    expect(human).toMatch(/^development: version \d+ is live: no location has served since the change; 1 idle \(no request since the change: it applies it with the next\)/);
  });

  it('exits 3 when the version is not live within the timeout', async () => {
    const started = Date.now();
    const res = expectExit(await curtain(['wait', '--env', 'development', '--version', '99999', '--timeout', '1500ms']), 3);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(res.stderr).toContain('version 99999 is not live after 1.5s: version 99999 is not at the edge yet');
    expect(res.stderr).toContain('waiting for version 99999');
  });
});

describe('secrets', () => {
  it('never printed the admin token in use', () => {
    expect(transcript.length).toBeGreaterThan(10);
    expect(transcript.join('\n')).not.toContain(server.adminToken);
  });
});
