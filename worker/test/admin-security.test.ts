// Who may call what: admin routes need an admin token; SDK keys cannot reach them, nor admin tokens OFREP.
import { beforeAll, describe, expect, it } from 'vitest';
import { env } from 'cloudflare:test';
import { bootstrap, call, dbFingerprint, json, ofrep } from './helpers';

let sdkKey: string;
beforeAll(async () => {
  sdkKey = await bootstrap();
});

const adminRoutes: [string, string, unknown?][] = [
  ['GET', '/api/v1/me'],
  ['POST', '/api/v1/bootstrap', { createServerKey: true }],
  ['GET', '/api/v1/admin-tokens'],
  ['POST', '/api/v1/admin-tokens', { name: 'ci' }],
  ['DELETE', '/api/v1/admin-tokens/aaaaaaaaaaaaaaaa'],
  ['GET', '/api/v1/projects'],
  ['POST', '/api/v1/projects', { key: 'p2', name: 'P2' }],
  ['GET', '/api/v1/projects/default'],
  ['PATCH', '/api/v1/projects/default', { staleAfterDays: 30 }],
  ['GET', '/api/v1/projects/default/environments'],
  ['POST', '/api/v1/projects/default/environments', { key: 'qa', name: 'QA' }],
  ['GET', '/api/v1/projects/default/environments/development'],
  ['PATCH', '/api/v1/projects/default/environments/development', { metadata: { team: 'x' } }],
  ['GET', '/api/v1/projects/default/flags'],
  ['POST', '/api/v1/projects/default/flags', { key: 'f' }],
  ['GET', '/api/v1/projects/default/flags/f'],
  ['PATCH', '/api/v1/projects/default/flags/f', { description: 'x' }],
  ['DELETE', '/api/v1/projects/default/flags/f'],
  ['PATCH', '/api/v1/projects/default/environments/development/flags/f', { state: 'ENABLED' }],
  ['GET', '/api/v1/projects/default/environments/development/sdk-keys'],
  ['POST', '/api/v1/projects/default/environments/development/sdk-keys', { name: 'k', kind: 'server' }],
  ['GET', '/api/v1/projects/default/environments/development/sdk-keys/aaaaaaaaaaaaaaaa'],
  ['PATCH', '/api/v1/projects/default/environments/development/sdk-keys/aaaaaaaaaaaaaaaa', { rateLimit: 10 }],
  ['DELETE', '/api/v1/projects/default/environments/development/sdk-keys/aaaaaaaaaaaaaaaa'],
  ['GET', '/api/v1/projects/default/audit'],
  ['GET', '/api/v1/audit'],
  ['GET', '/api/v1/audit?all=true'],
  ['GET', '/api/v1/projects/default/environments/development/propagation'],
  ['GET', '/api/v1/projects/default/environments/development/events'],
  ['GET', '/api/v1/projects/default/environments/development/flagd'],
  ['PUT', '/api/v1/projects/default/environments/development/flagd', { flags: {} }],
  ['GET', '/api/v1/projects/default/environments/development/deployments'],
  ['POST', '/api/v1/projects/default/environments/development/deployments', { version: '1' }],
  ['GET', '/api/v1/projects/default/environments/development/unreleased-flags'],
  ['GET', '/api/v1/projects/default/flags/f/references'],
  ['GET', '/api/v1/projects/default/environments/development/releases'],
  ['POST', '/api/v1/projects/default/environments/development/releases', { key: 'r', name: 'R', flags: ['f'], plan: { steps: [{ percent: 1, holdMinutes: 1 }] } }],
  ['GET', '/api/v1/projects/default/environments/development/releases/r'],
  ['PATCH', '/api/v1/projects/default/environments/development/releases/r', { name: 'x' }],
  ['DELETE', '/api/v1/projects/default/environments/development/releases/r'],
  ['POST', '/api/v1/projects/default/environments/development/releases/r/start'],
  ['POST', '/api/v1/projects/default/environments/development/releases/r/pause'],
  ['POST', '/api/v1/projects/default/environments/development/releases/r/resume'],
  ['POST', '/api/v1/projects/default/environments/development/releases/r/rollback'],
  ['POST', '/api/v1/projects/default/environments/development/releases/r/kill'],
  ['POST', '/api/v1/projects/default/environments/development/releases/r/metrics', { metric: 'e', value: 1 }],
  ['POST', '/api/v1/projects/default/environments/development/alertmanager', { alerts: [] }],
  ['GET', '/api/v1/projects/default/environments/development/flags/f/schedule'],
  ['GET', '/api/v1/projects/default/environments/development/flags/f/exposures'],
  ['POST', '/api/v1/projects/default/environments/development/flags/f/schedule', { at: '2099-01-01T00:00:00Z', state: 'ENABLED' }],
  ['DELETE', '/api/v1/projects/default/environments/development/flags/f/schedule/aaaaaaaaaaaaaaaa'],
  ['GET', '/api/v1/projects/default/environments/development/feed-tokens'],
  ['POST', '/api/v1/projects/default/environments/development/feed-tokens', { name: 'feed reader' }],
  ['DELETE', '/api/v1/projects/default/environments/development/feed-tokens/aaaaaaaaaaaaaaaa'],
  ['GET', '/api/v1/projects/default/environments/development/calendar'],
  ['GET', '/api/v1/projects/default/calendar'],
  ['GET', '/api/v1/projects/default/environments/development/releases/r/feedback'],
  ['POST', '/api/v1/projects/default/environments/development/evaluate', { context: { targetingKey: 'u1' } }],
  ['GET', '/api/v1/people'],
  ['POST', '/api/v1/people', { email: 'a@example.com', grants: [] }],
  ['PATCH', '/api/v1/people/aaaaaaaaaaaaaaaa', { name: 'x' }],
  ['DELETE', '/api/v1/people/aaaaaaaaaaaaaaaa'],
  ['GET', '/api/v1/projects/default/change-requests'],
  ['GET', '/api/v1/projects/default/change-requests/aaaaaaaaaaaaaaaa'],
  ['PATCH', '/api/v1/projects/default/change-requests/aaaaaaaaaaaaaaaa', { body: {} }],
  ['POST', '/api/v1/projects/default/change-requests/aaaaaaaaaaaaaaaa/approve', {}],
  ['POST', '/api/v1/projects/default/change-requests/aaaaaaaaaaaaaaaa/reject', {}],
  ['POST', '/api/v1/projects/default/change-requests/aaaaaaaaaaaaaaaa/apply'],
  ['GET', '/api/v1/projects/default/webhooks'],
  ['POST', '/api/v1/projects/default/webhooks', { url: 'https://hooks.example.com/x', events: ['flag.changed'] }],
  ['PATCH', '/api/v1/projects/default/webhooks/aaaaaaaaaaaaaaaa', { active: false }],
  ['DELETE', '/api/v1/projects/default/webhooks/aaaaaaaaaaaaaaaa'],
  ['GET', '/api/v1/projects/default/webhooks/aaaaaaaaaaaaaaaa/deliveries'],
  ['POST', '/api/v1/projects/default/webhooks/aaaaaaaaaaaaaaaa/deliveries/aaaaaaaaaaaaaaaa/redeliver'],
];

/** The route template a concrete path of the list stands for, e.g. /projects/{project}/flags/{flag}. */
function template(path: string, known: string[]): string | undefined {
  const parts = path.replace('/api/v1', '').split('/');
  return known.find((t) => {
    const tp = t.split('/');
    return tp.length === parts.length && tp.every((seg, i) => seg.startsWith('{') || seg === parts[i]);
  });
}

it('every admin route of the OpenAPI document is in the list above', async () => {
  const doc = (await json(call('GET', '/api/v1/openapi.json', { token: null }))).body;
  const routes = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
  const templates = Object.keys(doc.paths).map((p) => p.replace(/\{(\w+)\}/g, '{$1}'));
  const covered = new Set(adminRoutes.map(([method, path]) => `${method} ${template(path, templates)}`));
  expect(routes.filter((r) => !covered.has(r) && r !== 'GET /openapi.json')).toEqual([]);
});

describe('admin routes', () => {
  const callers: [string, () => string | null][] = [
    ['no token', () => null],
    ['a wrong token', () => 'not-the-token'],
    ['the admin token with one character changed', () => env.CURTAIN_ADMIN_TOKEN.slice(0, -1) + 'X'],
    ['an SDK key', () => sdkKey],
  ];
  for (const [who, token] of callers) {
    it.each(adminRoutes)(`refuse ${who}: %s %s → 401, nothing written`, async (method, path, body) => {
      const before = await dbFingerprint();
      const res = await json(call(method, path, { token: token(), body }));
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('UNAUTHENTICATED');
      expect(await dbFingerprint()).toBe(before);
    });
  }

  it('accept a created admin token until it is revoked; it is stored hashed and named in the audit log', async () => {
    const created = await json(call('POST', '/api/v1/admin-tokens', { body: { name: 'ci pipeline' } }));
    expect(created.status).toBe(201);
    const token: string = created.body.secret;
    expect(token).toMatch(/^crt_admin_[a-z0-9]{16}_[a-z0-9]{32}$/);
    expect(JSON.stringify((await env.DB.prepare('SELECT * FROM admin_tokens').all()).results)).not.toContain(token);
    expect((await json(call('GET', '/api/v1/me', { token }))).body.token).toEqual({ id: created.body.id, name: 'ci pipeline' });
    await call('POST', '/api/v1/projects/default/flags', { token, body: { key: 'made-by-ci' } });
    const audit = (await json(call('GET', '/api/v1/projects/default/audit?limit=1'))).body.entries[0];
    expect(audit).toMatchObject({ actor: 'ci pipeline', action: 'flag.create' });
    expect((await call('DELETE', `/api/v1/admin-tokens/${created.body.id}`)).status).toBe(204);
    expect((await call('GET', '/api/v1/me', { token })).status).toBe(401);
    const forged = token.slice(0, -32) + '0'.repeat(32);
    expect((await call('GET', '/api/v1/me', { token: forged })).status).toBe(401);
  });

  it('accept the admin token', async () => {
    expect((await json(call('GET', '/api/v1/me'))).body).toEqual({ token: { id: 'bootstrap', name: 'bootstrap admin token' }, kind: 'bootstrap', email: null, grants: [{ role: 'admin', projects: null, environments: null }] });
  });
});

describe('evaluation routes', () => {
  it('refuse the admin token, no key, and a malformed key with 401 and no body', async () => {
    for (const token of [env.CURTAIN_ADMIN_TOKEN, null, 'crt_s_nope']) {
      const res = await ofrep(token, 'anything');
      expect(res.status).toBe(401);
      expect(await res.text()).toBe('');
    }
    const lookup = await call('GET', '/v1/flags', { token: env.CURTAIN_ADMIN_TOKEN });
    expect(lookup.status).toBe(401);
  });

  it('announcing: what’s new and feedback refuse the admin token and no key; the feed refuses the admin token and SDK keys', async () => {
    const before = await dbFingerprint();
    for (const token of [env.CURTAIN_ADMIN_TOKEN, null]) {
      expect((await call('POST', '/v1/whats-new', { token, body: { context: {} } })).status).toBe(401);
      expect((await call('POST', '/v1/feedback', { token, body: { release: 'r', context: { targetingKey: 'u' }, rating: 'positive' } })).status).toBe(401);
      expect((await call('POST', '/v1/track', { token, body: { trackingEventName: 'e', context: { targetingKey: 'u' } } })).status).toBe(401);
    }
    for (const token of [env.CURTAIN_ADMIN_TOKEN, sdkKey]) {
      expect((await call('GET', `/v1/releases.atom?token=${encodeURIComponent(token)}`, { token: null })).status).toBe(401);
      expect((await call('GET', '/v1/releases.atom', { token })).status).toBe(401);
    }
    expect(await dbFingerprint()).toBe(before);
  });

  it('refuse a key whose secret part is wrong, even with a valid environment and key id', async () => {
    const forged = sdkKey.slice(0, -32) + 'a'.repeat(32);
    expect((await ofrep(forged, 'anything')).status).toBe(401);
  });
});
