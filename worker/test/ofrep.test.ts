// OFREP and plain lookups at the edge, driven over HTTP against the real worker with real D1, KV and DOs.
import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Bindings } from '../src/bindings';
import { randomId } from '../src/auth/secrets';
import { evaluationFailed } from '../src/edge/ofrep-handler';
import { admit, type Admission } from '../src/edge/rate-limit';
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
    for (const authorization of [`Bearer ${server.slice(0, -1)}x`, `Bearer ${server} extra`]) {
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
  it('answer 429 with Retry-After once a key exceeds its budget, without affecting other keys', async () => {
    const key = (await createKey('server')).secret;
    let limited: Response | undefined;
    // the limiter counts in fixed 10 s windows: 700 requests (well under 10 s) cross at most one boundary,
    // so one window sees more than 300 of them
    for (let i = 0; i < 700 && !limited; i++) {
      const res = await ofrep(key, 'bool-on');
      if (res.status === 429) limited = res;
      else expect(res.status).toBe(200);
    }
    expect(limited, 'no 429 within 700 requests (test limit: 300 per 10 s)').toBeDefined();
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited!.text()).toBe('');
    expect((await ofrep(server, 'bool-on')).status).toBe(200);
  });

  it('count a key in batches: every Nth request tells the real limiter, in the background, and its "over" refuses the key', async () => {
    const batched = { ...env, EVALUATION_LIMIT_BATCH: '4' } as unknown as Bindings;
    const keyId = `batch-${crypto.randomUUID()}`;
    const background: Promise<unknown>[] = [];
    let refused: Admission | undefined;
    let admitted = 0;
    // the test limiter allows 300 calls per fixed 10 s window; 4 requests per call, so at most ~2 × 1,200 admits
    while (!refused && admitted < 4000) {
      const a = admit(batched, keyId, (p) => background.push(p));
      if (!a.ok) refused = a;
      else {
        admitted++;
        expect(background.length).toBe(Math.floor(admitted / 4)); // exactly one limiter call per 4 requests
        await background.at(-1); // as a later request would find it: the answer arrives between requests
      }
    }
    expect(refused, 'the limiter never answered "over budget"').toBeDefined();
    expect(admitted).toBeGreaterThanOrEqual(1200);
    if (refused && !refused.ok) expect(refused.retryAfter).toBeGreaterThan(0);
    expect(admit(batched, `other-${keyId}`, () => {}).ok).toBe(true);
  });

  it('fail open when the limiter is unreachable', async () => {
    const broken = { ...env, EVALUATION_LIMIT_BATCH: '1', EVALUATION_LIMIT: { limit: () => Promise.reject(new Error('limiter down')) } } as unknown as Bindings;
    const background: Promise<unknown>[] = [];
    for (let i = 0; i < 3; i++) {
      expect(admit(broken, 'unreachable', (p) => background.push(p)).ok).toBe(true);
      await background.at(-1);
    }
    expect(background).toHaveLength(3);
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
