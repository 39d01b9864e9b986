// Feedback cannot be forged into a rollback (issue 21): a public client key posting negative feedback as made-up users,
// or as real users from one network source, moves no guardrail; the answer does not say who counts; old feedback goes.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { env } from 'cloudflare:test';
import { bootstrap, call, createKey, json } from './helpers';
import { admin, createFlag, ENV, servedTo, users } from './release-helpers';

const T0 = Date.parse('2027-03-01T09:00:00Z');
const MIN = 60_000;
const at = (ms: number) => vi.setSystemTime(new Date(ms));
let client: string;

const send = (user: string, ip: string, rating = 'negative') =>
  json(call('POST', '/v1/feedback', { token: client, body: { release: 'pay', context: { targetingKey: user }, rating }, headers: { 'cf-connecting-ip': ip } }));

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  at(T0);
  await bootstrap();
  client = (await createKey('client')).secret;
  await createFlag('pay-v2', { clientVisible: true });
  // the guardrail: negative share over 0.3 from 20 ratings rolls back
  const guardrails = [{ metric: 'feedback.negative_share', operator: '>', threshold: 0.3, windowMinutes: 60, minSamples: 20, action: 'rollback' }];
  const plan = { steps: [{ percent: 50, holdMinutes: 600 }, { percent: 100, holdMinutes: 60 }] };
  expect((await admin('POST', `${ENV}/releases`, { key: 'pay', name: 'Payments', flags: ['pay-v2'], plan, guardrails })).status).toBe(201);
  expect((await admin('POST', `${ENV}/releases/pay/start`)).status).toBe(200);
});

describe('forged feedback', { timeout: 60_000 }, () => {
  it('from made-up users the edge never served moves no guardrail, and the answer does not say who counts', async () => {
    at(T0 + MIN);
    for (let i = 0; i < 60; i++) {
      const res = await send(`bot-${i}`, `203.0.113.${i}`);
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ id: expect.any(Number), release: 'pay', rating: 'negative' });
    }
    expect((await admin('GET', `${ENV}/releases/pay`)).body.state).toBe('rolling_out');
  });

  it('from real users inside, all from one network source, counts once', async () => {
    at(T0 + 2 * MIN);
    const inside = await servedTo(client, 'pay-v2', users(120, 'real'));
    expect(inside.length).toBeGreaterThan(25);
    for (const u of inside.slice(0, 25)) expect((await send(u, '198.51.100.7')).status).toBe(201);
    expect((await admin('GET', `${ENV}/releases/pay`)).body.state).toBe('rolling_out');
    // the sources are kept only as a keyed hash
    const stored = await env.DB.prepare('SELECT DISTINCT source FROM feedback').all<{ source: string | null }>();
    expect(stored.results.map((r) => r.source).join(' ')).not.toMatch(/198\.51|203\.0/);
  });

  it('from real users inside, each from their own source, acts (pause or rollback, as the guardrail says)', async () => {
    at(T0 + 3 * MIN);
    const inside = await servedTo(client, 'pay-v2', users(120, 'real'));
    // the first user already counted (one rating per user counts); nineteen more from their own sources reach 20
    for (const [i, u] of inside.slice(1, 20).entries()) expect((await send(u, `192.0.2.${i}`)).status).toBe(201);
    expect((await admin('GET', `${ENV}/releases/pay`)).body.state).toBe('rolled_back');
  });
});
