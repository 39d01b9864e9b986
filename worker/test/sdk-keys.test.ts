// SDK keys: parsing (per request on the evaluation hot path, without a regular expression) against the
// key format's definition, and each key's evaluation limit through the admin API, D1 and the snapshot.
import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { snapshotProblem } from '../src/snapshot/format';
import { formatSdkKey, parseSdkKey } from '../src/store/sdk-keys';
import { buildSnapshot } from '../src/store/snapshots';
import { openDb } from '../src/store/db';
import { auditCount, bootstrap, call, dbFingerprint, json } from './helpers';

const definition = /^crt_([sc])_([a-z0-9]{16})_([a-z0-9]{16})_([a-z0-9]{32})$/;
const byDefinition = (key: string) => {
  const m = definition.exec(key);
  return m ? { kind: m[1] === 's' ? 'server' : 'client', environmentId: m[2], keyId: m[3] } : null;
};

describe('parseSdkKey', () => {
  const good = formatSdkKey('server', 'abcdefghij012345', '0123456789klmnop', 'q'.repeat(16) + '0123456789abcdef');
  it('reads the kind, environment and key id of a well-formed key', () => {
    expect(parseSdkKey(good)).toEqual({ kind: 'server', environmentId: 'abcdefghij012345', keyId: '0123456789klmnop' });
    expect(parseSdkKey(good.replace('crt_s_', 'crt_c_'))?.kind).toBe('client');
  });

  it('agrees with the format definition on every single-character change and on odd lengths', () => {
    const alphabet = ['a', 'z', '0', '9', '_', 'A', 'Z', '-', ' ', '.', 'é', '\u0000', 's', 'c'];
    const variants = [good.slice(1), good + 'a', '', 'crt_', good.slice(0, -1), good.toUpperCase()];
    for (let i = 0; i < good.length; i++) for (const ch of alphabet) variants.push(good.slice(0, i) + ch + good.slice(i + 1));
    for (const v of variants) expect(parseSdkKey(v), JSON.stringify(v)).toEqual(byDefinition(v));
  });
});

const keysPath = '/api/v1/projects/default/environments/development/sdk-keys';
type SdkKey = { id: string; name: string; kind: 'server' | 'client'; rateLimit: number | null; revokedAt: string | null };
const create = (body: Record<string, unknown>) => json<SdkKey & { secret: string }>(call('POST', keysPath, { body }));
const patch = (id: string, body: unknown) => json(call('PATCH', `${keysPath}/${id}`, { body }));
const listed = async (id: string) => ((await json(call('GET', keysPath))).body.sdkKeys as SdkKey[]).find((k) => k.id === id);
const environmentId = async () => (await json(call('GET', '/api/v1/projects/default/environments/development'))).body.id as string;
const snapshotEntry = async (id: string) => (await buildSnapshot(openDb(env.DB), await environmentId()))!.sdkKeys[id];
const lastAudit = async () => (await json(call('GET', '/api/v1/projects/default/audit?limit=1'))).body.entries[0];

beforeAll(async () => {
  await bootstrap();
});

describe('a key’s evaluation limit', () => {
  it('defaults to none for server keys and 1000 per second for client keys, in the answer, the listing and the snapshot', async () => {
    const server = await create({ name: 'backend', kind: 'server' });
    const client = await create({ name: 'web', kind: 'client' });
    expect(server.status).toBe(201);
    expect(server.body.rateLimit).toBeNull();
    expect(client.body.rateLimit).toBe(1000);
    expect((await listed(server.body.id))?.rateLimit).toBeNull();
    expect((await listed(client.body.id))?.rateLimit).toBe(1000);
    expect(await snapshotEntry(server.body.id)).toMatchObject({ kind: 'server', rateLimit: null });
    expect(await snapshotEntry(client.body.id)).toMatchObject({ kind: 'client', rateLimit: 1000 });
  });

  it('can be chosen at creation, including none for a client key', async () => {
    const limited = await create({ name: 'batch job', kind: 'server', rateLimit: 50 });
    const open = await create({ name: 'trusted web', kind: 'client', rateLimit: null });
    expect(limited.body.rateLimit).toBe(50);
    expect(open.body.rateLimit).toBeNull();
    expect((await listed(limited.body.id))?.rateLimit).toBe(50);
    expect(await snapshotEntry(open.body.id)).toMatchObject({ rateLimit: null });
  });

  it('is changed with PATCH: 200 with the key, one audit entry, a new version published with the limit', async () => {
    const key = (await create({ name: 'mobile', kind: 'client' })).body;
    const versionBefore = (await json(call('GET', '/api/v1/projects/default/environments/development'))).body.version;
    const res = await patch(key.id, { rateLimit: 250 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: key.id, name: 'mobile', kind: 'client', rateLimit: 250, revokedAt: null });
    expect(res.body).not.toHaveProperty('secret');
    expect((await listed(key.id))?.rateLimit).toBe(250);
    expect((await json(call('GET', '/api/v1/projects/default/environments/development'))).body.version).toBe(versionBefore + 1);
    expect(await snapshotEntry(key.id)).toMatchObject({ rateLimit: 250 });
    const audit = await lastAudit();
    expect(audit).toMatchObject({ action: 'sdk-key.update', resource: `projects/default/environments/development/sdk-keys/${key.id}` });
    expect(audit.before.rateLimit).toBe(1000);
    expect(audit.after.rateLimit).toBe(250);

    const removed = await patch(key.id, { rateLimit: null });
    expect(removed.body.rateLimit).toBeNull();
    expect((await lastAudit()).after.rateLimit).toBeNull();
    expect(await snapshotEntry(key.id)).toMatchObject({ rateLimit: null });
  });

  it('set to the value it has writes nothing and is not audited', async () => {
    const key = (await create({ name: 'same', kind: 'client', rateLimit: 7 })).body;
    const before = await dbFingerprint();
    const res = await patch(key.id, { rateLimit: 7 });
    expect(res.status).toBe(200);
    expect(res.body.rateLimit).toBe(7);
    expect(await dbFingerprint()).toBe(before);
  });

  it.each([
    ['zero', { rateLimit: 0 }],
    ['a negative number', { rateLimit: -5 }],
    ['a fraction', { rateLimit: 1.5 }],
    ['more than 1,000,000', { rateLimit: 1_000_001 }],
    ['a string', { rateLimit: '100' }],
    ['a missing field', {}],
    ['an unknown field', { rateLimit: 10, burst: 20 }],
  ])('refuses %s with 400 VALIDATION_FAILED and writes nothing', async (_what, body) => {
    const key = (await create({ name: 'validated', kind: 'client' })).body;
    const before = await dbFingerprint();
    const res = await patch(key.id, body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(await dbFingerprint()).toBe(before);
    if (Object.keys(body).length === 0) return; // a creation body without rateLimit is valid (the default applies)
    const created = await create({ name: 'invalid', kind: 'server', ...body });
    expect(created.status).toBe(400);
    expect((created.body as unknown as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED');
    expect(await dbFingerprint()).toBe(before);
  });

  it('accepts the bounds, 1 and 1,000,000', async () => {
    const key = (await create({ name: 'bounds', kind: 'server', rateLimit: 1 })).body;
    expect(key.rateLimit).toBe(1);
    expect((await patch(key.id, { rateLimit: 1_000_000 })).body.rateLimit).toBe(1_000_000);
  });

  it('cannot be set on a revoked or unknown key: 404, nothing written', async () => {
    const key = (await create({ name: 'gone', kind: 'client' })).body;
    expect((await call('DELETE', `${keysPath}/${key.id}`)).status).toBe(204);
    const audits = await auditCount();
    const revoked = await patch(key.id, { rateLimit: 5 });
    expect(revoked.status).toBe(404);
    expect(revoked.body.error.code).toBe('NOT_FOUND');
    expect((await patch('0000000000000000', { rateLimit: 5 })).status).toBe(404);
    expect((await patch('not-a-key', { rateLimit: 5 })).status).toBe(404);
    expect(await auditCount()).toBe(audits);
    expect((await listed(key.id))?.rateLimit).toBe(1000);
  });

  it('of a key in another environment is not reachable through this one', async () => {
    const prod = (await json(call('POST', '/api/v1/projects/default/environments/production/sdk-keys', { body: { name: 'prod', kind: 'client' } }))).body;
    expect((await patch(prod.id, { rateLimit: 5 })).status).toBe(404);
  });

  it('needs an admin token', async () => {
    const key = (await create({ name: 'guarded', kind: 'client' })).body;
    expect((await call('PATCH', `${keysPath}/${key.id}`, { body: { rateLimit: 5 }, token: null })).status).toBe(401);
    expect((await call('PATCH', `${keysPath}/${key.id}`, { body: { rateLimit: 5 }, token: key.secret })).status).toBe(401);
    expect((await listed(key.id))?.rateLimit).toBe(1000);
  });
});

describe('migration 0001', () => {
  it('gives existing client keys the default limit and leaves server keys without one', async () => {
    const environment = await environmentId();
    const project = (await json(call('GET', '/api/v1/projects/default'))).body.id;
    const insert = env.DB.prepare("INSERT INTO sdk_keys (id, project_id, environment_id, name, kind, key_hash, prefix, created_at) VALUES (?, ?, ?, 'old', ?, ?, 'p', 0)");
    await env.DB.batch([insert.bind('oldclient0000000', project, environment, 'client', 'hash-old-client'), insert.bind('oldserver0000000', project, environment, 'server', 'hash-old-server')]);
    const migration = env.TEST_MIGRATIONS.find((m) => m.name.startsWith('0001_'))!;
    for (const query of migration.queries.filter((q) => /^\s*(--[^\n]*\n\s*)*UPDATE/i.test(q))) await env.DB.prepare(query).run();
    const rows = await env.DB.prepare("SELECT id, rate_limit FROM sdk_keys WHERE id IN ('oldclient0000000', 'oldserver0000000') ORDER BY id").all();
    expect(rows.results).toEqual([
      { id: 'oldclient0000000', rate_limit: 1000 },
      { id: 'oldserver0000000', rate_limit: null },
    ]);
  });
});

describe('the snapshot’s SDK key entry', () => {
  const good = { format: 1, projectId: 'p', environmentId: 'e', environmentKey: 'development', version: 1, builtAt: 0, document: { flags: {} }, clientVisible: [] };
  const withEntry = (entry: Record<string, unknown>) => ({ ...good, sdkKeys: { k: { hash: 'h', kind: 'client', ...entry } } });
  it('accepts a positive whole limit, null, or none (a snapshot built before keys had limits)', () => {
    for (const entry of [{ rateLimit: 1000 }, { rateLimit: null }, {}]) expect(snapshotProblem(withEntry(entry), 'e')).toBeNull();
  });
  it('refuses any other limit, so that a damaged snapshot is never adopted', () => {
    for (const rateLimit of [0, -1, 2.5, '1000', Number.NaN, {}]) expect(snapshotProblem(withEntry({ rateLimit }), 'e'), String(rateLimit)).toBe('an SDK key entry with an invalid rate limit');
  });
});
