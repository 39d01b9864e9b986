// Deployments recorded from CI, dormant flags, the flags deployed but not released, and the dormant-code guard.
import { beforeAll, describe, expect, it } from 'vitest';
import { bootstrap, dbFingerprint } from './helpers';
import { admin, createFlag, ENV } from './release-helpers';

const plan = { steps: [{ percent: 100, holdMinutes: 0 }] };

beforeAll(async () => {
  await bootstrap();
  await createFlag('legacy');
});

describe('deployments', () => {
  it('a team that never records deployments never meets the guard', async () => {
    expect((await admin('PATCH', `${ENV}/flags/legacy`, { state: 'ENABLED' })).status).toBe(200);
    expect((await admin('PATCH', `${ENV}/flags/legacy`, { state: 'DISABLED' })).status).toBe(200);
  });

  it('records a deployment and creates the flags it names as dormant: boolean, off everywhere', async () => {
    const res = await admin('POST', `${ENV}/deployments`, { version: '1.4.0', commit: 'abc123', url: 'https://ci.example/1', flags: ['checkout-v2', 'legacy'] });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ deployment: { version: '1.4.0', commit: 'abc123', actor: 'bootstrap admin token', flags: ['checkout-v2', 'legacy'] }, createdFlags: ['checkout-v2'] });
    const flag = (await admin('GET', '/api/v1/projects/default/flags/checkout-v2')).body;
    expect(flag.type).toBe('boolean');
    expect(Object.values(flag.environments).map((e: any) => e.state)).toEqual(['DISABLED', 'DISABLED', 'DISABLED']);
  });

  it('lists deployments newest first, paged', async () => {
    await admin('POST', `${ENV}/deployments`, { version: '1.5.0', actor: 'release-bot', at: '2030-01-01T00:00:00Z' });
    const first = await admin('GET', `${ENV}/deployments?limit=1`);
    expect(first.body.deployments.map((d: any) => d.version)).toEqual(['1.5.0']);
    expect(first.body.deployments[0].actor).toBe('release-bot');
    const second = await admin('GET', `${ENV}/deployments?limit=1&before=${first.body.next}`);
    expect(second.body).toMatchObject({ deployments: [{ version: '1.4.0' }], next: null });
  });

  it('lists the flags deployed but not released, per environment', async () => {
    const res = await admin('GET', `${ENV}/unreleased-flags`);
    expect(res.body.flags.map((f: any) => f.key).sort()).toEqual(['checkout-v2', 'legacy']);
    expect(res.body.flags[0]).toMatchObject({ lastVersion: '1.4.0' });
    expect((await admin('GET', '/api/v1/projects/default/environments/staging/unreleased-flags')).body.flags).toEqual([]);
  });

  it('refuses bad deployments with 400, writing nothing', async () => {
    const before = await dbFingerprint();
    for (const body of [{}, { version: '' }, { version: '1', flags: ['not a key'] }, { version: '1', at: 'yesterday' }, { version: '1', url: 'not a url' }]) {
      const res = await admin('POST', `${ENV}/deployments`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    expect(await dbFingerprint()).toBe(before);
  });
});

describe('the dormant-code guard', () => {
  it('refuses to switch on a flag no deployment uses, with 409 DORMANT_CODE, writing nothing; force goes through', async () => {
    await createFlag('ghost');
    const before = await dbFingerprint();
    const refused = await admin('PATCH', `${ENV}/flags/ghost`, { state: 'ENABLED' });
    expect(refused).toMatchObject({ status: 409, body: { error: { code: 'DORMANT_CODE', flags: ['ghost'] } } });
    expect(refused.body.error.message).toContain('?force=true');
    expect(await dbFingerprint()).toBe(before);
    expect((await admin('PATCH', `${ENV}/flags/ghost?force=true`, { state: 'ENABLED' })).status).toBe(200);
  });

  it('lets through flags a deployment uses, and other edits of dormant flags', async () => {
    expect((await admin('PATCH', `${ENV}/flags/checkout-v2`, { state: 'ENABLED' })).status).toBe(200);
    await createFlag('ghost2');
    expect((await admin('PATCH', `${ENV}/flags/ghost2`, { defaultVariant: 'off' })).status).toBe(200);
  });

  it('guards starting and resuming a release', async () => {
    await admin('POST', `${ENV}/releases`, { key: 'g', name: 'G', flags: ['ghost2'], plan });
    expect((await admin('POST', `${ENV}/releases/g/start`)).body.error).toMatchObject({ code: 'DORMANT_CODE', flags: ['ghost2'] });
    expect((await admin('GET', `${ENV}/releases/g`)).body.state).toBe('draft');
    expect((await admin('POST', `${ENV}/releases/g/start?force=true`)).body.state).toBe('released');
  });

  it('applies only where deployments are recorded, and can be switched off per environment', async () => {
    await createFlag('ghost3');
    expect((await admin('PATCH', '/api/v1/projects/default/environments/staging/flags/ghost3', { state: 'ENABLED' })).status).toBe(200);
    expect((await admin('PATCH', ENV, { dormantGuard: false })).body.dormantGuard).toBe(false);
    expect((await admin('PATCH', `${ENV}/flags/ghost3`, { state: 'ENABLED' })).status).toBe(200);
  });
});

describe('code references', () => {
  it('are kept with a deployment and shown per flag: the newest deployment of each environment that uses it', async () => {
    const refs = [
      { key: 'refd', file: 'src/search.ts', line: 12 },
      { key: 'refd', file: 'src/app.tsx', line: 40 },
      { key: 'other-refd', file: 'src/x.ts', line: 1 },
    ];
    const res = await admin('POST', `${ENV}/deployments`, { version: '3.0.0', references: refs });
    expect(res.status).toBe(201);
    // a key used in the code counts as used: created dormant like any new flag of a deployment
    expect(res.body.createdFlags.sort()).toEqual(['other-refd', 'refd']);
    expect(res.body.deployment.flags.sort()).toEqual(['other-refd', 'refd']);
    await admin('POST', '/api/v1/projects/default/environments/staging/deployments', { version: '2.9.0', flags: ['refd'] });
    const view = await admin('GET', '/api/v1/projects/default/flags/refd/references');
    expect(view.body.environments).toEqual([
      { environment: 'development', deployment: expect.objectContaining({ version: '3.0.0' }), references: [{ file: 'src/search.ts', line: 12 }, { file: 'src/app.tsx', line: 40 }] },
      { environment: 'staging', deployment: expect.objectContaining({ version: '2.9.0' }), references: [] },
    ]);
    expect((await admin('GET', '/api/v1/projects/default/flags/nope/references')).status).toBe(404);
    expect((await admin('POST', `${ENV}/deployments`, { version: '3.0.1', references: [{ key: 'refd', file: '', line: 0 }] })).status).toBe(400);
  });
});
