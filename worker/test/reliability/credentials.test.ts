// Every credential on every route: each route × credential has an expected answer from one policy table, and a
// route with no entry fails. Zero leaks: nothing of one environment or project is visible through another's key.
import { beforeAll, describe, expect, it } from 'vitest';
import { env } from 'cloudflare:test';
import { bootstrap, call, createKey, json } from '../helpers';
import { admin } from '../release-helpers';
import { allRoutes, concrete } from './routes';

type Credential = 'none' | 'malformed' | 'wrong' | 'revoked' | 'admin' | 'server' | 'client' | 'otherEnv' | 'otherProject' | 'feed';
type Policy = 'admin' | 'sdk' | 'stream' | 'feed' | 'public';

/** Who may call each route. A new route must be added here, or the completeness test fails. */
const policyOf: Record<string, Policy> = {
  'GET /api/v1/openapi.json': 'public',
  'POST /ofrep/v1/evaluate/*': 'sdk',
  'GET /ofrep/v1/events': 'stream',
  'GET /v1/flags': 'sdk',
  'GET /v1/flags/:key': 'sdk',
  'POST /v1/whats-new': 'sdk',
  'POST /v1/feedback': 'sdk',
  'POST /v1/track': 'sdk',
  'GET /v1/releases.atom': 'feed',
};
const policy = (method: string, path: string): Policy | undefined => policyOf[`${method} ${path}`] ?? (path.startsWith('/api/v1/') ? 'admin' : undefined);

/** Statuses each credential may get, per policy ('ok' = any 2xx, or a 4xx other than 401/403 that is about the input). */
const expected: Record<Policy, Record<Credential, 'ok' | 401>> = {
  admin: { none: 401, malformed: 401, wrong: 401, revoked: 401, admin: 'ok', server: 401, client: 401, otherEnv: 401, otherProject: 401, feed: 401 },
  sdk: { none: 401, malformed: 401, wrong: 401, revoked: 401, admin: 401, server: 'ok', client: 'ok', otherEnv: 'ok', otherProject: 'ok', feed: 401 },
  // the stream is opened with the token its bulk answer handed out, never with a header credential
  stream: { none: 401, malformed: 401, wrong: 401, revoked: 401, admin: 401, server: 401, client: 401, otherEnv: 401, otherProject: 401, feed: 401 },
  // the feed reads its token from the query (feed readers cannot send headers): each credential is tried there
  feed: { none: 401, malformed: 401, wrong: 401, revoked: 401, admin: 401, server: 401, client: 401, otherEnv: 401, otherProject: 401, feed: 'ok' },
  public: { none: 'ok', malformed: 'ok', wrong: 'ok', revoked: 'ok', admin: 'ok', server: 'ok', client: 'ok', otherEnv: 'ok', otherProject: 'ok', feed: 'ok' },
};

const keys = {} as Record<Credential, string | null>;

beforeAll(async () => {
  keys.server = await bootstrap();
  keys.admin = env.CURTAIN_ADMIN_TOKEN;
  keys.none = null;
  keys.malformed = 'crt_s_not-a-key';
  keys.wrong = keys.server.slice(0, -6) + 'zzzzzz';
  const revoked = await createKey('server');
  await call('DELETE', `/api/v1/projects/default/environments/development/sdk-keys/${revoked.id}`);
  keys.revoked = revoked.secret;
  keys.client = (await createKey('client')).secret;
  keys.otherEnv = (await createKey('server', 'staging')).secret;
  await admin('POST', '/api/v1/projects', { key: 'other', name: 'Other' });
  const other = await admin('POST', '/api/v1/projects/other/environments/development/sdk-keys', { name: 'o', kind: 'server' });
  keys.otherProject = other.body.secret;
  keys.feed = (await admin('POST', '/api/v1/projects/default/environments/development/feed-tokens', { name: 'reader' })).body.secret;
  // data that must stay where it belongs
  const created = await admin('POST', '/api/v1/projects/default/flags', { key: 'f', variants: { dev: 'development-only value', stg: 'staging value' }, clientVisible: true, environments: { development: { state: 'ENABLED', defaultVariant: 'dev' }, staging: { state: 'ENABLED', defaultVariant: 'stg' } } });
  if (created.status !== 201) throw new Error(JSON.stringify(created.body));
  await admin('POST', '/api/v1/projects/default/flags', { key: 'server-only', environments: { development: { state: 'ENABLED' } } });
  await admin('POST', '/api/v1/projects/other/flags', { key: 'other-project-flag', environments: { development: { state: 'ENABLED' } } });
});

describe('every credential on every route', { timeout: 60_000 }, () => {
  it('has a policy for every route the worker serves', () => {
    expect(allRoutes.filter((r) => !policy(r.method, r.path)).map((r) => `${r.method} ${r.path}`)).toEqual([]);
  });

  it('answers each route × credential as its policy says, and leaks nothing across environments and projects', async (ctx) => {
    const unexpected: string[] = [];
    const leaks: string[] = [];
    let cases = 0;
    for (const r of allRoutes) {
      const p = policy(r.method, r.path)!;
      for (const cred of Object.keys(expected[p]) as Credential[]) {
        cases++;
        // bodies that would change nothing: the question is only who gets past authentication
        const body = r.method === 'GET' || r.method === 'DELETE' ? undefined : r.path.startsWith('/ofrep/') ? { context: { targetingKey: 'u1' } } : {};
        // admin routes name a flag that does not exist, so that an authorized DELETE changes nothing
        const path = r.path === '/v1/flags/:key' ? '/v1/flags/f' : r.path.startsWith('/ofrep/') ? concrete(r.path) : concrete(r.path, ['flag', 'absent']);
        const res =
          p === 'feed'
            ? await call(r.method, `${path}?token=${encodeURIComponent(keys[cred] ?? '')}`, { token: null })
            : await call(r.method, path, { token: keys[cred], body });
        const text = res.headers.get('content-type')?.startsWith('text/event-stream') ? (await res.body?.cancel(), '') : await res.text();
        const want = expected[p][cred];
        const got = res.status;
        const fine = want === 401 ? got === 401 : got !== 401 && got !== 403 && got < 500;
        if (!fine) unexpected.push(`${r.method} ${path} as ${cred}: ${got} (expected ${want})`);
        // what must never cross: development's value, the server-only flag, another project's flag
        if (cred !== 'server' && cred !== 'admin' && cred !== 'client' && text.includes('development-only value')) leaks.push(`${r.method} ${path} as ${cred}: development's value`);
        if (cred === 'client' && text.includes('server-only')) leaks.push(`${r.method} ${path} as client: a server-only flag`);
        if (cred !== 'otherProject' && cred !== 'admin' && text.includes('other-project-flag')) leaks.push(`${r.method} ${path} as ${cred}: another project's flag`);
        if (cred === 'otherProject' && (text.includes('staging value') || text.includes('server-only'))) leaks.push(`${r.method} ${path} as otherProject: this project's flag`);
      }
    }
    ctx.task.meta.reliability = { kind: 'credentials', cases, unexpected: unexpected.length, leaks: leaks.length };
    expect(unexpected).toEqual([]);
    expect(leaks).toEqual([]);
  });

  it('serves each key its own environment: staging’s key gets staging’s value, the other project’s key not this project’s flags', async () => {
    const bulk = async (key: string | null) => (await json(call('POST', '/ofrep/v1/evaluate/flags', { token: key, body: { context: { targetingKey: 'u1' } } }))).body.flags as { key: string; value?: unknown }[];
    expect((await bulk(keys.server)).find((f) => f.key === 'f')?.value).toBe('development-only value');
    expect((await bulk(keys.otherEnv)).find((f) => f.key === 'f')?.value).toBe('staging value');
    expect((await bulk(keys.otherProject)).map((f) => f.key)).toEqual(['other-project-flag']);
    expect((await bulk(keys.client)).map((f) => f.key)).toEqual(['f']);
  });
});
