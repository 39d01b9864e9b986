// The release clock's watch over HTTP, with the clock moved: a sequential guardrail pauses a release whose inside error
// rate is higher (tracked through POST /v1/track) and leaves an A/A release alone; a sample-ratio mismatch and a
// release nobody evaluates each pause with their reason.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { env } from 'cloudflare:test';
import { bucketOf, murmur3 } from '../src/engine';
import { bootstrap, call, createKey, json, ofrep } from './helpers';
import { admin, createFlag, ENV, users } from './release-helpers';

const T0 = Date.parse('2027-03-01T09:00:00Z');
const MIN = 60_000;
const at = (ms: number) => vi.setSystemTime(new Date(ms));
const PROD = '/api/v1/projects/default/environments/production';
let devKey: string;
let prodKey: string;

const track = (key: string, name: string, context: Record<string, unknown>, details?: Record<string, unknown>) =>
  json(call('POST', '/v1/track', { token: key, body: { trackingEventName: name, context, ...(details ? { details } : {}) } }));

async function wake(envPath: string) {
  const id = (await admin('GET', envPath)).body.id as string;
  // the release view flushes this isolate's exposure counts, as any read does
  await env.RELEASE_CLOCKS.get(env.RELEASE_CLOCKS.idFromName(id)).wake(id);
}

const sequential = (metric: string) => ({ kind: 'sequential', metric, measure: 'rate', direction: 'increase', minSamples: 100 });
const plan = { steps: [{ percent: 50, holdMinutes: 24 * 60 }, { percent: 100, holdMinutes: 60 }] };

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  at(T0);
  devKey = await bootstrap();
  const k = await createKey('server', 'production');
  prodKey = `${k.secret}`;
  for (const f of ['checkout-v2', 'search-v2', 'ratio-v2', 'quiet-v2', 'busy']) await createFlag(f);
});

describe('the release watch', { timeout: 60_000 }, () => {
  it('pauses a release whose error rate is higher inside, and leaves an A/A release running', async () => {
    for (const [key, flag, metric] of [['checkout', 'checkout-v2', 'checkout_error'], ['aa', 'search-v2', 'search_error']]) {
      const made = await admin('POST', `${ENV}/releases`, { key, name: key, flags: [flag], plan, guardrails: [sequential(metric)] });
      expect(made.status).toBe(201);
      expect(made.body.guardrails).toEqual([{ ...sequential(metric), action: 'pause' }]);
      expect((await admin('POST', `${ENV}/releases/${key}/start`)).status).toBe(200);
    }
    at(T0 + MIN);
    const people = users(500);
    // users and users with an error, inside and outside: which users are inside depends on the release's salt
    const seen = { inside: { users: 0, errors: 0 }, outside: { users: 0, errors: 0 } };
    for (const [i, u] of people.entries()) {
      const flags = (await json(ofrep(devKey, null, { targetingKey: u }))).body.flags as { key: string; value: boolean }[];
      const inside = flags.find((f) => f.key === 'checkout-v2')!.value;
      const side = seen[inside ? 'inside' : 'outside'];
      side.users++;
      // inside, every third user meets an error; outside, every twentieth
      if (i % (inside ? 3 : 20) === 0) {
        side.errors++;
        expect(await track(devKey, 'checkout_error', { targetingKey: u })).toEqual({ status: 202, body: {}, headers: expect.anything() });
      }
      // the A/A release: every fifth user, whichever side
      if (i % 5 === 0) expect((await track(devKey, 'search_error', { targetingKey: u })).status).toBe(202);
    }
    // a tracked event of a user the edge never served is attributed to the side that user would be served, and
    // to nothing when the context names no user
    expect((await track(devKey, 'checkout_error', {})).status).toBe(202);
    await admin('GET', `${ENV}/releases/checkout`);
    for (let look = 0; look < 3; look++) {
      at(T0 + (2 + look) * MIN);
      await wake(ENV);
    }
    const checkout = (await admin('GET', `${ENV}/releases/checkout`)).body;
    expect(checkout).toMatchObject({ state: 'paused', pausedReason: 'guardrail' });
    expect(checkout.pausedMessage).toMatch(/checkout_error per user is worse inside/);
    const d = checkout.guardrails[0].decision;
    expect(d.outcome).toBe('regression');
    // each side's rate is its users with an error over its users, the users a HyperLogLog estimate (nearly exact here:
    // within 5 %); about 1/3 inside and 1/20 outside, as many as the salt put on each side
    expect(Math.abs(d.inside.value / (seen.inside.errors / seen.inside.users) - 1)).toBeLessThan(0.05);
    expect(Math.abs(d.outside.value / (seen.outside.errors / seen.outside.users) - 1)).toBeLessThan(0.05);
    expect(d.inside.value).toBeGreaterThan(3 * d.outside.value);
    expect(d.interval[0]).toBeGreaterThan(0);
    const aa = (await admin('GET', `${ENV}/releases/aa`)).body;
    expect(aa).toMatchObject({ state: 'rolling_out', pausedReason: null });
    expect(aa.guardrails[0].decision.outcome).toBe('ok');
    expect(aa.guardrails[0].decision.interval[0]).toBeLessThan(0);
    const audit = (await admin('GET', '/api/v1/projects/default/audit?limit=20')).body.entries.find((e: any) => e.resource.endsWith('/releases/checkout') && e.action === 'release.pause');
    expect(audit.actor).toBe('release watch (guardrail)');
    expect(audit.after.cause).toMatchObject({ watch: 'guardrail', decision: { outcome: 'regression' } });
  });

  it('refuses a tracking event that is malformed, and one without an SDK key', async () => {
    expect((await track(devKey, '', { targetingKey: 'u' })).body.errorCode).toBe('VALIDATION_FAILED');
    expect((await track(devKey, 'x', { targetingKey: 'u' }, { value: 'high' })).body.errorCode).toBe('VALIDATION_FAILED');
    expect((await json(call('POST', '/v1/track', { token: devKey, rawBody: '{' }))).body.errorCode).toBe('PARSE_ERROR');
    expect((await track('nope', 'x', { targetingKey: 'u' })).status).toBe(401);
  });

  it('pauses on a sample-ratio mismatch, and a release nobody evaluates, each with its reason', async () => {
    at(T0 + 10 * MIN);
    await admin('POST', `${PROD}/releases`, { key: 'ratio', name: 'ratio', flags: ['ratio-v2'], plan });
    expect((await admin('POST', `${PROD}/releases/ratio/start`, undefined)).status).toBe(200);
    at(T0 + 12 * MIN);
    // something in front of the app lets mostly the users inside through: 900 of them, 300 outside, against 50 %
    const row = await env.DB.prepare("SELECT salt FROM releases WHERE key = 'ratio'").first<{ salt: string }>();
    const candidates = users(2600, 'p');
    const isInside = (u: string) => bucketOf(murmur3(row!.salt + u), 10_000) < 5000;
    const through = [...candidates.filter(isInside).slice(0, 900), ...candidates.filter((u) => !isInside(u)).slice(0, 300)];
    expect(through).toHaveLength(1200);
    for (const u of through) expect((await json(ofrep(prodKey, 'ratio-v2', { targetingKey: u }))).body.value).toBe(isInside(u));
    await admin('GET', `${PROD}/releases/ratio`);
    at(T0 + 13 * MIN);
    await wake(PROD);
    const ratio = (await admin('GET', `${PROD}/releases/ratio`)).body;
    expect(ratio).toMatchObject({ state: 'paused', pausedReason: 'sample_ratio_mismatch' });
    expect(ratio.pausedMessage).toMatch(/where the plan says 50 %/);

    await admin('POST', `${PROD}/releases`, { key: 'quiet', name: 'quiet', flags: ['quiet-v2'], plan });
    expect((await admin('POST', `${PROD}/releases/quiet/start`)).status).toBe(200);
    at(T0 + 20 * MIN);
    await wake(PROD);
    expect((await admin('GET', `${PROD}/releases/quiet`)).body.state).toBe('rolling_out');
    at(T0 + 45 * MIN);
    for (let i = 0; i < 1000; i++) await ofrep(prodKey, 'busy', { targetingKey: `b-${i}` });
    await admin('GET', `${PROD}/releases/quiet`);
    at(T0 + 51 * MIN);
    await wake(PROD);
    const quiet = (await admin('GET', `${PROD}/releases/quiet`)).body;
    expect(quiet).toMatchObject({ state: 'paused', pausedReason: 'no_traffic' });
    // a person resuming it starts the watch's half hour again
    expect((await admin('POST', `${PROD}/releases/quiet/resume`)).body.state).toBe('rolling_out');
    await wake(PROD);
    expect((await admin('GET', `${PROD}/releases/quiet`)).body).toMatchObject({ state: 'rolling_out', pausedReason: null });
  });
});
