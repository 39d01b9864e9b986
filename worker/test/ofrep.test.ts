// OFREP and plain lookups at the edge, driven over HTTP against the real worker with real D1, KV and DOs.
import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Bindings } from '../src/bindings';
import { randomId } from '../src/auth/secrets';
import { evaluationFailed } from '../src/edge/ofrep-handler';
import { admit } from '../src/edge/rate-limit';
import { formatSdkKey } from '../src/store/sdk-keys';
import { adminToken, bootstrap, call, createKey, json, ofrep } from './helpers';

const flagdFile = {
  flags: {
    'bool-on': { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'on' },
    str: { state: 'ENABLED', variants: { a: 'alpha', b: 'beta' }, defaultVariant: 'a', targeting: { if: [{ '==': [{ var: 'plan' }, 'pro'] }, 'b', null] } },
    int: { state: 'ENABLED', variants: { one: 1, two: 2 }, defaultVariant: 'two' },
    float: { state: 'ENABLED', variants: { pi: 3.14, e: 2.71 }, defaultVariant: 'pi' },
    obj: { state: 'ENABLED', variants: { cfg: { color: 'red', n: 1 } }, defaultVariant: 'cfg', metadata: { owner: 'web' } },
    split: { state: 'ENABLED', variants: { x: 'x', y: 'y' }, defaultVariant: 'x', targeting: { fractional: [['x', 50], ['y', 50]] } },
    off: { state: 'DISABLED', variants: { on: true, off: false }, defaultVariant: 'on' },
    'code-default': { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: null },
    visible: { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'on' },
    'reads-etag': { state: 'ENABLED', variants: { seen: 'seen', unseen: 'unseen' }, defaultVariant: 'unseen', targeting: { if: [{ '==': [{ var: 'flagConfigEtag' }, 'abc'] }, 'seen', null] } },
  },
  metadata: { team: 'checkout' },
};

let server: string;
beforeAll(async () => {
  server = await bootstrap();
  const imported = await json(call('PUT', '/api/v1/projects/default/environments/development/flagd', { body: flagdFile }));
  if (imported.status !== 200) throw new Error(JSON.stringify(imported.body));
  await call('PATCH', '/api/v1/projects/default/flags/visible', { body: { clientVisible: true } });
});

describe('OFREP single-flag evaluation', () => {
  it.each([
    ['bool-on', {}, { value: true, variant: 'on', reason: 'STATIC' }],
    ['str', { plan: 'free' }, { value: 'alpha', variant: 'a', reason: 'DEFAULT' }],
    ['str', { plan: 'pro' }, { value: 'beta', variant: 'b', reason: 'TARGETING_MATCH' }],
    ['int', {}, { value: 2, variant: 'two', reason: 'STATIC' }],
    ['float', {}, { value: 3.14, variant: 'pi', reason: 'STATIC' }],
    ['obj', {}, { value: { color: 'red', n: 1 }, variant: 'cfg', reason: 'STATIC', metadata: { team: 'checkout', owner: 'web' } }],
  ])('%s with %j answers %j', async (key, attrs, expected) => {
    const res = await json(ofrep(server, key, { targetingKey: 'user-1', ...attrs }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ key, ...expected });
  });

  it('refuses a context over the evaluation body limit with 400 INVALID_CONTEXT naming it, single and bulk', async () => {
    const big = { targetingKey: 'u', blob: 'x'.repeat(256 * 1024) };
    const one = await json(ofrep(server, 'bool-on', big));
    expect(one).toMatchObject({ status: 400, body: { key: 'bool-on', errorCode: 'INVALID_CONTEXT', errorDetails: expect.stringContaining('256 KiB') } });
    const all = await json(ofrep(server, null, big));
    expect(all).toMatchObject({ status: 400, body: { errorCode: 'INVALID_CONTEXT' } });
    // just under the limit is a context like any other
    expect((await json(ofrep(server, 'bool-on', { targetingKey: 'u', blob: 'x'.repeat(200 * 1024) }))).status).toBe(200);
  });

  it('answers a disabled flag with reason DISABLED and no value, so the caller uses its code default', async () => {
    const res = await json(ofrep(server, 'off'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ key: 'off', reason: 'DISABLED', metadata: { team: 'checkout' } });
  });

  it('answers a flag whose default variant is null with 200 and no value', async () => {
    const res = await json(ofrep(server, 'code-default'));
    expect(res.status).toBe(200);
    expect(res.body).not.toHaveProperty('value');
    expect(res.body.reason).toBe('DEFAULT');
  });

  it('splits users between variants with reason SPLIT, the same way every time', async () => {
    const seen = new Map<string, string>();
    for (let i = 0; i < 40; i++) {
      const res = await json(ofrep(server, 'split', { targetingKey: `user-${i}` }));
      expect(res.body.reason).toBe('SPLIT');
      seen.set(`user-${i}`, res.body.value);
    }
    expect(new Set(seen.values())).toEqual(new Set(['x', 'y']));
    expect((await json(ofrep(server, 'split', { targetingKey: 'user-7' }))).body.value).toBe(seen.get('user-7'));
  });

  it('accepts a context without targetingKey; a split flag then reports TARGETING_KEY_MISSING with 400', async () => {
    expect((await json(ofrep(server, 'bool-on', {}))).body.value).toBe(true);
    const res = await json(ofrep(server, 'split', {}));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ key: 'split', errorCode: 'TARGETING_KEY_MISSING' });
    expect(typeof res.body.errorDetails).toBe('string');
  });

  it('answers an unknown flag with 404 FLAG_NOT_FOUND', async () => {
    const res = await json(ofrep(server, 'ghost'));
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ key: 'ghost', errorCode: 'FLAG_NOT_FOUND' });
  });

  it('answers malformed bodies and contexts with 400 PARSE_ERROR / INVALID_CONTEXT', async () => {
    const bad = await json(call('POST', '/ofrep/v1/evaluate/flags/bool-on', { token: server, rawBody: '{"context":' }));
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ key: 'bool-on', errorCode: 'PARSE_ERROR' });
    const noContext = await json(call('POST', '/ofrep/v1/evaluate/flags/bool-on', { token: server, body: {} }));
    expect(noContext.status).toBe(400);
    expect(noContext.body).toMatchObject({ key: 'bool-on', errorCode: 'INVALID_CONTEXT' });
    for (const context of ['a string', [1, 2], { targetingKey: 42 }]) {
      const res = await json(ofrep(server, 'bool-on', context));
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ key: 'bool-on', errorCode: 'INVALID_CONTEXT' });
    }
  });

  it('accepts the key as X-API-Key as well as Bearer', async () => {
    const res = await json(call('POST', '/ofrep/v1/evaluate/flags/bool-on', { token: null, headers: { 'x-api-key': server }, body: { context: {} } }));
    expect(res.body.value).toBe(true);
  });

  it('reads X-API-Key beside an Authorization of another scheme (a proxy’s Basic), while a Bearer credential still wins', async () => {
    const basic = { authorization: `Basic ${btoa('user:pass')}`, 'x-api-key': server };
    const res = await json(call('POST', '/ofrep/v1/evaluate/flags/bool-on', { token: null, headers: basic, body: { context: {} } }));
    expect(res.status).toBe(200);
    expect(res.body.value).toBe(true);
    expect((await call('GET', '/v1/flags/bool-on', { token: null, headers: basic })).status).toBe(200);
    // a wrong or malformed Bearer key is what the caller presented: X-API-Key does not rescue it
    // the last character changed (to one it is not), and a key with something after it
    const wrong = server.slice(0, -1) + (server.endsWith('x') ? 'y' : 'x');
    for (const authorization of [`Bearer ${wrong}`, `Bearer ${server} extra`]) {
      const refused = await call('POST', '/ofrep/v1/evaluate/flags/bool-on', { token: null, headers: { authorization, 'x-api-key': server }, body: { context: {} } });
      expect(refused.status).toBe(401);
    }
    // the admin API takes Bearer only, as before: X-API-Key beside Basic is no admin credential
    expect((await call('GET', '/api/v1/me', { token: null, headers: { authorization: `Basic ${btoa('user:pass')}`, 'x-api-key': adminToken() } })).status).toBe(401);
  });

  it('answers 404 to a POST under /ofrep/v1/evaluate/ that is not a flags path', async () => {
    for (const path of ['/ofrep/v1/evaluate/x', '/ofrep/v1/evaluate/abcde/bool-on', '/ofrep/v1/evaluate/flagsX', '/ofrep/v1/evaluate/flags/', '/ofrep/v1/evaluate/flags/a/b']) {
      const res = await json(call('POST', path, { token: server, body: { context: {} } }));
      expect(res.status, path).toBe(404);
      expect(res.body, path).toEqual({ errorDetails: 'Not found' });
    }
  });
});

describe('OFREP 500 answers', () => {
  it('carry errorCode GENERAL, and the key on the single-flag endpoint, when no snapshot of the key’s environment can be had', async () => {
    // an environment that no channel or KV holds and whose D1 row cannot be read (its metadata is not JSON),
    // asked for with a well-formed key of it: the edge can neither read nor build a snapshot
    const projectId = randomId(16);
    const environmentId = randomId(16);
    await env.DB.prepare('INSERT INTO projects (id, key, name) VALUES (?, ?, ?)').bind(projectId, `damaged-${projectId}`, 'damaged').run();
    try {
      await env.DB.prepare("INSERT INTO environments (id, project_id, key, name, metadata) VALUES (?, ?, 'development', 'Development', '{')").bind(environmentId, projectId).run();
      const key = formatSdkKey('server', environmentId, randomId(16), randomId(32));
      const single = await json(ofrep(key, 'my flag'));
      expect(single.status).toBe(500);
      expect(single.body).toEqual({ key: 'my flag', errorCode: 'GENERAL', errorDetails: expect.any(String) });
      expect(single.headers.get('access-control-allow-origin')).toBe('*');
      const bulk = await json(ofrep(key, null, {}));
      expect(bulk.status).toBe(500);
      expect(bulk.body).toEqual({ errorCode: 'GENERAL', errorDetails: expect.any(String) });
    } finally {
      await env.DB.prepare('DELETE FROM projects WHERE id = ?').bind(projectId).run();
    }
  });

  // No request makes the handler itself throw (its failures are answered as 400/404/500 bodies), so the
  // answer index.ts gives when it does is checked directly.
  it('carry errorCode GENERAL, and the decoded key, when evaluation throws (the answer of index.ts’s catch)', async () => {
    const single = evaluationFailed(new Error('boom'), '/ofrep/v1/evaluate/flags/caf%C3%A9%20flag');
    expect(single.status).toBe(500);
    expect(single.headers.get('access-control-allow-origin')).toBe('*');
    expect(await single.json()).toEqual({ key: 'café flag', errorCode: 'GENERAL', errorDetails: expect.any(String) });
    expect(await evaluationFailed(new Error('boom'), '/ofrep/v1/evaluate/flags/100%').json()).toMatchObject({ key: '100%', errorCode: 'GENERAL' });
    for (const path of ['/ofrep/v1/evaluate/flags', '/ofrep/v1/evaluate/flags/a/b']) {
      expect(await evaluationFailed(new Error('boom'), path).json(), path).toEqual({ errorCode: 'GENERAL', errorDetails: expect.any(String) });
    }
  });
});

describe('OFREP bulk evaluation', () => {
  it('evaluates every flag, with errors inline, flag-set metadata and an event stream', async () => {
    const res = await json(ofrep(server, null, {}));
    expect(res.status).toBe(200);
    const byKey = Object.fromEntries(res.body.flags.map((f: { key: string }) => [f.key, f]));
    expect(Object.keys(byKey).sort()).toEqual(Object.keys(flagdFile.flags).sort());
    expect(byKey.split).toMatchObject({ errorCode: 'TARGETING_KEY_MISSING' });
    expect(byKey.off).toEqual({ key: 'off', reason: 'DISABLED', metadata: { team: 'checkout' } });
    expect(res.body.metadata).toEqual({ team: 'checkout' });
    expect(res.body.eventStreams[0]).toMatchObject({ type: 'sse', endpoint: { requestUri: expect.stringMatching(/^\/ofrep\/v1\/events\?/) } });
  });

  it('sends an ETag of the result and answers 304 to a matching If-None-Match', async () => {
    const first = await ofrep(server, null, { targetingKey: 'u1', plan: 'free' });
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[0-9a-f]{16}-[0-9a-z]+"$/);
    const again = await ofrep(server, null, { targetingKey: 'u1', plan: 'free' }, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect(await again.text()).toBe('');
    const weakInList = await ofrep(server, null, { targetingKey: 'u1', plan: 'free' }, { 'if-none-match': `"other", W/${etag}` });
    expect(weakInList.status).toBe(304);
  });

  it('answers If-None-Match: * with the full representation (a POST evaluation always has one to send)', async () => {
    const res = await ofrep(server, null, { targetingKey: 'u1' }, { 'if-none-match': '*' });
    expect(res.status).toBe(200);
    expect((await res.json<{ flags: unknown[] }>()).flags.length).toBeGreaterThan(0);
  });

  it('keeps the ETag when only attributes no rule reads change, and changes it when a result changes', async () => {
    const base = (await ofrep(server, null, { targetingKey: 'u1', plan: 'free' })).headers.get('etag');
    const unrelated = (await ofrep(server, null, { targetingKey: 'u1', plan: 'free', screen: 'wide' })).headers.get('etag');
    const pro = (await ofrep(server, null, { targetingKey: 'u1', plan: 'pro' })).headers.get('etag');
    expect(unrelated).toBe(base);
    expect(pro).not.toBe(base);
  });

  it('gives each bulk answer its own ETag when answers for different contexts are made at once', async () => {
    const etagOf = async (plan: string) => (await ofrep(server, null, { targetingKey: 'u1', plan })).headers.get('etag');
    const [free, pro] = [await etagOf('free'), await etagOf('pro')];
    expect(free).not.toBe(pro);
    const both = await Promise.all(Array.from({ length: 8 }, (_, i) => ofrep(server, null, { targetingKey: 'u1', plan: i % 2 ? 'pro' : 'free' })));
    expect(both.map((r) => r.headers.get('etag'))).toEqual(Array.from({ length: 8 }, (_, i) => (i % 2 ? pro : free)));
  });

  it('answers each context with its own results when contexts and kinds of key alternate (entries remembered by position)', async () => {
    const client = (await createKey('client')).secret;
    const strOf = async (key: string, plan: string) => (await json(ofrep(key, null, { targetingKey: 'u1', plan }))).body.flags.find((f: { key: string }) => f.key === 'str');
    for (let round = 0; round < 2; round++) {
      expect(await strOf(server, 'pro')).toEqual({ key: 'str', reason: 'TARGETING_MATCH', variant: 'b', value: 'beta', metadata: { team: 'checkout' } });
      expect((await json(ofrep(client, null, { plan: 'pro' }))).body.flags.map((f: { key: string }) => f.key)).toEqual(['visible']);
      expect(await strOf(server, 'free')).toEqual({ key: 'str', reason: 'DEFAULT', variant: 'a', value: 'alpha', metadata: { team: 'checkout' } });
    }
  });

  it('answers a body that is not JSON with 400 PARSE_ERROR', async () => {
    const res = await json(call('POST', '/ofrep/v1/evaluate/flags', { token: server, rawBody: 'nope' }));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errorCode: 'PARSE_ERROR', errorDetails: expect.any(String) });
  });
});

describe('CORS for browsers', () => {
  it('answers preflight requests and exposes the ETag', async () => {
    const pre = await call('OPTIONS', '/ofrep/v1/evaluate/flags', {
      token: null,
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,if-none-match' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    expect(pre.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('if-none-match');
    const res = await ofrep(server, null, {}, { origin: 'https://app.example' });
    expect(res.headers.get('access-control-expose-headers')).toContain('ETag');
  });
});

describe('client keys', () => {
  it('evaluate only client-visible flags and hide the others as not found', async () => {
    const client = (await createKey('client')).secret;
    const bulk = await json(ofrep(client, null, {}));
    expect(bulk.body.flags.map((f: { key: string }) => f.key)).toEqual(['visible']);
    expect((await json(ofrep(client, 'visible'))).body.value).toBe(true);
    expect((await ofrep(client, 'bool-on')).status).toBe(404);
  });
});

describe('forged keys', () => {
  it('are refused after the real key was verified (and cached) as before it', async () => {
    expect((await ofrep(server, 'bool-on')).status).toBe(200);
    for (const forged of [server.slice(0, -1) + (server.endsWith('a') ? 'b' : 'a'), server.slice(0, -32) + '0'.repeat(32)]) {
      expect((await ofrep(forged, 'bool-on')).status).toBe(401);
    }
    expect((await ofrep(server, 'bool-on')).status).toBe(200);
  });
});

describe('revoked keys', () => {
  it('stop working', async () => {
    const key = await createKey('server');
    expect((await ofrep(key.secret, 'bool-on')).status).toBe(200);
    await call('DELETE', `/api/v1/projects/default/environments/development/sdk-keys/${key.id}`);
    expect((await ofrep(key.secret, 'bool-on')).status).toBe(401);
  });

  it('keys of another environment see that environment only (flags imported into development are off elsewhere)', async () => {
    const prod = (await createKey('server', 'production')).secret;
    expect((await json(ofrep(prod, 'bool-on'))).body).toMatchObject({ key: 'bool-on', reason: 'DISABLED' });
  });
});

describe('rate limits', () => {
  const keysPath = '/api/v1/projects/default/environments/development/sdk-keys';
  const newKey = async (kind: 'server' | 'client', rateLimit?: number | null) => {
    const res = await json(call('POST', keysPath, { body: { name: `limited ${kind} key`, kind, ...(rateLimit !== undefined ? { rateLimit } : {}) } }));
    expect(res.status).toBe(201);
    return res.body as { id: string; secret: string; rateLimit: number | null };
  };
  const setLimit = async (id: string, rateLimit: number | null) => {
    const res = await json(call('PATCH', `${keysPath}/${id}`, { body: { rateLimit } }));
    expect(res.status).toBe(200);
    expect(res.body.rateLimit).toBe(rateLimit);
  };
  /** Evaluates until the first 429 (or `max` requests): how many were admitted before it, and the 429. */
  const untilRefused = async (secret: string, max: number) => {
    let admitted = 0;
    for (let i = 0; i < max; i++) {
      const res = await ofrep(secret, 'visible');
      if (res.status === 429) return { admitted, refused: res };
      expect(res.status).toBe(200);
      await res.arrayBuffer();
      admitted++;
    }
    return { admitted, refused: undefined };
  };
  /** A limiter that allows `limit` calls per key, for counting what admit() asks it. */
  const fakeLimiter = (limit: number, setting: number) => {
    const calls = new Map<string, number>();
    const bindings = {
      ...env,
      EVALUATION_LIMIT_CALLS: String(setting),
      EVALUATION_LIMIT: {
        limit: async ({ key }: { key: string }) => {
          const n = (calls.get(key) ?? 0) + 1;
          calls.set(key, n);
          return { success: n <= limit };
        },
      },
    } as unknown as Bindings;
    return { bindings, calls: () => [...calls.values()].reduce((a, b) => a + b, 0) };
  };

  it('a client key with a low limit answers 429 with Retry-After and no body once over it; other keys go on', async () => {
    const key = await newKey('client', 3); // 30 per 10 s; the test binding: 10 calls per 10 s, one per 3 requests
    const { admitted, refused } = await untilRefused(key.secret, 300);
    expect(refused, 'no 429 within 300 requests').toBeDefined();
    // at least the budget; at most about twice it (the limiter counts in fixed windows, which the burst may cross)
    expect(admitted).toBeGreaterThanOrEqual(30);
    expect(admitted).toBeLessThan(100);
    const retryAfter = Number(refused!.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(10);
    expect(refused!.headers.get('access-control-expose-headers')).toContain('Retry-After');
    expect(await refused!.text()).toBe('');
    expect((await ofrep(server, 'bool-on')).status).toBe(200);
  });

  it('GET /v1/flags is limited the same way, and a changed limit takes effect at once in both directions', async () => {
    const key = await newKey('server');
    expect(key.rateLimit).toBeNull();
    await setLimit(key.id, 2);
    expect((await untilRefused(key.secret, 300)).refused).toBeDefined();
    const lookup = await call('GET', '/v1/flags/visible?targetingKey=u1', { token: key.secret });
    expect(lookup.status).toBe(429);
    expect(Number(lookup.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await call('GET', '/v1/flags', { token: key.secret })).status).toBe(429);

    await setLimit(key.id, 1000); // a higher limit counts afresh: the refusal under the old one is forgotten
    expect((await ofrep(key.secret, 'visible')).status).toBe(200);
    await setLimit(key.id, null);
    expect((await untilRefused(key.secret, 100)).refused).toBeUndefined(); // 100 > 5 × the old budget of 20
    expect((await call('GET', '/v1/flags', { token: key.secret })).status).toBe(200);
  });

  it('a server key has no limit by default and is never refused', async () => {
    const key = await newKey('server');
    expect(key.rateLimit).toBeNull();
    expect((await untilRefused(key.secret, 150)).refused).toBeUndefined();
  });

  it('a key without a limit never calls the limiter', () => {
    const { bindings, calls } = fakeLimiter(0, 10);
    const background: Promise<unknown>[] = [];
    for (let i = 0; i < 1000; i++) {
      expect(admit(bindings, 'unlimited', null, (p) => background.push(p))).toBe(0);
      expect(admit(bindings, 'from-an-old-snapshot', undefined, (p) => background.push(p))).toBe(0);
    }
    expect(background).toHaveLength(0);
    expect(calls()).toBe(0);
  });

  it('calls the limiter once per 10·L/N requests, exactly, even when that is not a whole number', async () => {
    // L = 3 per second: 30 per 10 s; N = 7 calls per 10 s, so a call stands for 30/7 ≈ 4.3 requests
    const { bindings, calls } = fakeLimiter(7, 7);
    const keyId = `fraction-${crypto.randomUUID()}`;
    const now = Date.now();
    let admitted = 0;
    let wait = 0;
    while (wait === 0 && admitted < 1000) {
      const background: Promise<unknown>[] = [];
      wait = admit(bindings, keyId, 3, (p) => background.push(p), now);
      if (wait === 0) admitted++;
      await Promise.all(background); // as a later request would find it: the answer arrives between requests
      if (wait === 0) expect(calls()).toBe(Math.min(8, Math.floor((admitted * 7) / 30)));
    }
    // the 8th call, made by request 35 (35 · 7 / 30 ≥ 8), is refused: 35 admitted for a budget of 30
    expect(admitted).toBe(35);
    expect(wait).toBe(10);
  });

  it('makes several calls per request for a limit below N/10 per second, and refuses once they are refused', async () => {
    // L = 1 per second: 10 per 10 s; N = 40 calls per 10 s, so 4 calls per request
    const { bindings, calls } = fakeLimiter(40, 40);
    const keyId = `tiny-${crypto.randomUUID()}`;
    const now = Date.now();
    for (let i = 1; i <= 11; i++) {
      const background: Promise<unknown>[] = [];
      expect(admit(bindings, keyId, 1, (p) => background.push(p), now)).toBe(0);
      await Promise.all(background);
      expect(calls()).toBe(Math.min(41, 4 * i)); // the refused 41st call stops that request's calls
    }
    expect(admit(bindings, keyId, 1, () => {}, now + 2500)).toBe(8); // refused until 10 s after the refusing request
    expect(admit(bindings, `other-${keyId}`, 1, () => {}, now)).toBe(0);
  });

  it('fail open when the limiter is unreachable', async () => {
    const broken = { ...env, EVALUATION_LIMIT_CALLS: '10', EVALUATION_LIMIT: { limit: () => Promise.reject(new Error('limiter down')) } } as unknown as Bindings;
    const background: Promise<unknown>[] = [];
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      for (let i = 0; i < 3; i++) {
        expect(admit(broken, 'unreachable', 1, (p) => background.push(p))).toBe(0);
        await background.at(-1);
      }
      expect(background).toHaveLength(3);
      expect(errors).toHaveBeenCalled();
    } finally {
      errors.mockRestore();
    }
  });
});

describe('plain lookups', () => {
  it('GET /v1/flags/{key} takes the context from the query string', async () => {
    const res = await json(call('GET', '/v1/flags/str?targetingKey=u1&plan=pro', { token: server }));
    expect(res.body).toEqual({ key: 'str', value: 'beta', variant: 'b', reason: 'TARGETING_MATCH', metadata: { team: 'checkout' } });
    const missing = await json(call('GET', '/v1/flags/ghost', { token: server }));
    expect(missing.status).toBe(404);
  });

  it('GET /v1/flags evaluates all flags; context=<json> carries typed values', async () => {
    const res = await json(call('GET', `/v1/flags?context=${encodeURIComponent(JSON.stringify({ targetingKey: 'u1', plan: 'pro' }))}`, { token: server }));
    expect(res.body.flags.find((f: { key: string }) => f.key === 'str').value).toBe('beta');
    expect((await call('GET', '/v1/flags?context=%7B', { token: server })).status).toBe(400);
    expect((await call('GET', '/v1/flags', { token: null })).status).toBe(401);
  });

  it('refuses a context parameter that is not a JSON object with 400 INVALID_CONTEXT', async () => {
    for (const context of ['[1]', '"pro"', '42', 'null']) {
      const res = await json(call('GET', `/v1/flags/str?targetingKey=u1&context=${encodeURIComponent(context)}`, { token: server }));
      expect(res.status, context).toBe(400);
      expect(res.body, context).toMatchObject({ key: 'str', errorCode: 'INVALID_CONTEXT' });
      const bulk = await json(call('GET', `/v1/flags?context=${encodeURIComponent(context)}`, { token: server }));
      expect(bulk.status, context).toBe(400);
      expect(bulk.body, context).toMatchObject({ errorCode: 'INVALID_CONTEXT' });
    }
  });

  it('takes a "__proto__" attribute as data, never as the context’s prototype', async () => {
    const context = encodeURIComponent('{"targetingKey":"u1","__proto__":{"plan":"pro"}}');
    const res = await json(call('GET', `/v1/flags/str?context=${context}`, { token: server }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ key: 'str', value: 'alpha', reason: 'DEFAULT' });
    const query = await json(call('GET', '/v1/flags/str?targetingKey=u1&__proto__=x&plan=pro', { token: server }));
    expect(query.body).toMatchObject({ key: 'str', value: 'beta' });
  });

  it('does not take flagConfigEtag (OFREP’s, read by authentication) as an attribute', async () => {
    expect((await json(call('GET', '/v1/flags/reads-etag?context=%7B%22flagConfigEtag%22%3A%22abc%22%7D', { token: server }))).body.value).toBe('seen');
    const res = await json(call('GET', '/v1/flags/reads-etag?targetingKey=u1&flagConfigEtag=abc', { token: server }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ key: 'reads-etag', value: 'unseen' });
  });
});
