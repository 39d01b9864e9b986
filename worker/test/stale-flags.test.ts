// Stale flags over HTTP, with the clock moved: released (held 100 % for the project's staleAfterDays) or unevaluated for
// 30 days, where the code still uses them, the ?stale=true list, the setting, and archiving a flag still in code.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { bootstrap, ofrep } from './helpers';
import { admin, createFlag, ENV } from './release-helpers';

const T0 = Date.parse('2027-03-01T09:00:00Z');
const DAY = 24 * 60 * 60_000;
const at = (ms: number) => vi.setSystemTime(new Date(ms));
const PROJECT = '/api/v1/projects/default';
let sdkKey: string;

const staleOf = async () => Object.fromEntries((await admin('GET', `${PROJECT}/flags`)).body.flags.map((f: any) => [f.key, f.stale]));

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  at(T0);
  sdkKey = await bootstrap();
  for (const f of ['unused', 'used', 'shipped']) await createFlag(f, { environments: { development: { state: 'ENABLED' } } });
  await admin('PATCH', `${ENV}/flags/shipped`, { state: 'DISABLED' });
  expect((await admin('POST', `${ENV}/releases`, { key: 'ship', name: 'Ship', flags: ['shipped'], plan: { steps: [{ percent: 100, holdMinutes: 60 }] } })).status).toBe(201);
  expect((await admin('POST', `${ENV}/releases/ship/start`)).status).toBe(200);
  expect((await admin('POST', `${PROJECT}/environments/production/deployments`, { version: '1.0.0', flags: ['shipped', 'used'] })).status).toBe(201);
});

describe('stale flags', { timeout: 30_000 }, () => {
  it('are none while flags are new and releases run', async () => {
    expect(await staleOf()).toEqual({ unused: null, used: null, shipped: null });
    expect((await admin('GET', PROJECT)).body.staleAfterDays).toBe(14);
  });

  it('are released ones past staleAfterDays and unevaluated ones past 30 days, with where the code uses them', async () => {
    at(T0 + 20 * DAY);
    expect((await ofrep(sdkKey, 'used')).status).toBe(200);
    await admin('GET', `${ENV}/flags/used/exposures`);
    at(T0 + 31 * DAY);
    const releasedAt = new Date(T0 + 60 * 60_000).toISOString();
    expect(await staleOf()).toEqual({
      unused: { reason: 'unevaluated', since: new Date(T0).toISOString(), stillInCode: [] },
      used: null,
      shipped: { reason: 'released', since: releasedAt, stillInCode: ['production'] },
    });
    const only = await admin('GET', `${PROJECT}/flags?stale=true`);
    expect(only.body.flags.map((f: any) => f.key).sort()).toEqual(['shipped', 'unused']);
    expect((await admin('GET', `${PROJECT}/flags/used`)).body).toMatchObject({ stale: null, environments: { development: { usage: { lastEvaluatedAt: new Date(T0 + 20 * DAY).toISOString() } } } });
  });

  it('follow the project setting, which is audited and validated', async () => {
    const set = await admin('PATCH', PROJECT, { staleAfterDays: 45 });
    expect(set).toMatchObject({ status: 200, body: { staleAfterDays: 45 } });
    // no longer released long enough; never evaluated, though, so it is still stale for that
    expect((await staleOf()).shipped).toMatchObject({ reason: 'unevaluated' });
    expect((await admin('PATCH', PROJECT, { staleAfterDays: 0 })).status).toBe(400);
    expect((await admin('PATCH', PROJECT, {})).status).toBe(400);
    const entry = (await admin('GET', `${PROJECT}/audit?limit=5`)).body.entries.find((e: any) => e.action === 'project.update');
    expect(entry).toMatchObject({ before: { staleAfterDays: 14 }, after: { staleAfterDays: 45 } });
    await admin('PATCH', PROJECT, { staleAfterDays: 14 });
  });

  it('can be archived while a deployment still references them, with a warning', async () => {
    expect((await admin('PATCH', `${ENV}/flags/shipped`, { state: 'DISABLED' })).status).toBe(200);
    const archived = await admin('PATCH', `${PROJECT}/flags/shipped`, { archived: true });
    expect(archived.status).toBe(200);
    expect(archived.body.archived).toBe(true);
    expect(archived.body.warnings).toEqual([{ code: 'STILL_IN_CODE', environments: ['production'], message: expect.stringMatching(/production still references it/) }]);
    // still switched on somewhere: archiving is refused as before
    expect((await admin('PATCH', `${PROJECT}/flags/unused`, { archived: true })).status).toBe(409);
  });
});
