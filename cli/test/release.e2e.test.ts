// Deployments and releases from the CLI against a real local Curtain: a deployment recorded from a scanned source
// tree, the dormant-code guard (exit 4), a release created, started, paused and killed, seen over OFREP.
// Written against the release and deployment routes (docs/api.md); excluded in cli/vitest.config.ts until they exist.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCurtain, type RunningCurtain } from '../../scripts/curtain-server';
import { curtain as run, expectExit, transcript } from './run-cli';

let server: RunningCurtain;
let dir: string;
let env: Record<string, string>;
const file = (name: string) => join(dir, name);
const curtain = (args: string[]) => run(args, { env });
const dev = ['--env', 'development'];

async function value(key: string, targetingKey: string): Promise<unknown> {
  const res = await fetch(`${env.CURTAIN_URL}/ofrep/v1/evaluate/flags/${key}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.sdkKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ context: { targetingKey } }),
  });
  return ((await res.json()) as { value?: unknown }).value;
}

/** Polls OFREP until the flag's value passes `ok` for a few users (the edge applies a change within seconds). */
async function servedToAll(key: string, ok: (v: unknown) => boolean, timeoutMs = 10_000): Promise<unknown[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const values = await Promise.all(['u1', 'u2', 'u3'].map((u) => value(key, u)));
    if (values.every(ok) || Date.now() > deadline) return values;
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  server = await startCurtain();
  env = { CURTAIN_URL: new URL(server.apiUrl).origin, CURTAIN_TOKEN: server.adminToken };
  dir = await mkdtemp(join(tmpdir(), 'curtain-cli-release-'));
  // On, serving "off" to everyone: a release serves only flags that are enabled (a disabled one stays the code default).
  const flag = { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'off' };
  await writeFile(file('flags.json'), JSON.stringify({ flags: { 'checkout-v2': flag, 'unused-flag': flag } }));
  expectExit(await curtain(['flags', 'push', file('flags.json'), ...dev]), 0);
  // The app's code: uses checkout-v2 (and names a flag Curtain does not know yet); unused-flag appears only in a dependency.
  await mkdir(file('app/src'), { recursive: true });
  await mkdir(file('app/node_modules/lib'), { recursive: true });
  await writeFile(file('app/src/checkout.ts'), "if (await client.getBooleanValue('checkout-v2', false)) renderNewCheckout();\n");
  await writeFile(file('app/node_modules/lib/index.js'), "flag('unused-flag')\n");
});

afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('deploy record', () => {
  it('records a deployment with the flags found in the scanned tree, and creates named unknown flags dormant', async () => {
    const args = ['deploy', 'record', ...dev, '--version', '1.4.0', '--commit', 'a'.repeat(40), '--url', 'https://app.example.com', '--flags-from', file('app'), '--flag', 'brand-new', '--json'];
    const res = expectExit(await curtain(args), 0).json();
    expect(res.deployment).toMatchObject({ version: '1.4.0', commit: 'a'.repeat(40), url: 'https://app.example.com', flags: ['brand-new', 'checkout-v2'] });
    expect(res.createdFlags).toEqual(['brand-new']);
    expect(res.references).toEqual([{ key: 'checkout-v2', file: file('app/src/checkout.ts'), line: 1, how: 'openfeature' }]);
    // kept with the deployment: where the code uses the flag, per environment, without a checkout; recorded relative
    // to the scanned directory, since it is outside the working directory here (a pipeline scans its own checkout)
    const refs = expectExit(await curtain(['flags', 'refs', 'checkout-v2', '--json']), 0).json();
    expect(refs.environments).toEqual([{ environment: 'development', deployment: expect.objectContaining({ version: '1.4.0' }), references: [{ file: 'src/checkout.ts', line: 1 }] }]);
    expect(expectExit(await curtain(['flags', 'refs', 'checkout-v2']), 0).stdout).toContain('src/checkout.ts:1');
  });
});

describe('the dormant-code guard', () => {
  it('exits 4 when a release would turn on a flag no recorded deployment uses, and --force overrides it', async () => {
    expectExit(await curtain(['release', 'create', 'unused-rollout', ...dev, '--flag', 'unused-flag', '--steps', '100:1h', '--variant', 'unused-flag=on:off']), 0);
    const refused = expectExit(await curtain(['release', 'start', 'unused-rollout', ...dev]), 4);
    expect(refused.stderr).toContain('DORMANT_CODE');
    expect(refused.stderr).toContain('unused-flag');
    expect(refused.stderr).toContain('--force');
    const json = expectExit(await curtain(['release', 'start', 'unused-rollout', ...dev, '--json']), 4);
    expect(JSON.parse(json.stderr).error).toMatchObject({ code: 'DORMANT_CODE', flags: ['unused-flag'], exitCode: 4 });
    expect(expectExit(await curtain(['release', 'start', 'unused-rollout', ...dev, '--force', '--json']), 0).json().state).toBe('rolling_out');
    expectExit(await curtain(['release', 'kill', 'unused-rollout', ...dev]), 0);
  });
});

describe('a release from the CLI, seen over OFREP', () => {
  it('creates, starts, pauses and kills a release', async () => {
    expect(await servedToAll('checkout-v2', (v) => v === false)).toEqual([false, false, false]);

    const created = expectExit(await curtain(['release', 'create', 'checkout-rollout', ...dev, '--name', 'Checkout v2', '--flag', 'checkout-v2', '--variant', 'checkout-v2=on:off', '--steps', '100:1h', '--json']), 0).json();
    expect(created).toMatchObject({ key: 'checkout-rollout', name: 'Checkout v2', state: 'draft', flags: [{ key: 'checkout-v2', inside: 'on', outside: 'off' }] });

    const started = expectExit(await curtain(['release', 'start', 'checkout-rollout', ...dev]), 0);
    expect(started.stdout).toContain('checkout-rollout (Checkout v2): rolling_out, 100%'); // held for an hour before it is released
    expect(await servedToAll('checkout-v2', (v) => v === true)).toEqual([true, true, true]);

    const paused = expectExit(await curtain(['release', 'pause', 'checkout-rollout', ...dev, '--json']), 0).json();
    expect(paused.state).toBe('paused');
    expect(await servedToAll('checkout-v2', (v) => v === true)).toEqual([true, true, true]); // a pause holds the percent

    const killed = expectExit(await curtain(['release', 'kill', 'checkout-rollout', ...dev, '--json']), 0).json();
    expect(killed).toMatchObject({ state: 'rolled_back', killed: true });
    expect(await servedToAll('checkout-v2', (v) => v === false)).toEqual([false, false, false]); // killed: the outside variant

    const status = expectExit(await curtain(['release', 'status', 'checkout-rollout', ...dev]), 0);
    expect(status.stdout).toContain('rolled_back (killed)');
    const list = expectExit(await curtain(['release', 'list', ...dev, '--json']), 0).json();
    expect(list.releases.map((r: { key: string }) => r.key)).toEqual(['checkout-rollout', 'unused-rollout']);
  });

  it('says what to do when a transition is not allowed', async () => {
    const res = expectExit(await curtain(['release', 'resume', 'checkout-rollout', ...dev]), 1);
    expect(res.stderr).toContain('INVALID_STATE');
    expect(res.stderr).toContain('curtain release status');
  });

});

describe('one truth about what users get (issue 19)', () => {
  it('release start refuses to take the feature away (exit 6) with the share, and --acknowledge-loss starts it', async () => {
    // on, serving the inside variant to everyone: a release at 10 % would take it from 90 % of them
    await writeFile(file('served.json'), JSON.stringify({ flags: { 'served-flag': { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'on' } } }));
    expectExit(await curtain(['deploy', 'record', ...dev, '--version', '1.5.0', '--flag', 'served-flag', '--allow-new', 'served-flag']), 0);
    expectExit(await curtain(['flags', 'push', file('served.json'), ...dev]), 0);
    expectExit(await curtain(['release', 'create', 'served', ...dev, '--flag', 'served-flag', '--steps', '10:1h,100']), 0);
    const refused = expectExit(await curtain(['release', 'start', 'served', ...dev]), 6);
    expect(refused.stderr).toContain("'served-flag' serves 'on' by default in 'development' now, and 90 % of the users the release decides for would lose it");
    expect(refused.stderr).toContain('[TAKES_FEATURE_AWAY]\n  → switch the flag off or its default to the outside variant first, or start anyway with --acknowledge-loss');
    expect(JSON.parse(expectExit(await curtain(['release', 'start', 'served', ...dev, '--json']), 6).stderr).error).toMatchObject({ code: 'TAKES_FEATURE_AWAY', exitCode: 6, flags: [{ flag: 'served-flag', inside: 'on', losing: 90 }] });
    expect(expectExit(await curtain(['release', 'start', 'served', ...dev, '--acknowledge-loss', '--json']), 0).json()).toMatchObject({ state: 'rolling_out', status: { percent: 10 } });
  });

  it('diff says which flags a running release owns before anything is written; push refuses (exit 5) and writes nothing', async () => {
    await writeFile(file('off.json'), JSON.stringify({ flags: { 'served-flag': { state: 'DISABLED', variants: { on: true, off: false }, defaultVariant: 'on' } } }));
    const diff = expectExit(await curtain(['flags', 'diff', file('off.json'), ...dev]), 0);
    expect(diff.stdout).toContain('  ! served-flag: release served (rolling out at 10% in development) owns it and the file changes its switch or default variant: refused (--release-action rollback|kill ends the release with the push)');
    const json = expectExit(await curtain(['flags', 'diff', file('off.json'), ...dev, '--json']), 0).json();
    expect(json.report.releases).toEqual([{ flag: 'served-flag', environment: 'development', release: { key: 'served', state: 'rolling_out', percent: 10 }, change: 'switch', refused: true }]);

    const push = expectExit(await curtain(['flags', 'push', file('off.json'), ...dev]), 5);
    expect(push.stderr).toBe(
      'curtain: nothing was written: running releases own flags the file changes: served-flag (release served, rolling out at 10% in development: the file changes its switch)\n' +
        '  → end them with the push (--release-action rollback, or --release-action kill), end them first (curtain release rollback KEY --env development), or push once they have finished\n',
    );
    expect(expectExit(await curtain(['release', 'status', 'served', ...dev, '--json']), 0).json().state).toBe('rolling_out');
  });

  it('push --release-action rollback ends the release with the push; status then says the flag decides', async () => {
    const pushed = expectExit(await curtain(['flags', 'push', file('off.json'), ...dev, '--release-action', 'rollback']), 0);
    expect(pushed.stdout).toContain('ended with the push (rollback): release served');
    const status = expectExit(await curtain(['release', 'status', 'served', ...dev]), 0).stdout;
    expect(status).toContain('  ended (rolled back ');
    expect(status).toContain('its outcome is in the flags now, and their own configuration decides what users get:\n    served-flag: off\n');
    const list = expectExit(await curtain(['release', 'list', ...dev]), 0).stdout;
    expect(list).toMatch(/^served\s+rolled_back\s+0%\s+served-flag\s+ended: the flags decide$/m);
    expect(await servedToAll('served-flag', (v) => v === undefined)).toEqual([undefined, undefined, undefined]);
  });

  it('push keeps the dormant-code guard: exit 4 before anything is written, --force switches it on', async () => {
    await writeFile(file('dormant.json'), JSON.stringify({ flags: { 'never-deployed': { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'on' } } }));
    const diff = expectExit(await curtain(['flags', 'diff', file('dormant.json'), ...dev]), 0);
    expect(diff.stdout).toContain('  ! never-deployed: the file switches it on, but no recorded deployment in development uses it: refused (the dormant-code guard; --force switches it on anyway)');
    const refused = expectExit(await curtain(['flags', 'push', file('dormant.json'), ...dev]), 4);
    expect(refused.stderr).toContain('curtain: nothing was written: the file switches on never-deployed, which no recorded deployment in development uses (the dormant-code guard)');
    expect(expectExit(await curtain(['flags', 'list', '--json']), 0).json().flags.map((f: { key: string }) => f.key)).not.toContain('never-deployed');
    expect(expectExit(await curtain(['flags', 'push', file('dormant.json'), ...dev, '--force', '--json']), 0).json().report.created).toEqual(['never-deployed']);
  });
});

describe('secrets', () => {
  it('never printed the admin token', () => {
    expect(transcript.join('\n')).not.toContain(server.adminToken);
  });
});
