// POST /v1/whats-new over the real route: notes to exactly the users OFREP serves a release to, step by step as the
// clock moves, `since`, client keys, ETag/304 and CORS, sanitised HTML, and refused input.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { bootstrap, call, createKey, json } from './helpers';
import { admin, createFlag, ENV, servedTo, users } from './release-helpers';

const T0 = Date.parse('2027-03-01T09:00:00Z');
const MIN = 60_000;
const at = (ms: number) => vi.setSystemTime(new Date(ms));
const notes = '## One-page checkout\n\nPay in one step. <script>alert(1)</script> [evil](javascript:alert(1)) [docs](https://example.com/checkout)';

let server: string;
let client: string;
const whatsNew = (key: string, body: unknown, headers: Record<string, string> = {}) => call('POST', '/v1/whats-new', { token: key, body, headers });
const keysFor = async (key: string, people: string[], since?: string) => {
  const out: string[] = [];
  for (const u of people) {
    const res = await json(whatsNew(key, { context: { targetingKey: u }, ...(since ? { since } : {}) }));
    if (res.status !== 200) throw new Error(`what's new: ${res.status} ${JSON.stringify(res.body)}`);
    if (res.body.releases.length) out.push(u);
  }
  return out;
};

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  at(T0 - 10 * MIN);
  server = await bootstrap();
  client = (await createKey('client')).secret;
  await createFlag('checkout-v2', { clientVisible: true });
  await createFlag('search-v2');
  const plan = { steps: [{ percent: 10, holdMinutes: 60 }, { percent: 50, holdMinutes: 60 }, { percent: 100, holdMinutes: 60 }] };
  expect((await admin('POST', `${ENV}/releases`, { key: 'checkout', name: 'One-page checkout', flags: ['checkout-v2'], plan, notes })).status).toBe(201);
  expect((await admin('POST', `${ENV}/releases`, { key: 'search', name: 'New search', flags: ['search-v2'], plan: { steps: [{ percent: 100, holdMinutes: 10 }] }, notes: 'Search that finds things.' })).status).toBe(201);
  at(T0);
  expect((await admin('POST', `${ENV}/releases/checkout/start`)).status).toBe(200);
  expect((await admin('POST', `${ENV}/releases/search/start`)).status).toBe(200);
});

describe("what's new at a 10 % step, over HTTP", { timeout: 60_000 }, () => {
  const people = users(500);
  let inside: string[];

  it('answers the notes to exactly the users OFREP serves the feature to, and nothing to the others', async () => {
    at(T0 + 30 * MIN);
    inside = await servedTo(client, 'checkout-v2', people);
    expect(inside.length).toBeGreaterThan(25);
    expect(inside.length).toBeLessThan(75);
    expect(await keysFor(client, people)).toEqual(inside);
    const one = await json(whatsNew(client, { context: { targetingKey: inside[0] } }));
    expect(one.body.releases).toEqual([{ key: 'checkout', name: 'One-page checkout', notes, notesHtml: expect.any(String), joinedAt: new Date(T0).toISOString() }]);
  });

  it('renders the notes as sanitised HTML: raw HTML escaped, only safe links', async () => {
    const html: string = (await json(whatsNew(client, { context: { targetingKey: inside[0] } }))).body.releases[0].notesHtml;
    expect(html).toContain('<h2>One-page checkout</h2>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script');
    expect(html).not.toMatch(/href="javascript/i);
    expect(html).toContain('<a href="https://example.com/checkout" rel="nofollow noopener noreferrer">docs</a>');
  });

  it('tells users joining at the next step then, with that step’s start; `since` keeps what is new after it', async () => {
    const before = new Date(T0 + 30 * MIN).toISOString();
    at(T0 + 60 * MIN + 5 * MIN);
    const now = await servedTo(client, 'checkout-v2', people);
    const joiners = now.filter((u) => !inside.includes(u));
    expect(joiners.length).toBeGreaterThan(150);
    expect(await keysFor(client, people)).toEqual(now);
    expect(await keysFor(client, people, before)).toEqual(joiners);
    const joiner = await json(whatsNew(client, { context: { targetingKey: joiners[0] } }));
    expect(joiner.body.releases[0].joinedAt).toBe(new Date(T0 + 60 * MIN).toISOString());
  });

  it('shows a server key every release served, newest first; a client key only those of client-visible flags', async () => {
    at(T0 + 200 * MIN);
    const all = await json(whatsNew(server, { context: { targetingKey: 'user-1' } }));
    expect(all.body.releases.map((r: any) => r.key)).toEqual(expect.arrayContaining(['checkout', 'search']));
    expect(all.body.releases.map((r: any) => r.joinedAt)).toEqual([...all.body.releases.map((r: any) => r.joinedAt)].sort().reverse());
    const browser = await json(whatsNew(client, { context: { targetingKey: 'user-1' } }));
    expect(browser.body.releases.map((r: any) => r.key)).toEqual(['checkout']);
  });

  it('answers 304 to If-None-Match with its ETag, with CORS for any origin', async () => {
    const first = await whatsNew(client, { context: { targetingKey: inside[0] } }, { origin: 'https://app.example' });
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[0-9a-f]{16}-\w+"$/);
    expect(first.headers.get('access-control-allow-origin')).toBe('*');
    expect(first.headers.get('access-control-expose-headers')).toContain('ETag');
    const again = await whatsNew(client, { context: { targetingKey: inside[0] } }, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    // a user the first step left out: joined later or not at all, so another answer whatever the release's salt
    const later = people.find((u) => !inside.includes(u))!;
    const other = await whatsNew(client, { context: { targetingKey: later } }, { 'if-none-match': etag });
    expect(other.status).toBe(200);
    expect(other.headers.get('etag')).not.toBe(etag);
    const preflight = await call('OPTIONS', '/v1/whats-new', { token: null, headers: { origin: 'https://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,if-none-match' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/if-none-match/i);
  });
});

describe("what's new refuses", () => {
  it('a missing or wrong key with 401', async () => {
    expect((await whatsNew('', { context: {} })).status).toBe(401);
    expect((await whatsNew(server.slice(0, -1) + (server.endsWith('x') ? 'y' : 'x'), { context: {} })).status).toBe(401);
  });

  it.each([
    ['not JSON', { rawBody: '{nope' }, 400, 'PARSE_ERROR'],
    ['an array', { body: [] }, 400, 'PARSE_ERROR'],
    ['no context', { body: {} }, 400, 'INVALID_CONTEXT'],
    ['a context that is not an object', { body: { context: 'u1' } }, 400, 'INVALID_CONTEXT'],
    ['a targetingKey that is not a string', { body: { context: { targetingKey: 7 } } }, 400, 'INVALID_CONTEXT'],
    ['a since that is not a date-time', { body: { context: {}, since: 'yesterday' } }, 400, 'VALIDATION_FAILED'],
    ['an unknown field', { body: { context: {}, flags: [] } }, 400, 'VALIDATION_FAILED'],
    ['a body over 16 KiB', { body: { context: { targetingKey: 'u', blob: 'x'.repeat(17_000) } } }, 413, 'PAYLOAD_TOO_LARGE'],
  ])('%s with %i', async (_what, init, status, code) => {
    const res = await json(call('POST', '/v1/whats-new', { token: server, ...(init as object) }));
    expect(res.status).toBe(status);
    expect(res.body.errorCode).toBe(code);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });
});
