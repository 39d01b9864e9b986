// Governance from the command line against a real local Curtain (issue 20): tokens with roles, protected environments,
// writes held for approval (exit 8 with the request's id and URL), and `changes` reviewing, applying and waiting.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCurtain, type RunningCurtain } from '../../scripts/curtain-server';
import { curtain as run, expectExit, transcript } from './run-cli';

let server: RunningCurtain;
let dir: string;
let origin: string;
const tokens: Record<'author' | 'reviewer' | 'releaser' | 'viewer', string> = { author: '', reviewer: '', releaser: '', viewer: '' };
const as = (who: keyof typeof tokens | 'admin', args: string[]) =>
  run(args, { env: { CURTAIN_URL: origin, CURTAIN_TOKEN: who === 'admin' ? server.adminToken : tokens[who] } });
const prod = ['--env', 'production'];
const stateIn = async (flag: string) => expectExit(await as('admin', ['flags', 'get', flag, ...prod, '--json']), 0).json().environments.production.state;

/** `curtain changes wait` in the background, as a pipeline's next step would run it. */
function waitInBackground(who: keyof typeof tokens, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const bin = fileURLToPath(new URL('../bin/curtain.mjs', import.meta.url));
  const child = spawn(process.execPath, [bin, 'changes', 'wait', ...args], { env: { PATH: process.env.PATH, CURTAIN_URL: origin, CURTAIN_TOKEN: tokens[who] } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.once('close', (code) => (transcript.push(stdout, stderr), resolve({ code, stdout, stderr }))));
}

beforeAll(async () => {
  server = await startCurtain();
  origin = new URL(server.apiUrl).origin;
  dir = await mkdtemp(join(tmpdir(), 'curtain-cli-governance-'));
});

afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('tokens with roles', () => {
  it('creates tokens with a role, projects, environments and an expiry, and lists their roles', async () => {
    const author = expectExit(await as('admin', ['tokens', 'create', '--name', 'ci-editor', '--role', 'editor', '--projects', 'default', '--json']), 0).json();
    expect(author).toMatchObject({ name: 'ci-editor', role: 'editor', projects: ['default'], environments: null, expiresAt: null });
    tokens.author = author.secret;
    tokens.reviewer = expectExit(await as('admin', ['tokens', 'create', '--name', 'reviewer', '--role', 'editor', '--json']), 0).json().secret;
    const releaser = expectExit(await as('admin', ['tokens', 'create', '--name', 'rel', '--role', 'releaser', '--expires', '30d', '--json']), 0).json();
    expect(releaser).toMatchObject({ role: 'releaser', projects: null, environments: null });
    expect(Date.parse(releaser.expiresAt) - Date.now()).toBeGreaterThan(29 * 86_400_000);
    expect(Date.parse(releaser.expiresAt) - Date.now()).toBeLessThan(31 * 86_400_000);
    tokens.releaser = releaser.secret;
    const narrow = expectExit(await as('admin', ['tokens', 'create', '--name', 'stage-hand', '--role', 'editor', '--environments', 'staging,production', '--json']), 0).json();
    expect(narrow).toMatchObject({ role: 'editor', projects: null, environments: ['staging', 'production'], expiresAt: null });
    const viewer = await as('admin', ['tokens', 'create', '--name', 'watcher', '--role', 'viewer', '--expires', '2099-01-31']);
    expect(expectExit(viewer, 0).stdout).toMatch(/^created token "watcher" \([a-z0-9]{16}\): viewer in every project, until 2099-01-31T00:00:00\.000Z$/m);
    tokens.viewer = viewer.stdout.split('\n')[1];

    const list = expectExit(await as('admin', ['tokens', 'list']), 0).stdout;
    expect(list).toMatch(/^ID\s+NAME\s+ROLE\s+WHERE\s+CREATED\s+EXPIRES\s+REVOKED$/m);
    expect(list).toMatch(/\sci-editor\s+editor\s+project default\s/);
    expect(list).toMatch(/\srel\s+releaser\s+every project\s/);
    expect(list).toMatch(/\sstage-hand\s+editor\s+every project, only staging, production\s/);
    expect(expectExit(await as('admin', ['tokens', 'list', '--json']), 0).json().adminTokens.find((t: { name: string }) => t.name === 'watcher').role).toBe('viewer');
  });

  it('refuses an unknown role and an expiry in the past as usage errors, creating nothing', async () => {
    expect(expectExit(await as('admin', ['tokens', 'create', '--name', 'x', '--role', 'owner']), 2).stderr).toContain('Allowed choices are viewer, editor, releaser, admin, signal');
    expect(expectExit(await as('admin', ['tokens', 'create', '--name', 'x', '--expires', '2020-01-01']), 2).stderr).toContain('is in the past');
    expect(expectExit(await as('admin', ['tokens', 'create', '--name', 'x', '--expires', 'soon']), 2).stderr).toContain('neither a duration');
    const names = expectExit(await as('admin', ['tokens', 'list', '--all', '--json']), 0).json().adminTokens.map((t: { name: string }) => t.name);
    expect(names).not.toContain('x');
  });

  it('a role that may not do something is refused with the role it needs (exit 1, FORBIDDEN)', async () => {
    const refused = expectExit(await as('viewer', ['flags', 'create', 'nope']), 1);
    expect(refused.stderr).toContain('[FORBIDDEN]');
    expect(refused.stderr).toContain("→ this token's role does not allow it here");
    expectExit(await as('viewer', ['flags', 'list']), 0);
  });
});

describe('protected environments', () => {
  it('lists protection with its approvals; an admin protects and unprotects; others may not', async () => {
    expect(expectExit(await as('admin', ['envs', 'list']), 0).stdout).toMatch(/^production\s+Production\s+\d+\s+yes, 1 approval$/m);
    const on = expectExit(await as('admin', ['envs', 'protect', 'staging', '--approvals', '2', '--json']), 0).json();
    expect(on).toMatchObject({ key: 'staging', protected: true, requiredApprovals: 2 });
    expect(expectExit(await as('admin', ['envs', 'list']), 0).stdout).toMatch(/^staging\s+Staging\s+\d+\s+yes, 2 approvals$/m);
    expect(expectExit(await as('admin', ['envs', 'unprotect', 'staging']), 0).stdout).toBe('staging is not protected: writes there apply at once\n');
    expect(expectExit(await as('author', ['envs', 'protect', 'staging']), 1).stderr).toContain('[FORBIDDEN]');
    expectExit(await as('admin', ['envs', 'protect', 'staging', '--approvals', '11']), 2);
    expect(expectExit(await as('admin', ['envs', 'list', '--json']), 0).json().environments.find((e: { key: string }) => e.key === 'staging').protected).toBe(false);
  });
});

describe('a push to protected production by an editor, approved by another, applied', () => {
  let id = '';

  it('opens a change request: exit 8, its id and absolute URL printed, nothing changed yet', async () => {
    expectExit(await as('admin', ['flags', 'create', 'gov-flag']), 0);
    expectExit(await as('admin', ['deploy', 'record', ...prod, '--version', '1.0.0', '--flag', 'gov-flag']), 0);
    const file = join(dir, 'production.json');
    await writeFile(file, JSON.stringify({ flags: { 'gov-flag': { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'on' } } }));
    const held = expectExit(await as('author', ['flags', 'push', file, ...prod]), 8);
    const m = /^held for approval: production is protected, so this opened change request ([a-z0-9]{16}) \(import a flagd file of 1 flags into production\); nothing has changed yet$/m.exec(held.stdout);
    expect(m, held.stdout).not.toBeNull();
    id = m![1];
    expect(held.stdout).toContain(`it needs 1 approval by someone other than ci-editor, then someone to apply it: ${origin}/requests/${id}?project=default\n`);
    expect(held.stdout).toContain(`→ curtain changes wait ${id} waits until it is applied`);
    expect(held.stderr).toBe('');
    expect(await stateIn('gov-flag')).toBe('DISABLED');
  });

  it('lists and shows the request, its target unchanged since', async () => {
    const open = expectExit(await as('reviewer', ['changes', 'list', '--state', 'open', '--json']), 0).json().changeRequests;
    expect(open.map((r: { id: string }) => r.id)).toContain(id);
    expect(open.find((r: { id: string }) => r.id === id)).toMatchObject({ state: 'open', kind: 'flagd.import', environment: 'production', author: { name: 'ci-editor' }, url: `${origin}/requests/${id}?project=default` });
    expect(expectExit(await as('reviewer', ['changes', 'list']), 0).stdout).toMatch(new RegExp(`^${id}\\s+open\\s+production\\s+0 of 1\\s+ci-editor\\s`, 'm'));
    expect(expectExit(await as('reviewer', ['changes', 'list', '--env', 'staging']), 0).stdout).toBe('no change requests in staging in project "default"\n');
    const shown = expectExit(await as('reviewer', ['changes', 'show', id]), 0).stdout;
    expect(shown).toContain(`${id}: import a flagd file of 1 flags into production\n  state: open, 0 of 1 approvals, expires `);
    expect(shown).toContain('"gov-flag": {');
    expect(shown).toContain('its target is as it was when the request was made');
  });

  it('refuses the author’s own approval (exit 1), and `changes wait` exits 3 while nobody has approved', async () => {
    const self = expectExit(await as('author', ['changes', 'approve', id]), 1);
    expect(self.stderr).toContain('[FORBIDDEN]\n  → the author of a change request cannot approve it: another person (another token) must');
    const waited = expectExit(await as('author', ['changes', 'wait', id, '--timeout', '1s', '--interval', '200ms']), 3);
    expect(waited.stderr).toContain(`change request ${id} is not applied after 1.0s: open, 0 of 1 approvals`);
  });

  it('approved by another and applied: a waiting pipeline returns 0 and the flag is on', async () => {
    const waiting = waitInBackground('author', [id, '--timeout', '60s', '--interval', '200ms', '--json']);
    const approved = expectExit(await as('reviewer', ['changes', 'approve', id, '--comment', 'looks right']), 0).stdout;
    expect(approved).toBe(`approved change request ${id} (import a flagd file of 1 flags into production): approved (1 of 1), ready to apply, expires ${approved.match(/expires (\S+)/)![1]}\n  → apply it: curtain changes apply ${id}\n`);
    const applied = expectExit(await as('reviewer', ['changes', 'apply', id]), 0).stdout;
    expect(applied).toContain(`applied change request ${id} (import a flagd file of 1 flags into production) by reviewer: written as ci-editor's change, approved by reviewer`);
    const done = await waiting;
    expect(done.code, done.stderr).toBe(0);
    expect(JSON.parse(done.stdout).changeRequest).toMatchObject({ id, state: 'applied', appliedBy: { name: 'reviewer' }, approvals: [{ name: 'reviewer', comment: 'looks right' }] });
    expect(await stateIn('gov-flag')).toBe('ENABLED');
    const again = expectExit(await as('reviewer', ['changes', 'apply', id]), 1);
    expect(again.stderr).toContain('[INVALID_STATE]\n  → see where it stands with `curtain changes show ID`');
  });
});

describe('flags on/off and releases in protected production', () => {
  it('an editor switching a flag needs no --yes: the switch is held (exit 8, --json gives the request on stdout)', async () => {
    const held = expectExit(await as('author', ['flags', 'off', 'gov-flag', ...prod, '--json']), 8);
    expect(held.stderr).toBe('');
    const { changeRequest } = held.json();
    expect(changeRequest).toMatchObject({ state: 'open', kind: 'flag.configure', change: { body: { state: 'DISABLED' } }, url: `${origin}/requests/${changeRequest.id}?project=default` });
    // rejected: a pipeline waiting on it exits 9
    const waiting = waitInBackground('author', [changeRequest.id, '--timeout', '60s', '--interval', '200ms']);
    expect(expectExit(await as('reviewer', ['changes', 'reject', changeRequest.id, '--comment', 'not today']), 0).stdout).toContain('nothing was changed');
    const done = await waiting;
    expect(done.code).toBe(9);
    expect(done.stderr).toContain(`change request ${changeRequest.id} (change state of flag 'gov-flag' in production) was not applied: rejected by reviewer`);
    expect(done.stderr).toContain(': "not today"');
    const json = JSON.parse(expectExit(await as('author', ['changes', 'wait', changeRequest.id, '--json']), 9).stderr);
    expect(json.error).toMatchObject({ code: 'CHANGE_REQUEST_REJECTED', exitCode: 9 });
    expect(await stateIn('gov-flag')).toBe('ENABLED');
  });

  it('an approved request whose target changed since is refused at apply with the diff (exit 1, nothing applied)', async () => {
    const { changeRequest } = expectExit(await as('author', ['flags', 'off', 'gov-flag', ...prod, '--json']), 8).json();
    // an admin bypasses the protection (and is asked to confirm): the flag changes under the request
    expectExit(await as('admin', ['flags', 'off', 'gov-flag', ...prod]), 7);
    expectExit(await as('admin', ['flags', 'off', 'gov-flag', ...prod, '--yes']), 0);
    expectExit(await as('reviewer', ['changes', 'approve', changeRequest.id]), 0);
    expect(expectExit(await as('reviewer', ['changes', 'show', changeRequest.id]), 0).stdout).toContain('its target changed since the request was made (apply will be refused: review it again):');
    const stale = expectExit(await as('reviewer', ['changes', 'apply', changeRequest.id]), 1);
    expect(stale.stderr).toContain('[CHANGE_REQUEST_STALE]');
    expect(stale.stderr).toMatch(/\n {2}\S*state\S*: "ENABLED" → "DISABLED"\n/);
    expect(stale.stderr).toContain('→ what changed is listed above: nothing was applied');
  });

  it('a releaser’s release create is held; `changes wait --apply` applies it once an admin approves', async () => {
    const held = expectExit(await as('releaser', ['release', 'create', 'gov-rel', ...prod, '--flag', 'gov-flag', '--steps', '50:1h,100', '--json']), 8).json();
    expect(held.changeRequest).toMatchObject({ kind: 'release.create', environment: 'production' });
    const id = held.changeRequest.id;
    expect(expectExit(await as('releaser', ['release', 'list', ...prod, '--json']), 0).json().releases).toEqual([]);
    const waiting = waitInBackground('releaser', [id, '--apply', '--timeout', '60s', '--interval', '200ms', '--json']);
    expectExit(await as('admin', ['changes', 'approve', id]), 0);
    const done = await waiting;
    expect(done.code, done.stderr).toBe(0);
    const out = JSON.parse(done.stdout);
    expect(out.changeRequest).toMatchObject({ id, state: 'applied', appliedBy: { name: 'rel' } });
    expect(out.result).toMatchObject({ key: 'gov-rel', state: 'draft' });
    expect(expectExit(await as('releaser', ['release', 'list', ...prod, '--json']), 0).json().releases.map((r: { key: string }) => r.key)).toEqual(['gov-rel']);
    // starting it is held too; pausing, rolling back and killing never are
    expect(expectExit(await as('releaser', ['release', 'start', 'gov-rel', ...prod]), 8).stdout).toContain("(start release 'gov-rel' in production)");
  });
});

describe('secrets', () => {
  it('never printed the admin token in use', () => {
    expect(transcript.join('\n')).not.toContain(server.adminToken);
  });
});
