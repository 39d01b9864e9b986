// ETag and If-Match on every mutable admin resource: flags (definition and per-environment config), environments,
// releases and SDK keys. A stale If-Match answers 412 with the current version and writes nothing; without one, writes
// apply as before (the dashboard sends none).
import { beforeAll, describe, expect, it } from 'vitest';
import { bootstrap, call, createKey, dbFingerprint, json } from './helpers';
import { admin, createFlag, ENV } from './release-helpers';

const PROJECT = '/api/v1/projects/default';
const send = (method: string, path: string, ifMatch: string | undefined, body?: unknown) => json(call(method, path, { body, headers: ifMatch === undefined ? {} : { 'if-match': ifMatch } }));

beforeAll(async () => {
  await bootstrap();
});

/** A view without what a GET adds beside the stored version (measures: usage, stale, exposures, the watch's findings), which the ETag does not cover. */
function versioned(view: any): unknown {
  const { exposures: _e, pausedReason: _r, pausedMessage: _m, stale: _s, ...rest } = view;
  if (rest.guardrails) rest.guardrails = rest.guardrails.map(({ decision: _d, ...g }: any) => g);
  if (rest.environments) rest.environments = Object.fromEntries(Object.entries(rest.environments).map(([k, { usage: _u, ...c }]: [string, any]) => [k, c]));
  return rest;
}

/** 412 PRECONDITION_FAILED naming the current version (its ETag and representation), and nothing written. */
async function expectStale(write: () => Promise<{ status: number; body: any }>, current: { etag: string; view: unknown }) {
  const before = await dbFingerprint();
  const res = await write();
  expect(res.status).toBe(412);
  expect(res.body.error).toMatchObject({ code: 'PRECONDITION_FAILED', etag: current.etag, current: versioned(current.view) });
  expect(await dbFingerprint()).toBe(before);
}

describe('flags', () => {
  it('GET, POST and PATCH answer the same ETag for the same version; every change gives a new one', async () => {
    const created = await json(call('POST', `${PROJECT}/flags`, { body: { key: 'tagged' } }));
    const first = created.headers.get('etag');
    expect(first).toMatch(/^"[0-9a-f]{32}"$/);
    expect((await admin('GET', `${PROJECT}/flags/tagged`)).headers.get('etag')).toBe(first);
    const patched = await send('PATCH', `${ENV}/flags/tagged`, first!, { state: 'ENABLED' });
    expect(patched.status).toBe(200);
    const second = patched.headers.get('etag');
    expect(second).not.toBe(first);
    expect((await admin('GET', `${PROJECT}/flags/tagged`)).headers.get('etag')).toBe(second);
    const described = await send('PATCH', `${PROJECT}/flags/tagged`, second!, { description: 'with a tag' });
    expect(described.status).toBe(200);
    expect((await admin('GET', `${PROJECT}/flags/tagged`)).headers.get('etag')).toBe(described.headers.get('etag'));
  });

  it('a stale If-Match is refused on the definition, the environment config and delete, with the current version', async () => {
    await createFlag('stale', { variants: { a: 1, b: 2 } });
    const old = (await admin('GET', `${PROJECT}/flags/stale`)).headers.get('etag')!;
    expect((await admin('PATCH', `${ENV}/flags/stale`, { defaultVariant: 'b' })).status).toBe(200);
    const now = await admin('GET', `${PROJECT}/flags/stale`);
    const current = { etag: now.headers.get('etag')!, view: now.body };
    await expectStale(() => send('PATCH', `${PROJECT}/flags/stale`, old, { description: 'lost?' }), current);
    await expectStale(() => send('PATCH', `/api/v1/projects/default/environments/staging/flags/stale`, old, { state: 'ENABLED' }), current);
    await expectStale(() => send('DELETE', `${PROJECT}/flags/stale`, old), current);
    expect((await send('DELETE', `${PROJECT}/flags/stale`, current.etag)).status).toBe(204);
  });

  it('If-Match takes *, a list, and no weak tag; anything else is a 400', async () => {
    await createFlag('forms');
    const etag = (await admin('GET', `${PROJECT}/flags/forms`)).headers.get('etag')!;
    expect((await send('PATCH', `${PROJECT}/flags/forms`, '*', { description: 'star' })).status).toBe(200);
    const now = (await admin('GET', `${PROJECT}/flags/forms`)).headers.get('etag')!;
    expect((await send('PATCH', `${PROJECT}/flags/forms`, `${etag}, ${now}`, { description: 'list' })).status).toBe(200);
    const latest = (await admin('GET', `${PROJECT}/flags/forms`)).headers.get('etag')!;
    expect((await send('PATCH', `${PROJECT}/flags/forms`, `W/${latest}`, { description: 'weak' })).status).toBe(412);
    const bad = await send('PATCH', `${PROJECT}/flags/forms`, latest.slice(1, -1), { description: 'unquoted' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'VALIDATION_FAILED', issues: [{ path: '/headers/if-match' }] });
  });
});

describe('environments', () => {
  it("the ETag covers the environment's own fields: a flag change keeps it, a rules change by any path renews it", async () => {
    const first = await admin('GET', ENV);
    const etag = first.headers.get('etag')!;
    await createFlag('elsewhere');
    expect((await admin('GET', ENV)).headers.get('etag')).toBe(etag);
    const renamed = await send('PATCH', ENV, etag, { name: 'Dev' });
    expect(renamed.status).toBe(200);
    const afterRename = renamed.headers.get('etag')!;
    expect(afterRename).not.toBe(etag);
    const now = await admin('GET', ENV);
    expect(now.headers.get('etag')).toBe(afterRename);
    await expectStale(() => send('PATCH', ENV, etag, { segments: { beta: { '==': [{ var: 'beta' }, true] } } }), { etag: afterRename, view: now.body });
    // a flagd import replaces the shared rules without PATCH: the tag moves all the same
    const doc = (await admin('GET', `${ENV}/flagd`)).body;
    expect((await admin('PUT', `${ENV}/flagd`, { ...doc, metadata: { team: 'imported' } })).status).toBe(200);
    expect((await send('PATCH', ENV, afterRename, { name: 'Again' })).status).toBe(412);
  });
});

describe('releases', () => {
  it('actions and edits honour If-Match; the ETag moves with each of them', async () => {
    await createFlag('gated');
    const created = await json(call('POST', `${ENV}/releases`, { body: { key: 'gate', name: 'Gate', flags: ['gated'], plan: { steps: [{ percent: 10, holdMinutes: 60 }] } } }));
    const draft = created.headers.get('etag')!;
    expect((await admin('GET', `${ENV}/releases/gate`)).headers.get('etag')).toBe(draft);
    const edited = await send('PATCH', `${ENV}/releases/gate`, draft, { notes: 'first' });
    expect(edited.status).toBe(200);
    const current = await admin('GET', `${ENV}/releases/gate`);
    expect(current.headers.get('etag')).toBe(edited.headers.get('etag'));
    await expectStale(() => send('POST', `${ENV}/releases/gate/start`, draft), { etag: current.headers.get('etag')!, view: current.body });
    const started = await send('POST', `${ENV}/releases/gate/start`, current.headers.get('etag')!);
    expect(started.status).toBe(200);
    expect(started.headers.get('etag')).not.toBe(current.headers.get('etag'));
    expect((await send('POST', `${ENV}/releases/gate/pause`, current.headers.get('etag')!)).status).toBe(412);
  });
});

describe('SDK keys', () => {
  it('GET one key answers its ETag; PATCH and DELETE refuse a stale one', async () => {
    const key = await createKey('client');
    const path = `${ENV}/sdk-keys/${key.id}`;
    const got = await admin('GET', path);
    expect(got.body).toMatchObject({ id: key.id, kind: 'client', rateLimit: 1000, revokedAt: null });
    expect(got.body.secret).toBeUndefined();
    const etag = got.headers.get('etag')!;
    const limited = await send('PATCH', path, etag, { rateLimit: 50 });
    expect(limited.status).toBe(200);
    const now = await admin('GET', path);
    expect(now.headers.get('etag')).toBe(limited.headers.get('etag'));
    await expectStale(() => send('PATCH', path, etag, { rateLimit: 60 }), { etag: now.headers.get('etag')!, view: now.body });
    await expectStale(() => send('DELETE', path, etag), { etag: now.headers.get('etag')!, view: now.body });
    expect((await send('DELETE', path, now.headers.get('etag')!)).status).toBe(204);
    expect((await admin('GET', `${ENV}/sdk-keys/bbbbbbbbbbbbbbbb`)).status).toBe(404);
  });

  it('two racing revocations of one key: both answer 204, the log records one', async () => {
    const key = await createKey('server');
    const results = await Promise.all([call('DELETE', `${ENV}/sdk-keys/${key.id}`), call('DELETE', `${ENV}/sdk-keys/${key.id}`)]);
    expect(results.map((r) => r.status)).toEqual([204, 204]);
    const entries = (await admin('GET', `${PROJECT}/audit?limit=50`)).body.entries.filter((e: any) => e.action === 'sdk-key.revoke' && e.resource.endsWith(key.id));
    expect(entries).toHaveLength(1);
  });
});
