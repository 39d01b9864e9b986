// The Atom feed of an environment's releases, read by real parsers (feedsmith; fast-xml-parser's validator for
// well-formedness): entries that follow a release as it moves, and a feed token that reads this feed and nothing else.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { env } from 'cloudflare:test';
import { parseAtomFeed } from 'feedsmith';
import { XMLValidator } from 'fast-xml-parser';
import { bootstrap, call, dbFingerprint, json, ofrep } from './helpers';
import { admin, createFlag, ENV } from './release-helpers';

const T0 = Date.parse('2027-03-01T09:00:00Z');
const MIN = 60_000;
const at = (ms: number) => vi.setSystemTime(new Date(ms));
const iso = (ms: number) => new Date(ms).toISOString();
const STAGING = '/api/v1/projects/default/environments/staging';
const notes = 'Pay in **one step** & <b>faster</b>.\u0007';

let devToken: { id: string; secret: string; url: string };
let stagingToken: { secret: string };

const feed = (token: string | null, headers: Record<string, string> = {}) => call('GET', token === null ? '/v1/releases.atom' : `/v1/releases.atom?token=${encodeURIComponent(token)}`, { token: null, headers });

async function read(token: string) {
  const res = await feed(token);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
  const text = await res.text();
  expect(XMLValidator.validate(text)).toBe(true);
  return parseAtomFeed(text);
}

const entry = (f: Awaited<ReturnType<typeof read>>, title: string) => f.entries?.find((e) => e.title?.value === title);

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  at(T0 - 10 * MIN);
  await bootstrap();
  for (const [path, name] of [[ENV, 'dev feed'], [STAGING, 'staging feed']]) {
    const res = await admin('POST', `${path}/feed-tokens`, { name });
    expect(res.status).toBe(201);
    if (name === 'dev feed') devToken = res.body;
    else stagingToken = res.body;
  }
  await createFlag('checkout-v2');
  await createFlag('search-v2');
  const plan = { steps: [{ percent: 10, holdMinutes: 60 }, { percent: 50, holdMinutes: 60 }, { percent: 100, holdMinutes: 60 }] };
  await admin('POST', `${ENV}/releases`, { key: 'checkout', name: 'One-page checkout', owner: 'Payments team', flags: ['checkout-v2'], plan, notes });
  await admin('POST', `${ENV}/releases`, { key: 'later', name: 'Still a draft', flags: ['search-v2'], plan });
  await admin('POST', `${STAGING}/releases`, { key: 'staged', name: 'Staging only', flags: ['search-v2'], plan });
  at(T0);
  expect((await admin('POST', `${ENV}/releases/checkout/start`)).status).toBe(200);
  expect((await admin('POST', `${STAGING}/releases/staged/start`)).status).toBe(200);
});

describe('feed tokens', () => {
  it('are shown once, with the feed URL, and stored hashed', async () => {
    expect(devToken.secret).toMatch(/^crt_feed_[a-z0-9]{16}_[a-z0-9]{16}_[a-z0-9]{32}$/);
    expect(devToken.url).toBe(`/v1/releases.atom?token=${devToken.secret}`);
    const listed = await admin('GET', `${ENV}/feed-tokens`);
    expect(listed.body.feedTokens).toEqual([{ id: devToken.id, name: 'dev feed', prefix: devToken.secret.slice(0, -33), createdAt: expect.any(String), revokedAt: null }]);
    expect(JSON.stringify(listed.body)).not.toContain(devToken.secret);
    expect(JSON.stringify((await env.DB.prepare('SELECT * FROM feed_tokens').all()).results)).not.toContain(devToken.secret);
  });
});

describe('the Atom feed', () => {
  it('lists the environment’s started releases with notes, state and dates; not its drafts, not other environments’', async () => {
    at(T0 + 30 * MIN);
    const f = await read(devToken.secret);
    expect(f.title?.value).toBe('Default project · Development: releases');
    expect(f.entries?.map((e) => e.title?.value)).toEqual(['One-page checkout']);
    const e = entry(f, 'One-page checkout')!;
    expect(e.updated).toBe(iso(T0));
    expect(e.published).toBe(iso(T0));
    expect(e.authors).toEqual([{ name: 'Payments team' }]);
    expect(e.categories).toEqual([{ scheme: 'urn:curtain:release-state', term: 'rolling_out', label: 'Rolling out' }]);
    expect(e.summary?.value).toBe('Rolling out: 10 % of users (step 1 of 3), next step 2027-03-01 10:00 UTC');
    expect(e.content?.type).toBe('html');
    expect(e.content?.value).toContain('<strong>one step</strong> &amp; &lt;b&gt;faster&lt;/b&gt;.');
    expect(e.content?.value).toContain('<li>50 % from 2027-03-01 10:00 UTC</li>');
    expect(f.updated).toBe(iso(T0));
    expect(entry(await read(stagingToken.secret), 'Staging only')).toBeDefined();
  });

  it('updates an entry as the release moves on: a step, a pause, a rollback', async () => {
    at(T0 + 65 * MIN);
    let e = entry(await read(devToken.secret), 'One-page checkout')!;
    expect(e.updated).toBe(iso(T0 + 60 * MIN));
    expect(e.summary?.value).toMatch(/^Rolling out: 50 % of users \(step 2 of 3\)/);
    at(T0 + 70 * MIN);
    await admin('POST', `${ENV}/releases/checkout/pause`);
    e = entry(await read(devToken.secret), 'One-page checkout')!;
    expect(e.updated).toBe(iso(T0 + 70 * MIN));
    expect(e.categories?.[0].term).toBe('paused');
    expect(e.summary?.value).toBe('Paused at 50 % of users since 2027-03-01 10:10 UTC');
    at(T0 + 80 * MIN);
    await admin('POST', `${ENV}/releases/checkout/rollback`);
    e = entry(await read(devToken.secret), 'One-page checkout')!;
    expect(e.updated).toBe(iso(T0 + 80 * MIN));
    expect(e.categories?.[0].term).toBe('rolled_back');
  });

  it('answers 304 to If-None-Match with its ETag', async () => {
    const first = await feed(devToken.secret);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[0-9a-f]{16}"$/);
    expect((await feed(devToken.secret, { 'if-none-match': etag })).status).toBe(304);
    expect((await feed(stagingToken.secret, { 'if-none-match': etag })).status).toBe(200);
  });
});

describe('the feed token', () => {
  it('is needed: none, a malformed one, a changed secret, or one naming another environment are refused', async () => {
    const stagingEnvId = (await admin('GET', STAGING)).body.id;
    const devEnvId = (await admin('GET', ENV)).body.id;
    const otherEnvironment = devToken.secret.replace(devEnvId, stagingEnvId);
    expect(otherEnvironment).not.toBe(devToken.secret);
    for (const token of [null, '', 'nope', devToken.secret.slice(0, -1) + (devToken.secret.endsWith('a') ? 'b' : 'a'), otherEnvironment]) {
      const res = await json(feed(token));
      expect(res.status).toBe(401);
      expect(res.body.errorCode).toBe('UNAUTHENTICATED');
    }
  });

  it('reads the feed and nothing else: OFREP, lookups, what’s new, feedback and the admin API refuse it', async () => {
    const before = await dbFingerprint();
    const t = devToken.secret;
    expect((await ofrep(t, 'checkout-v2')).status).toBe(401);
    expect((await ofrep(t, null)).status).toBe(401);
    expect((await call('GET', '/v1/flags', { token: t })).status).toBe(401);
    expect((await call('GET', `/v1/flags?token=${t}`, { token: null })).status).toBe(401);
    expect((await call('POST', '/v1/whats-new', { token: t, body: { context: {} } })).status).toBe(401);
    expect((await call('POST', '/v1/feedback', { token: t, body: { release: 'checkout', context: { targetingKey: 'u' }, rating: 'positive' } })).status).toBe(401);
    for (const [method, path] of [['GET', '/api/v1/projects'], ['GET', `${ENV}/feed-tokens`], ['POST', `${ENV}/feed-tokens`], ['GET', `${ENV}/releases/checkout`]]) {
      expect((await call(method, path, { token: t, body: method === 'POST' ? { name: 'x' } : undefined })).status).toBe(401);
    }
    expect(await dbFingerprint()).toBe(before);
  });

  it('stops working once revoked; another environment’s token goes on', async () => {
    expect((await call('DELETE', `${ENV}/feed-tokens/${devToken.id}`)).status).toBe(204);
    expect((await feed(devToken.secret)).status).toBe(401);
    expect((await feed(stagingToken.secret)).status).toBe(200);
    expect((await admin('GET', `${ENV}/feed-tokens`)).body.feedTokens[0].revokedAt).not.toBeNull();
    const audit = (await admin('GET', '/api/v1/projects/default/audit?limit=100')).body.entries.map((e: any) => e.action);
    expect(audit).toEqual(expect.arrayContaining(['feed-token.create', 'feed-token.revoke']));
    expect((await call('DELETE', `${ENV}/feed-tokens/aaaaaaaaaaaaaaaa`)).status).toBe(404);
  });
});
