// POST /v1/feedback and its listing: validation and sizes (nothing written when refused), the limits per user and per
// key, the variants stored, counts and pages; and feedback as a guardrail, pausing a release as seen over OFREP.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { env } from 'cloudflare:test';
import { bootstrap, call, createKey, dbFingerprint, json } from './helpers';
import { admin, createFlag, ENV, servedTo, users } from './release-helpers';

const T0 = Date.parse('2027-03-01T09:00:00Z');
const MIN = 60_000;
const at = (ms: number) => vi.setSystemTime(new Date(ms));

let server: string;
let client: string;
// each feedback from its own network source, as real users' are (one source counts once: feedback-forgery.test.ts)
let sources = 0;
const send = (key: string, body: unknown) => {
  const n = ++sources;
  return json(call('POST', '/v1/feedback', { token: key, body, headers: { 'cf-connecting-ip': `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` } }));
};
const rate = (release: string, user: string, rating = 'positive', extra: Record<string, unknown> = {}) => ({ release, context: { targetingKey: user }, rating, ...extra });

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  at(T0 - 10 * MIN);
  server = await bootstrap();
  client = (await createKey('client')).secret;
  await createFlag('checkout-v2', { clientVisible: true });
  await createFlag('search-v2');
  await createFlag('later-v2');
  const half = { steps: [{ percent: 50, holdMinutes: 600 }, { percent: 100, holdMinutes: 60 }] };
  await admin('POST', `${ENV}/releases`, { key: 'checkout', name: 'Checkout', flags: ['checkout-v2'], plan: half, notes: 'New checkout' });
  await admin('POST', `${ENV}/releases`, { key: 'search', name: 'Search', flags: ['search-v2'], plan: half });
  await admin('POST', `${ENV}/releases`, { key: 'later', name: 'Later', flags: ['later-v2'], plan: half });
  at(T0);
  for (const key of ['checkout', 'search']) expect((await admin('POST', `${ENV}/releases/${key}/start`)).status).toBe(200);
});

describe('feedback', () => {
  let inside: string;
  let outside: string;
  let firstId: number;
  let keyUserVariant: 'on' | 'off';

  it('is stored with the variants the edge serves the user, inside the release or not', async () => {
    const served = new Set(await servedTo(client, 'checkout-v2', users(20)));
    inside = users(20).find((u) => served.has(u))!;
    outside = users(20).find((u) => !served.has(u))!;
    const a = await send(client, rate('checkout', inside, 'positive', { comment: 'Love it' }));
    expect(a.status).toBe(201);
    // the answer says nothing of who counts: neither whether the user is inside nor what they were served
    expect(a.body).toEqual({ id: expect.any(Number), release: 'checkout', rating: 'positive' });
    expect(a.headers.get('access-control-allow-origin')).toBe('*');
    firstId = a.body.id;
    const b = await send(server, rate('checkout', outside, 'negative'));
    expect(b.body).toEqual({ id: expect.any(Number), release: 'checkout', rating: 'negative' });
    const stored = await env.DB.prepare('SELECT inside, variants FROM feedback WHERE id IN (?, ?) ORDER BY id').bind(a.body.id, b.body.id).all();
    expect(stored.results).toEqual([{ inside: 1, variants: '{"checkout-v2":"on"}' }, { inside: 0, variants: '{"checkout-v2":"off"}' }]);
  });

  it.each([
    ['not JSON', { rawBody: '{' }, 400, 'PARSE_ERROR'],
    ['no rating', { body: { release: 'checkout', context: { targetingKey: 'u9' } } }, 400, 'VALIDATION_FAILED'],
    ['an unknown rating', { body: rate('checkout', 'u9', 'great') }, 400, 'VALIDATION_FAILED'],
    ['a comment over 2,000 characters', { body: rate('checkout', 'u9', 'neutral', { comment: 'x'.repeat(2001) }) }, 400, 'VALIDATION_FAILED'],
    ['a context over 8 KiB', { body: { ...rate('checkout', 'u9'), context: { targetingKey: 'u9', notes: 'x'.repeat(8200) } } }, 400, 'VALIDATION_FAILED'],
    ['a body over 16 KiB', { body: rate('checkout', 'u9', 'neutral', { comment: 'x'.repeat(17_000) }) }, 413, 'PAYLOAD_TOO_LARGE'],
    ['a context that is not an object', { body: { ...rate('checkout', 'u9'), context: 'u9' } }, 400, 'VALIDATION_FAILED'],
    ['a context without targetingKey', { body: { ...rate('checkout', 'u9'), context: { plan: 'pro' } } }, 400, 'TARGETING_KEY_MISSING'],
    ['an unknown field', { body: rate('checkout', 'u9', 'neutral', { score: 5 }) }, 400, 'VALIDATION_FAILED'],
    ['a malformed release key', { body: rate('../x', 'u9') }, 400, 'VALIDATION_FAILED'],
    ['an unknown release', { body: rate('nope', 'u9') }, 404, 'RELEASE_NOT_FOUND'],
    ['a release still a draft', { body: rate('later', 'u9') }, 404, 'RELEASE_NOT_FOUND'],
  ])('refuses %s (%i), writing nothing', async (_what, init, status, code) => {
    const before = await dbFingerprint();
    const res = await json(call('POST', '/v1/feedback', { token: server, ...(init as object) }));
    expect(res.status).toBe(status);
    expect(res.body.errorCode).toBe(code);
    expect(await dbFingerprint()).toBe(before);
  });

  it('refuses a client key a release of flags that are not client-visible, and a missing key', async () => {
    const before = await dbFingerprint();
    expect((await send(client, rate('search', 'u9'))).body.errorCode).toBe('RELEASE_NOT_FOUND');
    expect((await call('POST', '/v1/feedback', { token: null, body: rate('checkout', 'u9') })).status).toBe(401);
    expect(await dbFingerprint()).toBe(before);
    expect((await send(server, rate('search', 'u9'))).status).toBe(201);
  });

  it('takes one feedback per user and release a minute (429 with Retry-After), then another', async () => {
    const again = await send(client, rate('checkout', inside, 'negative'));
    expect(again.status).toBe(429);
    expect(again.body.errorCode).toBe('RATE_LIMITED');
    expect(again.headers.get('retry-after')).toBe('60');
    expect((await send(server, rate('search', inside))).status).toBe(201);
    at(T0 + MIN + 1);
    expect((await send(client, rate('checkout', inside, 'neutral'))).status).toBe(201);
  });

  it('takes at most 600 a minute per key, counted over all its releases and users', async () => {
    const key = await createKey('server');
    const [release] = (await env.DB.prepare("SELECT id, environment_id AS e FROM releases WHERE key = 'checkout'").all<{ id: string; e: string }>()).results;
    const now = Date.now();
    const insert = env.DB.prepare("INSERT INTO feedback (release_id, environment_id, sdk_key_id, user_key, rating, context, variants, inside, at) VALUES (?, ?, ?, ?, 'neutral', '{}', '{}', 0, ?)");
    await env.DB.batch(Array.from({ length: 599 }, (_, i) => insert.bind(release.id, release.e, key.id, `seed-${i}`, now - 1000)));
    const last = await send(key.secret, rate('checkout', 'first-new'));
    expect(last.status).toBe(201);
    keyUserVariant = JSON.parse((await env.DB.prepare('SELECT variants FROM feedback WHERE id = ?').bind(last.body.id).first<{ variants: string }>())!.variants)['checkout-v2'];
    const over = await send(key.secret, rate('search', 'second-new'));
    expect(over.status).toBe(429);
    expect(over.body.errorDetails).toMatch(/key/);
    expect((await send(server, rate('search', 'second-new'))).status).toBe(201);
    at(Date.now() + MIN);
    expect((await send(key.secret, rate('search', 'second-new-again'))).status).toBe(201);
  });

  it('is listed per release, newest first, a page at a time, with counts per rating and per variant', async () => {
    const path = `${ENV}/releases/search/feedback`;
    const first = await admin('GET', `${path}?limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.feedback.map((f: any) => f.user)).toEqual(['second-new-again', 'second-new']);
    const next = await admin('GET', `${path}?limit=2&before=${first.body.nextBefore}`);
    expect(next.body.feedback.map((f: any) => f.user)).toEqual([inside, 'u9']);
    expect(next.body.nextBefore).toBeNull();
    const checkout = await admin('GET', `${ENV}/releases/checkout/feedback?limit=1&before=${firstId + 1}`);
    expect(checkout.body.feedback[0]).toMatchObject({ user: inside, rating: 'positive', inside: true, variants: { 'checkout-v2': 'on' }, context: { targetingKey: inside } });
    const counts = checkout.body.counts;
    expect(counts).toMatchObject({ total: 603, positive: 2, neutral: 600, negative: 1 });
    const byVariant = Object.fromEntries(counts.byVariant.map((v: any) => [v.variant, v]));
    // rated with variants: 'Love it' and a neutral from inside (on), a negative from outside (off), and first-new (positive)
    const plus = (v: string) => (keyUserVariant === v ? 1 : 0);
    expect(byVariant.on).toEqual({ flag: 'checkout-v2', variant: 'on', total: 2 + plus('on'), positive: 1 + plus('on'), neutral: 1, negative: 0 });
    expect(byVariant.off).toEqual({ flag: 'checkout-v2', variant: 'off', total: 1 + plus('off'), positive: plus('off'), neutral: 0, negative: 1 });
    expect(counts.byVariant).toHaveLength(2);
    expect((await admin('GET', `${path}?limit=0`)).status).toBe(400);
    expect((await admin('GET', `${ENV}/releases/nope/feedback`)).status).toBe(404);
  });
});

describe('feedback as a guardrail', { timeout: 60_000 }, () => {
  const people = users(300, 'pay-user');

  it('a burst of negative feedback from users inside pauses the release; the edge stops growing it', async () => {
    await createFlag('pay-v2', { clientVisible: true });
    const guardrails = [{ metric: 'feedback.negative_share', operator: '>', threshold: 0.5, windowMinutes: 10, minSamples: 5, action: 'pause' }];
    const plan = { steps: [{ percent: 10, holdMinutes: 60 }, { percent: 50, holdMinutes: 60 }, { percent: 100, holdMinutes: 60 }] };
    expect((await admin('POST', `${ENV}/releases`, { key: 'pay', name: 'Payments', flags: ['pay-v2'], plan, guardrails })).status).toBe(201);
    at(T0 + 10 * MIN);
    await admin('POST', `${ENV}/releases/pay/start`);
    const served = await servedTo(client, 'pay-v2', people);
    const outsiders = people.filter((u) => !served.includes(u));
    expect(served.length).toBeGreaterThan(10);

    // users outside the release do not count, nor do fewer ratings than minSamples
    for (const u of outsiders.slice(0, 6)) expect((await send(client, rate('pay', u, 'negative'))).status).toBe(201);
    for (const u of served.slice(0, 4)) expect((await send(client, rate('pay', u, 'negative'))).status).toBe(201);
    expect((await admin('GET', `${ENV}/releases/pay`)).body.state).toBe('rolling_out');
    at(T0 + 12 * MIN);
    expect((await send(client, rate('pay', served[4], 'negative'))).status).toBe(201);
    expect((await admin('GET', `${ENV}/releases/pay`)).body).toMatchObject({ state: 'paused', status: { percent: 10 } });

    const entry = (await admin('GET', '/api/v1/projects/default/audit?limit=10')).body.entries.find((e: any) => e.action === 'release.pause');
    expect(entry.actor).toMatch(/^guardrail feedback\.negative_share \(feedback via SDK key [a-z0-9]{16}\)$/);
    expect(entry.after.cause).toMatchObject({ value: 1, samples: 5, guardrail: { metric: 'feedback.negative_share' } });

    // past the time of the next step, OFREP still serves the same users as at the pause
    at(T0 + 10 * MIN + 90 * MIN);
    expect(await servedTo(client, 'pay-v2', people)).toEqual(served);
  });

  it('is fed by feedback only: readings for its metric are refused', async () => {
    const res = await admin('POST', `${ENV}/releases/pay/metrics`, { metric: 'feedback.negative_share', value: 1 });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });
});
