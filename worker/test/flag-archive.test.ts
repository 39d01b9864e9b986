// Archiving a flag over PATCH …/flags/{flag}: only when it is off everywhere, audited, shown in the view, and an
// archived flag cannot be switched on until it is unarchived.
import { beforeAll, describe, expect, it } from 'vitest';
import { bootstrap, dbFingerprint } from './helpers';
import { admin, createFlag, ENV } from './release-helpers';

const FLAGS = '/api/v1/projects/default/flags';

beforeAll(async () => {
  await bootstrap();
  await createFlag('old-banner');
  await createFlag('live-banner');
  expect((await admin('PATCH', `${ENV}/flags/live-banner?force=true`, { state: 'ENABLED' })).status).toBe(200);
});

describe('archiving a flag', () => {
  it('starts unarchived, archives and unarchives with an audit entry each', async () => {
    expect((await admin('GET', `${FLAGS}/old-banner`)).body.archived).toBe(false);
    const archived = await admin('PATCH', `${FLAGS}/old-banner`, { archived: true });
    expect(archived.status).toBe(200);
    expect(archived.body.archived).toBe(true);
    expect((await admin('GET', FLAGS)).body.flags.find((f: any) => f.key === 'old-banner').archived).toBe(true);
    const entries = (await admin('GET', '/api/v1/projects/default/audit?limit=10')).body.entries as any[];
    expect(entries.find((e) => e.resource.endsWith('/flags/old-banner') && e.action === 'flag.update')).toMatchObject({ before: { archived: false }, after: { archived: true } });

    expect((await admin('PATCH', `${FLAGS}/old-banner`, { archived: false })).body.archived).toBe(false);
  });

  it('is refused with 409 CONFLICT while the flag is on in an environment, writing nothing', async () => {
    const before = await dbFingerprint();
    const refused = await admin('PATCH', `${FLAGS}/live-banner`, { archived: true });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('CONFLICT');
    expect(refused.body.error.message).toContain("on in 'development': switch it off in every environment first");
    expect(await dbFingerprint()).toBe(before);
  });

  it('keeps an archived flag off: switching it on is refused until it is unarchived', async () => {
    expect((await admin('PATCH', `${FLAGS}/old-banner`, { archived: true })).status).toBe(200);
    const refused = await admin('PATCH', `${ENV}/flags/old-banner?force=true`, { state: 'ENABLED' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain('unarchive it');
    expect((await admin('GET', `${FLAGS}/old-banner`)).body.environments.development.state).toBe('DISABLED');
  });

  it('refuses a non-boolean archived with 400', async () => {
    expect((await admin('PATCH', `${FLAGS}/old-banner`, { archived: 'yes' })).status).toBe(400);
  });
});

describe('a release of an archived flag', () => {
  it('is refused at its start with 409 CONFLICT, and nothing is written', async () => {
    await createFlag('shelved');
    expect((await admin('PATCH', '/api/v1/projects/default/flags/shelved', { archived: true })).status).toBe(200);
    await admin('POST', `${ENV}/releases`, { key: 'shelf', name: 'Shelf', flags: ['shelved'], plan: { steps: [{ percent: 100, holdMinutes: 0 }] } });
    const before = await dbFingerprint();
    const res = await admin('POST', `${ENV}/releases/shelf/start`);
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('archived') });
    expect(await dbFingerprint()).toBe(before);
  });
});
