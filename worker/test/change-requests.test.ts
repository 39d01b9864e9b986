// Change requests end to end: a write to a protected environment is held (202) and changes nothing until another
// person approves it and someone applies it; the author never approves; an edit voids approvals; a stale base is
// refused with a diff; requests expire; a scheduled change approved ahead of its time applies on time at the edge.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { env } from 'cloudflare:test';
import { call, json, ofrep } from './helpers';
import { admin } from './release-helpers';

const P = '/api/v1/projects/default';
const PROD = `${P}/environments/production`;
const MIN = 60_000;
let clock = Date.parse('2027-03-01T09:00:00Z');
const at = (ms: number) => vi.setSystemTime(new Date((clock = ms)));

const tokens: Record<string, string> = {};
let prodKey: string;
const as = (who: string, method: string, path: string, body?: unknown) => json(call(method, path, { token: tokens[who], ...(body === undefined ? {} : { body }) }));
const served = async (flag: string) => (await json(ofrep(prodKey, flag))).body;

async function token(name: string, role: string, extra: Record<string, unknown> = {}) {
  const res = await admin('POST', '/api/v1/admin-tokens', { name, role, ...extra });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  tokens[name] = res.body.secret;
}

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  at(clock);
  await admin('POST', '/api/v1/bootstrap', {});
  prodKey = (await admin('POST', `${PROD}/sdk-keys`, { name: 'prod', kind: 'server' })).body.secret;
  for (const [name, role] of [['alice', 'editor'], ['bob', 'editor'], ['rita', 'releaser'], ['ron', 'releaser'], ['vic', 'viewer']]) await token(name, role);
  for (const key of ['checkout', 'banner', 'search', 'late', 'guarded', 'timed']) await admin('POST', `${P}/flags`, { key });
});
afterAll(() => vi.useRealTimers());

describe('a write to a protected environment', () => {
  it('is held: 202 with the change request, nothing served changes, and the request holds the exact change and its base', async () => {
    const res = await as('alice', 'PATCH', `${PROD}/flags/checkout`, { state: 'ENABLED' });
    expect(res.status).toBe(202);
    expect(res.body.changeRequest).toMatchObject({ state: 'open', kind: 'flag.configure', environment: 'production', author: { name: 'alice' }, requiredApprovals: 1, approvals: [] });
    expect(res.body.changeRequest.change).toEqual({ params: { project: 'default', env: 'production', flag: 'checkout' }, query: {}, body: { state: 'ENABLED' } });
    expect(res.body.changeRequest.base.environments.production.state).toBe('DISABLED');
    expect((await served('checkout')).reason).toBe('DISABLED');
    const listed = (await as('vic', 'GET', `${P}/change-requests?state=open`)).body.changeRequests;
    expect(listed.map((r: any) => r.id)).toContain(res.body.changeRequest.id);
  });

  it('is approved by another person and applied: then served, and audited with author, approver and applier', async () => {
    const id = (await as('alice', 'PATCH', `${PROD}/flags/banner`, { state: 'ENABLED' })).body.changeRequest.id;
    const self = await as('alice', 'POST', `${P}/change-requests/${id}/approve`, {});
    expect(self.status).toBe(403);
    expect(self.body.error.code).toBe('FORBIDDEN');
    expect((await as('vic', 'POST', `${P}/change-requests/${id}/approve`, {})).status).toBe(403);
    expect((await as('alice', 'POST', `${P}/change-requests/${id}/apply`)).body.error.code).toBe('INVALID_STATE');
    const approved = await as('bob', 'POST', `${P}/change-requests/${id}/approve`, { comment: 'looks right' });
    expect(approved.body.changeRequest).toMatchObject({ state: 'approved', approvals: [{ name: 'bob', comment: 'looks right' }] });
    expect((await served('banner')).reason).toBe('DISABLED');
    const applied = await as('alice', 'POST', `${P}/change-requests/${id}/apply`);
    expect(applied.status).toBe(200);
    expect(applied.body.changeRequest).toMatchObject({ state: 'applied', appliedBy: { name: 'alice' } });
    expect((await served('banner')).value).toBe(true);
    const entries = (await admin('GET', `${P}/audit?flag=banner&limit=5`)).body.entries;
    const change = entries.find((e: any) => e.action === 'flag.configure');
    expect(change).toMatchObject({ actor: 'alice', review: { changeRequest: id, author: { name: 'alice' }, approvedBy: [{ name: 'bob' }], appliedBy: { name: 'alice' } } });
    expect(entries.find((e: any) => e.action === 'change-request.apply')).toMatchObject({ actor: 'alice' });
    expect((await as('bob', 'POST', `${P}/change-requests/${id}/apply`)).body.error.code).toBe('INVALID_STATE');
  });

  it('editing a request voids its approvals', async () => {
    const id = (await as('alice', 'PATCH', `${PROD}/flags/search`, { state: 'ENABLED' })).body.changeRequest.id;
    await as('bob', 'POST', `${P}/change-requests/${id}/approve`, {});
    expect((await as('bob', 'PATCH', `${P}/change-requests/${id}`, { body: { defaultVariant: 'off' } })).status).toBe(403);
    const edited = await as('alice', 'PATCH', `${P}/change-requests/${id}`, { body: { state: 'ENABLED', defaultVariant: 'off' } });
    expect(edited.body.changeRequest).toMatchObject({ state: 'open', approvals: [], change: { body: { state: 'ENABLED', defaultVariant: 'off' } } });
    expect((await as('alice', 'PATCH', `${P}/change-requests/${id}`, { body: { state: 'ON' } })).body.error.code).toBe('VALIDATION_FAILED');
    expect((await as('alice', 'POST', `${P}/change-requests/${id}/apply`)).body.error.code).toBe('INVALID_STATE');
    await as('bob', 'POST', `${P}/change-requests/${id}/approve`, {});
    expect((await as('alice', 'POST', `${P}/change-requests/${id}/apply`)).status).toBe(200);
    expect((await served('search')).value).toBe(false);
  });

  it('is reviewed by a person whose role is narrowed to production; one narrowed to another environment, or a viewer, may not', async () => {
    await token('pat', 'releaser', { projects: ['default'], environments: ['production'] });
    await token('dana', 'releaser', { projects: ['default'], environments: ['development'] });
    await admin('POST', `${P}/flags`, { key: 'narrow' });
    const id = (await as('alice', 'PATCH', `${PROD}/flags/narrow`, { state: 'ENABLED' })).body.changeRequest.id;
    const elsewhere = await as('dana', 'POST', `${P}/change-requests/${id}/approve`, {});
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.body.error).toMatchObject({ code: 'FORBIDDEN', environment: 'production' });
    expect((await as('vic', 'POST', `${P}/change-requests/${id}/reject`, {})).status).toBe(403);
    expect((await as('vic', 'PATCH', `${P}/change-requests/${id}`, { body: { state: 'DISABLED' } })).status).toBe(403);
    expect((await as('pat', 'POST', `${P}/change-requests/${id}/approve`, {})).body.changeRequest).toMatchObject({ state: 'approved', approvals: [{ name: 'pat' }] });
    expect((await as('pat', 'POST', `${P}/change-requests/${id}/apply`)).status).toBe(200);
    expect((await served('narrow')).reason).not.toBe('DISABLED');
  });

  it('applying re-checks the base: 409 CHANGE_REQUEST_STALE with a diff when the target changed since', async () => {
    const id = (await as('alice', 'PATCH', `${PROD}/flags/late`, { state: 'ENABLED' })).body.changeRequest.id;
    await as('bob', 'POST', `${P}/change-requests/${id}/approve`, {});
    // an admin changes the flag meanwhile (admins bypass the protection)
    expect((await admin('PATCH', `${PROD}/flags/late`, { defaultVariant: 'off' })).status).toBe(200);
    const show = await as('vic', 'GET', `${P}/change-requests/${id}`);
    expect(show.body.diff).toEqual([{ path: '/environments/production/defaultVariant', before: 'on', after: 'off' }]);
    const stale = await as('alice', 'POST', `${P}/change-requests/${id}/apply`);
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'CHANGE_REQUEST_STALE', diff: [{ path: '/environments/production/defaultVariant', before: 'on', after: 'off' }] });
    expect((await served('late')).reason).toBe('DISABLED');
  });

  it('is applied through the same checks as the direct write (the dormant-code guard), and stays approved when refused', async () => {
    await admin('POST', `${PROD}/deployments`, { version: '1', flags: ['checkout'] });
    const id = (await as('alice', 'PATCH', `${PROD}/flags/guarded`, { state: 'ENABLED' })).body.changeRequest.id;
    await as('bob', 'POST', `${P}/change-requests/${id}/approve`, {});
    const refused = await as('alice', 'POST', `${P}/change-requests/${id}/apply`);
    expect(refused.body.error.code).toBe('DORMANT_CODE');
    expect((await as('alice', 'GET', `${P}/change-requests/${id}`)).body.changeRequest.state).toBe('approved');
  });

  it('never holds a releaser’s safety actions (switching off), and admins bypass the protection', async () => {
    await admin('PATCH', `${PROD}/flags/checkout`, { state: 'ENABLED' });
    const off = await as('rita', 'PATCH', `${PROD}/flags/checkout`, { state: 'DISABLED' });
    expect(off.status).toBe(200);
    expect((await served('checkout')).reason).toBe('DISABLED');
    expect((await as('alice', 'PATCH', `${PROD}/flags/checkout`, { state: 'DISABLED' })).status).toBe(202);
    expect((await as('vic', 'PATCH', `${PROD}/flags/checkout`, { state: 'ENABLED' })).status).toBe(403);
    expect((await as('alice', 'PATCH', `${P}/environments/development/flags/checkout`, { state: 'ENABLED' })).status).toBe(200);
  });

  it('a scheduled change approved ahead of its time applies on time at the edge', async () => {
    const when = clock + 60 * MIN;
    const held = await as('rita', 'POST', `${PROD}/flags/timed/schedule?force=true`, { at: new Date(when).toISOString(), state: 'ENABLED' });
    expect(held.status).toBe(202);
    expect(held.body.changeRequest.expiresAt).toBe(new Date(when).toISOString());
    const id = held.body.changeRequest.id;
    expect((await as('bob', 'POST', `${P}/change-requests/${id}/approve`, {})).status).toBe(403);
    await as('ron', 'POST', `${P}/change-requests/${id}/approve`, {});
    expect((await as('rita', 'POST', `${P}/change-requests/${id}/apply`)).status).toBe(200);
    expect((await served('timed')).reason).toBe('DISABLED');
    at(when + MIN);
    expect((await served('timed')).value).toBe(true);
  });

  it('requests expire', async () => {
    const id = (await as('alice', 'PATCH', `${PROD}/flags/late`, { targeting: null })).body.changeRequest.id;
    at(clock + 8 * 24 * 60 * MIN);
    expect((await as('alice', 'GET', `${P}/change-requests/${id}`)).body.changeRequest.state).toBe('expired');
    expect((await as('bob', 'POST', `${P}/change-requests/${id}/approve`, {})).body.error).toMatchObject({ code: 'INVALID_STATE', state: 'expired' });
  });

  it('takes the number of approvals from the environment', async () => {
    expect((await admin('PATCH', PROD, { requiredApprovals: 2 })).body.requiredApprovals).toBe(2);
    const id = (await as('alice', 'PATCH', `${PROD}/flags/late`, { targeting: null })).body.changeRequest.id;
    await as('bob', 'POST', `${P}/change-requests/${id}/approve`, {});
    expect((await as('bob', 'GET', `${P}/change-requests/${id}`)).body.changeRequest.state).toBe('open');
    await as('rita', 'POST', `${P}/change-requests/${id}/approve`, {});
    expect((await as('bob', 'GET', `${P}/change-requests/${id}`)).body.changeRequest.state).toBe('approved');
    const rejected = await as('alice', 'POST', `${P}/change-requests/${id}/reject`, { comment: 'withdrawn' });
    expect(rejected.body.changeRequest).toMatchObject({ state: 'rejected', rejection: { name: 'alice', comment: 'withdrawn' } });
    await admin('PATCH', PROD, { requiredApprovals: 1 });
  });

  it('holds a release start, and one approved ahead of its start time starts on time', async () => {
    await admin('POST', `${PROD}/deployments`, { version: '2', flags: ['checkout', 'guarded', 'late', 'search', 'timed', 'banner'] });
    await admin('PATCH', `${PROD}/flags/banner`, { state: 'DISABLED' });
    const start = clock + 30 * MIN;
    const plan = { key: 'r1', name: 'R1', flags: ['banner'], plan: { steps: [{ percent: 100, holdMinutes: 10 }] }, startAt: new Date(start).toISOString() };
    const created = await as('rita', 'POST', `${PROD}/releases`, plan);
    expect(created.status).toBe(202);
    await as('ron', 'POST', `${P}/change-requests/${created.body.changeRequest.id}/approve`, {});
    expect((await as('rita', 'POST', `${P}/change-requests/${created.body.changeRequest.id}/apply`)).body.result).toMatchObject({ key: 'r1', state: 'draft' });
    const held = await as('rita', 'POST', `${PROD}/releases/r1/start`);
    expect(held.status).toBe(202);
    expect(held.body.changeRequest.expiresAt).toBe(new Date(start).toISOString());
    // pause, rollback and kill are never held for a releaser
    expect((await as('rita', 'POST', `${PROD}/releases/r1/kill`)).body.error.code).toBe('INVALID_STATE');
    await as('ron', 'POST', `${P}/change-requests/${held.body.changeRequest.id}/approve`, {});
    expect((await as('rita', 'POST', `${P}/change-requests/${held.body.changeRequest.id}/apply`)).body.result.state).toBe('scheduled');
    expect((await served('banner')).value).toBe(false);
    at(start + MIN);
    expect((await served('banner')).value).toBe(true);
    expect(env.DB).toBeDefined();
  });
});
