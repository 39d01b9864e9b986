// Scheduled one-off changes over the admin API and OFREP: on time at the edge, kept through edits, recorded by the clock.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { env, runDurableObjectAlarm } from 'cloudflare:test';
import { bootstrap, dbFingerprint, json, ofrep } from './helpers';
import { admin, createFlag, ENV, servedTo, users } from './release-helpers';

let sdkKey: string;
const T0 = Date.parse('2027-05-01T12:00:00Z');
const MIN = 60_000;
const at = (ms: number) => vi.setSystemTime(new Date(ms));

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  at(T0 - 60 * MIN);
  sdkKey = await bootstrap();
  await createFlag('launch');
});

describe('scheduled changes', { timeout: 30_000 }, () => {
  it('switch a flag on and set its split on time at the edge; edits in between keep them', async () => {
    const on = await admin('POST', `${ENV}/flags/launch/schedule`, { at: new Date(T0).toISOString(), state: 'ENABLED' });
    expect(on.status).toBe(201);
    const split = await admin('POST', `${ENV}/flags/launch/schedule`, { at: new Date(T0 + 30 * MIN).toISOString(), targeting: { fractional: [['on', 25], ['off', 75]] } });
    expect(split.status).toBe(201);
    // an edit before the time keeps the schedule, and the answer says it is there
    const edited = await admin('PATCH', `${ENV}/flags/launch`, { defaultVariant: 'on' });
    expect(edited.body.environments.development.schedule.map((s: any) => s.id)).toEqual([on.body.id, split.body.id]);

    expect((await json(ofrep(sdkKey, 'launch'))).body.reason).toBe('DISABLED');
    at(T0);
    expect((await json(ofrep(sdkKey, 'launch'))).body).toMatchObject({ value: true, reason: 'STATIC' });
    at(T0 + 30 * MIN);
    const people = users(400);
    const share = (await servedTo(sdkKey, 'launch', people)).length / people.length;
    expect(share).toBeGreaterThan(0.18);
    expect(share).toBeLessThan(0.32);
  });

  it('the clock records due changes into the flag, audited at their time, and the edge serves the same', async () => {
    const envId = (await admin('GET', ENV)).body.id;
    const clock = env.RELEASE_CLOCKS.get(env.RELEASE_CLOCKS.idFromName(envId));
    expect(await runDurableObjectAlarm(clock)).toBe(true);
    const flag = (await admin('GET', '/api/v1/projects/default/flags/launch')).body.environments.development;
    expect(flag).toMatchObject({ state: 'ENABLED', targeting: { fractional: [['on', 25], ['off', 75]] } });
    expect(flag.schedule).toBeUndefined();
    const entries = (await admin('GET', '/api/v1/projects/default/audit?limit=10')).body.entries.filter((e: any) => e.actor === 'scheduler');
    expect(entries.map((e: any) => e.at).sort()).toEqual([new Date(T0).toISOString(), new Date(T0 + 30 * MIN).toISOString()]);
    expect((await json(ofrep(sdkKey, 'launch', { targetingKey: 'user-1' }))).body.reason).toBe('SPLIT');
  });

  it('can be cancelled before its time', async () => {
    const s = await admin('POST', `${ENV}/flags/launch/schedule`, { at: new Date(T0 + 90 * MIN).toISOString(), state: 'DISABLED' });
    expect((await admin('GET', `${ENV}/flags/launch/schedule`)).body.schedule).toHaveLength(1);
    expect((await admin('DELETE', `${ENV}/flags/launch/schedule/${s.body.id}`)).status).toBe(204);
    at(T0 + 100 * MIN);
    expect((await json(ofrep(sdkKey, 'launch', { targetingKey: 'user-1' }))).body.reason).toBe('SPLIT');
  });

  it('refuses a time in the past, an empty change, a phase that would not be valid, and the dormant-code guard applies', async () => {
    const before = await dbFingerprint();
    const past = await admin('POST', `${ENV}/flags/launch/schedule`, { at: new Date(T0).toISOString(), state: 'DISABLED' });
    expect(past.body.error).toMatchObject({ code: 'VALIDATION_FAILED', issues: [{ path: '/at' }] });
    expect((await admin('POST', `${ENV}/flags/launch/schedule`, { at: new Date(T0 + 200 * MIN).toISOString() })).status).toBe(400);
    const bad = await admin('POST', `${ENV}/flags/launch/schedule`, { at: new Date(T0 + 200 * MIN).toISOString(), defaultVariant: 'nope' });
    expect(bad.body.error.code).toBe('INVALID_DEFINITION');
    expect((await admin('DELETE', `${ENV}/flags/launch/schedule/nope`)).status).toBe(404);
    expect(await dbFingerprint()).toBe(before);
    await admin('POST', `${ENV}/deployments`, { version: '1', flags: ['launch'] });
    await createFlag('dark');
    const guarded = await admin('POST', `${ENV}/flags/dark/schedule`, { at: new Date(T0 + 200 * MIN).toISOString(), state: 'ENABLED' });
    expect(guarded.body.error).toMatchObject({ code: 'DORMANT_CODE', flags: ['dark'] });
  });
});
