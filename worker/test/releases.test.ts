// Releases over the admin API and OFREP, with the clock moved by the test: steps, pause, resume, rollback, kill,
// a scheduled start recorded by the release clock, guardrails and Alertmanager.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { env, runDurableObjectAlarm } from 'cloudflare:test';
import { bucketOf, murmur3 } from '../src/engine';
import { bootstrap, json, ofrep } from './helpers';
import { admin, createFlag, ENV, servedTo, users } from './release-helpers';

let sdkKey: string;
const T0 = Date.parse('2027-03-01T09:00:00Z');
const MIN = 60_000;
const at = (ms: number) => vi.setSystemTime(new Date(ms));
const plan = { steps: [{ percent: 10, holdMinutes: 60 }, { percent: 50, holdMinutes: 60 }, { percent: 100, holdMinutes: 60 }] };
const people = users(400);

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  at(T0 - 10 * MIN);
  sdkKey = await bootstrap();
});
afterEach(() => at(T0 - 10 * MIN));

/** The users the release's bucketing puts inside at `percent`: murmur3 over its salt (read from D1) and the key. */
async function expectedInside(release: string, percent: number) {
  const row = await env.DB.prepare('SELECT salt FROM releases WHERE key = ?').bind(release).first<{ salt: string }>();
  return people.filter((u) => bucketOf(murmur3(row!.salt + u), 10_000) < percent * 100);
}

describe('a release over OFREP', { timeout: 30_000 }, () => {
  let inAtFirstStep: string[];

  it('is a draft until started: nothing changes at the edge', async () => {
    await createFlag('checkout-v2');
    const created = await admin('POST', `${ENV}/releases`, { key: 'checkout', name: 'New checkout', flags: ['checkout-v2'], plan, notes: '# New checkout' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ state: 'draft', flags: [{ key: 'checkout-v2', inside: 'on', outside: 'off' }], status: { percent: 0, step: null } });
    expect((await json(ofrep(sdkKey, 'checkout-v2'))).body.reason).toBe('DISABLED');
  });

  it('starts at its first step: the flag is switched on and about 10 % of users get it', async () => {
    at(T0);
    const started = await admin('POST', `${ENV}/releases/checkout/start`);
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ state: 'rolling_out', status: { percent: 10, step: 0, nextStepAt: new Date(T0 + 60 * MIN).toISOString() } });
    inAtFirstStep = await servedTo(sdkKey, 'checkout-v2', people);
    expect(inAtFirstStep).toEqual(await expectedInside('checkout', 10));
    expect(inAtFirstStep.length).toBeGreaterThan(0);
    const r = (await json(ofrep(sdkKey, 'checkout-v2', { targetingKey: inAtFirstStep[0] }))).body;
    expect(r).toMatchObject({ value: true, variant: 'on', reason: 'SPLIT' });
  });

  it('takes its next step on time, at the edge, keeping everyone who was in', async () => {
    at(T0 + 60 * MIN + 1);
    expect((await admin('GET', `${ENV}/releases/checkout`)).body).toMatchObject({ state: 'rolling_out', status: { percent: 50, step: 1 } });
    const now = new Set(await servedTo(sdkKey, 'checkout-v2', people));
    for (const u of inAtFirstStep) expect(now.has(u)).toBe(true);
    expect([...now]).toEqual(await expectedInside('checkout', 50));
  });

  it('pause freezes the share however long it lasts; resume continues with the same users', async () => {
    at(T0 + 90 * MIN);
    const paused = await admin('POST', `${ENV}/releases/checkout/pause`);
    expect(paused.body).toMatchObject({ state: 'paused', status: { percent: 50, nextStepAt: null } });
    const atPause = await servedTo(sdkKey, 'checkout-v2', people);
    at(T0 + 5 * 24 * 60 * MIN);
    expect(await servedTo(sdkKey, 'checkout-v2', people)).toEqual(atPause);
    const resumed = await admin('POST', `${ENV}/releases/checkout/resume`);
    // 30 minutes of step 2 were left when it paused
    expect(resumed.body).toMatchObject({ state: 'rolling_out', status: { percent: 50, step: 1, nextStepAt: new Date(T0 + 5 * 24 * 60 * MIN + 30 * MIN).toISOString() } });
    expect(await servedTo(sdkKey, 'checkout-v2', people)).toEqual(atPause);
  });

  it('rollback serves the outside variant to everyone the release decides for; the flag’s own rules still apply', async () => {
    const rule = { if: [{ ends_with: [{ var: 'email' }, '@acme.com'] }, 'on', null] };
    expect((await admin('PATCH', `${ENV}/flags/checkout-v2`, { targeting: rule })).status).toBe(200);
    const rolled = await admin('POST', `${ENV}/releases/checkout/rollback`);
    expect(rolled.body).toMatchObject({ state: 'rolled_back', killed: false, status: { percent: 0 } });
    expect(await servedTo(sdkKey, 'checkout-v2', people.slice(0, 200))).toEqual([]);
    expect((await json(ofrep(sdkKey, 'checkout-v2', { targetingKey: 'x', email: 'ann@acme.com' }))).body.value).toBe(true);
  });

  it('kill serves the outside variant to everyone, over the flag’s own rules too', async () => {
    const killed = await admin('POST', `${ENV}/releases/checkout/kill`);
    expect(killed.body).toMatchObject({ state: 'rolled_back', killed: true });
    expect((await json(ofrep(sdkKey, 'checkout-v2', { targetingKey: 'x', email: 'ann@acme.com' }))).body).toMatchObject({ value: false, variant: 'off' });
    // killing again changes nothing and still answers
    expect((await admin('POST', `${ENV}/releases/checkout/kill`)).status).toBe(200);
  });

  it('records every transition in the audit log with who caused it', async () => {
    const audit = await admin('GET', '/api/v1/projects/default/audit?limit=50');
    const actions = audit.body.entries.filter((e: any) => e.resource.endsWith('/releases/checkout')).map((e: any) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['release.create', 'release.start', 'release.pause', 'release.resume', 'release.rollback', 'release.kill']));
    expect(audit.body.entries.some((e: any) => e.action === 'flag.configure' && e.resource.endsWith('/flags/checkout-v2') && e.after.state === 'ENABLED')).toBe(true);
  });
});

describe('a scheduled release', { timeout: 30_000 }, () => {
  it('serves nobody before its start, starts on time at the edge, and the release clock records the start and steps', async () => {
    await createFlag('search-v2');
    const startAt = new Date(T0 + 30 * MIN).toISOString();
    await admin('POST', `${ENV}/releases`, { key: 'search', name: 'Search', flags: ['search-v2'], plan, startAt });
    const scheduled = await admin('POST', `${ENV}/releases/search/start`);
    expect(scheduled.body).toMatchObject({ state: 'scheduled', startAt, status: { percent: 0, nextStepAt: startAt } });
    expect(await servedTo(sdkKey, 'search-v2', people.slice(0, 200))).toEqual([]);

    at(T0 + 120 * MIN); // 90 minutes after the start: step 2 (50 %) began at start + 60 minutes
    const served = await servedTo(sdkKey, 'search-v2', people);
    expect(served).toEqual(await expectedInside('search', 50));

    const envId = (await admin('GET', ENV)).body.id;
    const clock = env.RELEASE_CLOCKS.get(env.RELEASE_CLOCKS.idFromName(envId));
    expect(await runDurableObjectAlarm(clock)).toBe(true);
    const entries = (await admin('GET', '/api/v1/projects/default/audit?limit=100')).body.entries.filter((e: any) => e.resource.endsWith('/releases/search'));
    const byAction = (a: string) => entries.filter((e: any) => e.action === a);
    expect(byAction('release.started')).toHaveLength(1);
    expect(byAction('release.started')[0]).toMatchObject({ actor: 'scheduler', at: startAt });
    expect(byAction('release.step').map((e: any) => [e.after.step, e.at])).toEqual(
      expect.arrayContaining([
        [0, startAt],
        [1, new Date(T0 + 90 * MIN).toISOString()],
      ]),
    );
    expect((await admin('GET', `${ENV}/releases/search`)).body.state).toBe('rolling_out');

    at(T0 + 30 * MIN + 180 * MIN); // the plan has held its last step
    expect(await runDurableObjectAlarm(clock)).toBe(true);
    const done = await admin('GET', `${ENV}/releases/search`);
    expect(done.body).toMatchObject({ state: 'released', status: { percent: 100, releasedAt: new Date(T0 + 210 * MIN).toISOString() } });
    expect(await servedTo(sdkKey, 'search-v2', people.slice(0, 100))).toHaveLength(100);
  });
});

describe('guardrails', () => {
  it('a reading over the threshold rolls the release back at once, audited with the reading, and the edge follows', async () => {
    await createFlag('pay-v2');
    const guardrails = [{ metric: 'error_rate', operator: '>', threshold: 0.02, windowMinutes: 5, action: 'rollback' }];
    await admin('POST', `${ENV}/releases`, { key: 'pay', name: 'Payments', flags: ['pay-v2'], plan: { steps: [{ percent: 100, holdMinutes: 60 }] }, guardrails });
    at(T0);
    await admin('POST', `${ENV}/releases/pay/start`);
    expect(await servedTo(sdkKey, 'pay-v2', people.slice(0, 50))).toHaveLength(50);

    const fine = await admin('POST', `${ENV}/releases/pay/metrics`, { metric: 'error_rate', value: 0.01 });
    expect(fine.body).toMatchObject({ breached: null, release: { state: 'rolling_out' } });
    at(T0 + MIN);
    const bad = await admin('POST', `${ENV}/releases/pay/metrics`, { readings: [{ metric: 'error_rate', value: 0.09 }] });
    expect(bad.body).toMatchObject({ breached: { metric: 'error_rate', value: expect.closeTo(0.05, 10), samples: 2 }, release: { state: 'rolled_back' } });
    expect(await servedTo(sdkKey, 'pay-v2', people.slice(0, 50))).toEqual([]);
    const entry = (await admin('GET', '/api/v1/projects/default/audit?limit=5')).body.entries.find((e: any) => e.action === 'release.rollback');
    expect(entry.actor).toMatch(/^guardrail error_rate/);
    expect(entry.after.cause).toMatchObject({ value: expect.closeTo(0.05, 10), samples: 2, readings: [{ metric: 'error_rate', value: 0.09 }] });
  });

  it('an Alertmanager alert labelled with the release pauses it; action="rollback" rolls it back', async () => {
    await createFlag('feed-v2');
    await admin('POST', `${ENV}/releases`, { key: 'feed', name: 'Feed', flags: ['feed-v2'], plan: { steps: [{ percent: 30, holdMinutes: 60 }, { percent: 100, holdMinutes: 60 }] } });
    at(T0);
    await admin('POST', `${ENV}/releases/feed/start`);
    const alert = (labels: Record<string, string>) => ({ version: '4', status: 'firing', receiver: 'curtain', groupLabels: {}, commonLabels: labels, alerts: [{ status: 'firing', labels, annotations: { summary: 'errors up' }, startsAt: '2027-03-01T09:00:00Z' }] });
    const paused = await admin('POST', `${ENV}/alertmanager`, alert({ alertname: 'HighErrorRate', release: 'feed' }));
    expect(paused.body).toEqual({ acted: [{ release: 'feed', action: 'pause', alert: 'HighErrorRate' }], ignored: [] });
    expect((await admin('GET', `${ENV}/releases/feed`)).body.state).toBe('paused');
    const rolled = await admin('POST', `${ENV}/alertmanager`, alert({ alertname: 'HighErrorRate', release: 'feed', action: 'rollback' }));
    expect(rolled.body.acted).toEqual([{ release: 'feed', action: 'rollback', alert: 'HighErrorRate' }]);
    expect(await servedTo(sdkKey, 'feed-v2', people.slice(0, 100))).toEqual([]);
    const unknown = await admin('POST', `${ENV}/alertmanager`, alert({ alertname: 'X', release: 'nope' }));
    expect(unknown.body).toEqual({ acted: [], ignored: [{ alert: 'X', reason: "no release 'nope' in this environment" }] });
  });
});
