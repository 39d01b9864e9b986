// The audit log's actors: each entry names the admin token by id as well as by name (two tokens may share a name),
// the system under symbolic ids; admin-token changes, which belong to no project, are read at GET /api/v1/audit.
import { beforeAll, describe, expect, it } from 'vitest';
import { bootstrap, call, json } from './helpers';
import { admin, createFlag, ENV } from './release-helpers';

const PROJECT = '/api/v1/projects/default';

beforeAll(async () => {
  await bootstrap();
});

async function newToken(name: string): Promise<{ id: string; secret: string }> {
  const res = await admin('POST', '/api/v1/admin-tokens', { name });
  expect(res.status).toBe(201);
  return res.body;
}

const projectEntries = async () => (await admin('GET', `${PROJECT}/audit?limit=500`)).body.entries as any[];

describe('actors', () => {
  it('two tokens with the same name are told apart by their ids', async () => {
    const one = await newToken('release bot');
    const two = await newToken('release bot');
    for (const [token, key] of [
      [one, 'by-one'],
      [two, 'by-two'],
    ] as const) {
      expect((await call('POST', `${PROJECT}/flags`, { token: token.secret, body: { key } })).status).toBe(201);
    }
    const entries = await projectEntries();
    const by = (key: string) => entries.find((e) => e.action === 'flag.create' && e.resource === `projects/default/flags/${key}`);
    expect(by('by-one')).toMatchObject({ actor: 'release bot', actorId: one.id });
    expect(by('by-two')).toMatchObject({ actor: 'release bot', actorId: two.id });
  });

  it('the bootstrap token is "bootstrap"; a guardrail keeps its name under the symbolic id "guardrail"', async () => {
    await createFlag('watched');
    const byBootstrap = (await projectEntries()).find((e) => e.resource === 'projects/default/flags/watched');
    expect(byBootstrap).toMatchObject({ actor: 'bootstrap admin token', actorId: 'bootstrap' });
    const guardrails = [{ metric: 'error_rate', operator: '>', threshold: 0.02, windowMinutes: 5, action: 'pause' }];
    await admin('POST', `${ENV}/releases`, { key: 'watch', name: 'Watch', flags: ['watched'], plan: { steps: [{ percent: 50, holdMinutes: 60 }] }, guardrails });
    expect((await admin('POST', `${ENV}/releases/watch/start`)).status).toBe(200);
    const reader = await newToken('metrics');
    const res = await json(call('POST', `${ENV}/releases/watch/metrics`, { token: reader.secret, body: { metric: 'error_rate', value: 0.5 } }));
    expect(res.body.breached).not.toBeNull();
    const paused = (await projectEntries()).find((e) => e.action === 'release.pause');
    expect(paused).toMatchObject({ actor: 'guardrail error_rate (readings from metrics)', actorId: 'guardrail' });
  });
});

describe('GET /api/v1/audit', () => {
  it('lists admin-token creation and revocation, with the actor id, newest first; never in a project’s log', async () => {
    const ci = await newToken('ci');
    expect((await call('DELETE', `/api/v1/admin-tokens/${ci.id}`, { token: ci.secret })).status).toBe(204);
    const { status, body } = await admin('GET', '/api/v1/audit?limit=2');
    expect(status).toBe(200);
    expect(body.entries).toHaveLength(2);
    expect(body.entries[0]).toMatchObject({ action: 'admin-token.revoke', resource: `admin-tokens/${ci.id}`, actor: 'ci', actorId: ci.id, projectId: null });
    expect(body.entries[0].after.revokedAt).not.toBeNull();
    expect(body.entries[1]).toMatchObject({ action: 'admin-token.create', resource: `admin-tokens/${ci.id}`, actorId: 'bootstrap', projectId: null });
    expect(body.entries[1].after).toMatchObject({ id: ci.id, name: 'ci' });
    expect(JSON.stringify(body)).not.toContain('crt_admin_');
    expect((await projectEntries()).some((e) => e.resource.startsWith('admin-tokens/'))).toBe(false);
  });

  it('lists only instance-level entries unless all=true, which adds every project’s, each with its project', async () => {
    const instance = (await admin('GET', '/api/v1/audit?limit=500')).body.entries as any[];
    expect(instance.length).toBeGreaterThan(0);
    expect(instance.every((e) => e.projectId === null)).toBe(true);
    const all = (await admin('GET', '/api/v1/audit?limit=500&all=true')).body.entries as any[];
    const project = (await admin('GET', PROJECT)).body;
    expect(all.filter((e) => e.projectId === project.id).length).toBe((await projectEntries()).length);
    expect(all.length).toBe(instance.length + (await projectEntries()).length);
  });

  it('refuses a bad limit or all with 400', async () => {
    for (const q of ['limit=0', 'limit=501', 'all=yes']) {
      const res = await admin('GET', `/api/v1/audit?${q}`);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
  });
});
