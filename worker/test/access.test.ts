// People through Cloudflare Access: the Cf-Access-Jwt-Assertion JWT verified against the team's key set (served
// locally, test/fake-internet.ts) with jose; valid, expired, wrong audience, wrong key and missing assertions each
// answered as they must be, and the person's email mapped to their roles and recorded in the audit log.
import { beforeAll, describe, expect, it } from 'vitest';
import { env } from 'cloudflare:test';
import { importJWK, SignJWT } from 'jose';
import { call, json } from './helpers';
import { admin } from './release-helpers';

const TEAM = 'https://curtain-test.cloudflareaccess.test';
const AUD = 'curtain-test-audience';

async function assertion(claims: Record<string, unknown>, opts: { key?: string; aud?: string; iss?: string; exp?: number } = {}) {
  const jwk = JSON.parse(opts.key ?? env.TEST_ACCESS_KEY);
  const key = await importJWK(jwk, 'RS256');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: jwk.kid })
    .setIssuer(opts.iss ?? TEAM)
    .setAudience(opts.aud ?? AUD)
    .setIssuedAt(now - 60)
    .setExpirationTime(opts.exp ?? now + 600)
    .sign(key);
}
const asPerson = (jwt: string | null, method: string, path: string, body?: unknown) => json(call(method, path, { token: null, headers: jwt ? { 'cf-access-jwt-assertion': jwt } : {}, ...(body === undefined ? {} : { body }) }));

beforeAll(async () => {
  await admin('POST', '/api/v1/bootstrap', {});
  expect((await admin('POST', '/api/v1/people', { email: 'Maya@Example.com', name: 'Maya', grants: [{ role: 'editor', projects: ['default'] }] })).status).toBe(201);
  await admin('POST', '/api/v1/projects/default/flags', { key: 'checkout' });
});

describe('Cloudflare Access assertions', () => {
  it('a valid one names the person: their roles apply and the audit log records them', async () => {
    const jwt = await assertion({ email: 'maya@example.com' });
    const me = await asPerson(jwt, 'GET', '/api/v1/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ kind: 'person', email: 'maya@example.com', token: { name: 'Maya' }, grants: [{ role: 'editor', projects: ['default'], environments: null }] });
    expect((await asPerson(jwt, 'PATCH', '/api/v1/projects/default/environments/development/flags/checkout', { state: 'ENABLED' })).status).toBe(200);
    const entry = (await admin('GET', '/api/v1/projects/default/audit?limit=1')).body.entries[0];
    expect(entry).toMatchObject({ actor: 'Maya', action: 'flag.configure' });
    expect(entry.actorId).toMatch(/^person:/);
    // an editor: not the keys
    expect((await asPerson(jwt, 'GET', '/api/v1/projects/default/environments/development/sdk-keys')).status).toBe(403);
  });

  it('a person Curtain does not know holds no role: /me answers, everything else is forbidden', async () => {
    const jwt = await assertion({ email: 'stranger@example.com' });
    expect((await asPerson(jwt, 'GET', '/api/v1/me')).body).toMatchObject({ grants: [] });
    expect((await asPerson(jwt, 'GET', '/api/v1/projects/default/flags')).status).toBe(403);
    expect((await asPerson(jwt, 'GET', '/api/v1/projects')).body.projects).toEqual([]);
  });

  it.each([
    ['expired', () => assertion({ email: 'maya@example.com' }, { exp: Math.floor(Date.now() / 1000) - 3600 }), /expired/],
    ['for another application (audience)', () => assertion({ email: 'maya@example.com' }, { aud: 'another-app' }), /not for this application/],
    ['from another issuer', () => assertion({ email: 'maya@example.com' }, { iss: 'https://evil.cloudflareaccess.test' }), /not for this application/],
    ['signed with a key the team does not hold', () => assertion({ email: 'maya@example.com' }, { key: env.TEST_ACCESS_STRANGER_KEY }), /signature/],
    ['without an email (a service token)', () => assertion({ common_name: 'ci' }), /names no person/],
    ['not a JWT', async () => 'not.a.jwt', /not a valid Access token/],
  ])('refuses one %s with 401', async (_what, make, message) => {
    const res = await asPerson(await make(), 'GET', '/api/v1/me');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHENTICATED');
    expect(res.body.error.message).toMatch(message);
  });

  it('refuses a request with neither an assertion nor a token, and lets a token through without one', async () => {
    const missing = await asPerson(null, 'GET', '/api/v1/me');
    expect(missing.status).toBe(401);
    expect(missing.body.error.message).toMatch(/Cloudflare Access/);
    expect((await json(call('GET', '/api/v1/me'))).body.kind).toBe('bootstrap');
  });
});
