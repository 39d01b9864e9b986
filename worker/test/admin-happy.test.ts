// Admin API, happy paths: projects, flags, per-environment config, SDK keys, audit — and the edge follows.
import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:test';
import { bootstrap, call, json, ofrep } from './helpers';

describe('admin API', () => {
  it('bootstraps a default project with development, staging and production, idempotently', async () => {
    const sdkKey = await bootstrap();
    expect(sdkKey).toMatch(/^crt_s_[a-z0-9]{16}_[a-z0-9]{16}_[a-z0-9]{32}$/);
    const again = await json(call('POST', '/api/v1/bootstrap', { body: { createServerKey: true } }));
    expect(again.body).toMatchObject({ created: false, sdkKey: null });
    const envs = await json(call('GET', '/api/v1/projects/default/environments'));
    expect(envs.body.environments.map((e: { key: string }) => e.key)).toEqual(['development', 'staging', 'production']);
  });

  it('creates a boolean flag disabled everywhere, with on/off variants and default variant "on"', async () => {
    const created = await json(call('POST', '/api/v1/projects/default/flags', { body: { key: 'checkout-v2', description: 'New checkout', tags: ['checkout'] } }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      key: 'checkout-v2',
      type: 'boolean',
      variants: { on: true, off: false },
      environments: {
        development: { state: 'DISABLED', defaultVariant: 'on', targeting: null },
        production: { state: 'DISABLED', defaultVariant: 'on', targeting: null },
      },
    });
    const list = await json(call('GET', '/api/v1/projects/default/flags'));
    expect(list.body.flags.map((f: { key: string }) => f.key)).toContain('checkout-v2');
  });

  it('switching a flag on in development changes what OFREP answers there, and only there', async () => {
    const devKey = (await json(call('POST', '/api/v1/projects/default/environments/development/sdk-keys', { body: { name: 'dev', kind: 'server' } }))).body.secret;
    const prodKey = (await json(call('POST', '/api/v1/projects/default/environments/production/sdk-keys', { body: { name: 'prod', kind: 'server' } }))).body.secret;
    await call('POST', '/api/v1/projects/default/flags', { body: { key: 'toggle-me' } });
    expect((await json(ofrep(devKey, 'toggle-me'))).body).toMatchObject({ key: 'toggle-me', reason: 'DISABLED' });

    const patched = await json(call('PATCH', '/api/v1/projects/default/environments/development/flags/toggle-me', { body: { state: 'ENABLED' } }));
    expect(patched.status).toBe(200);
    expect(patched.body.environments.development.state).toBe('ENABLED');

    expect((await json(ofrep(devKey, 'toggle-me'))).body).toEqual({ key: 'toggle-me', value: true, variant: 'on', reason: 'STATIC' });
    expect((await json(ofrep(prodKey, 'toggle-me'))).body).toMatchObject({ reason: 'DISABLED' });
  });

  it('updates variants and metadata, and deletes a flag', async () => {
    await call('POST', '/api/v1/projects/default/flags', { body: { key: 'banner', variants: { blue: 'blue', red: 'red' } } });
    const patched = await json(call('PATCH', '/api/v1/projects/default/flags/banner', { body: { variants: { blue: 'blue', red: 'red', green: 'green' }, metadata: { owner: 'growth' } } }));
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ type: 'string', metadata: { owner: 'growth' } });
    expect(Object.keys(patched.body.variants)).toEqual(['blue', 'red', 'green']);
    expect((await call('DELETE', '/api/v1/projects/default/flags/banner')).status).toBe(204);
    expect((await call('GET', '/api/v1/projects/default/flags/banner')).status).toBe(404);
  });

  it('records every change in the audit log with actor, before and after', async () => {
    await call('POST', '/api/v1/projects/default/flags', { body: { key: 'audited' } });
    await call('PATCH', '/api/v1/projects/default/environments/staging/flags/audited', { body: { state: 'ENABLED' } });
    const audit = await json(call('GET', '/api/v1/projects/default/audit?limit=5'));
    const [configure, create] = audit.body.entries;
    expect(configure).toMatchObject({
      action: 'flag.configure',
      actor: 'bootstrap admin token',
      resource: 'projects/default/environments/staging/flags/audited',
      before: { state: 'DISABLED' },
      after: { state: 'ENABLED' },
    });
    expect(create).toMatchObject({ action: 'flag.create', before: null, after: { key: 'audited' } });
  });

  it('creates projects and environments; a new environment sees existing flags disabled', async () => {
    expect((await call('POST', '/api/v1/projects', { body: { key: 'shop', name: 'Shop' } })).status).toBe(201);
    await call('POST', '/api/v1/projects/shop/flags', { body: { key: 'cart', variants: { a: 1, b: 2 } } });
    const created = await json(call('POST', '/api/v1/projects/shop/environments', { body: { key: 'qa', name: 'QA' } }));
    expect(created.status).toBe(201);
    const flag = await json(call('GET', '/api/v1/projects/shop/flags/cart'));
    expect(flag.body).toMatchObject({ type: 'integer', environments: { qa: { state: 'DISABLED', defaultVariant: 'a' } } });
  });

  it('stores SDK keys hashed, lists them without secrets, and revokes them', async () => {
    const key = (await json(call('POST', '/api/v1/projects/default/environments/staging/sdk-keys', { body: { name: 'ci', kind: 'client' } }))).body;
    const rows = await env.DB.prepare('SELECT * FROM sdk_keys').all();
    expect(JSON.stringify(rows.results)).not.toContain(key.secret);
    const listed = await json(call('GET', '/api/v1/projects/default/environments/staging/sdk-keys'));
    expect(JSON.stringify(listed.body)).not.toContain(key.secret);
    expect(listed.body.sdkKeys[0]).toMatchObject({ id: key.id, kind: 'client', revokedAt: null });
    expect((await call('DELETE', `/api/v1/projects/default/environments/staging/sdk-keys/${key.id}`)).status).toBe(204);
    const after = await json(call('GET', '/api/v1/projects/default/environments/staging/sdk-keys'));
    expect(after.body.sdkKeys[0].revokedAt).not.toBeNull();
  });

  it('serves an OpenAPI document describing the admin routes, without authentication', async () => {
    const doc = await json(call('GET', '/api/v1/openapi.json', { token: null }));
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/projects/{project}/flags', '/projects/{project}/environments/{env}/flags/{flag}', '/projects/{project}/environments/{env}/sdk-keys']));
  });
});
