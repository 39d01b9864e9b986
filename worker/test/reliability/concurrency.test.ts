// Concurrent editors: racing writes on one flag, one environment's rules and one release. Of racing writes one
// commits and the others are refused (409 CONFLICT, retryable; 412 with If-Match); none is lost, no invalid state is
// committed, and the audit log has one entry per accepted write whose before is the previous one's after.
import { beforeAll, describe, expect, it } from 'vitest';
import { env } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { auditInsert } from '../../src/store/audit';
import { openDb } from '../../src/store/db';
import { environments } from '../../src/store/schema';
import { commitWrite, envVersionIs, guardStatement } from '../../src/store/write-conditions';
import { bootstrap, call, dbFingerprint, json, ofrep } from '../helpers';
import { admin, createFlag, ENV } from '../release-helpers';

const N = 10;
const PROJECT = '/api/v1/projects/default';
let sdkKey: string;

beforeAll(async () => {
  sdkKey = await bootstrap();
});

type Res = { status: number; body: any };

/** Every answer is an accepted write or a clean refusal with the right code; answers the accepted ones. */
function accepted(results: Res[]) {
  for (const r of results) {
    if (r.status === 200) continue;
    expect([409, 412], JSON.stringify(r.body)).toContain(r.status);
    if (r.status === 409) expect(r.body.error).toMatchObject({ code: 'CONFLICT', retryable: true });
    else expect(r.body.error.code).toBe('PRECONDITION_FAILED');
  }
  const ok = results.filter((r) => r.status === 200);
  expect(ok.length).toBeGreaterThan(0);
  return ok;
}

/**
 * A flag as its audit entries record it: the API's view without each environment's release (which moves with time),
 * its usage and whether it is stale (measured, not versioned).
 */
const definitionOf = ({ stale: _s, ...view }: any) => ({ ...view, environments: Object.fromEntries(Object.entries(view.environments).map(([k, { release: _r, usage: _u, ...env }]: [string, any]) => [k, env])) });

/** A release as its audit entries record it: the view without its measures (exposures, the watch's findings). */
const releaseOf = ({ exposures: _e, pausedReason: _r, pausedMessage: _m, ...view }: any) => ({ ...view, guardrails: view.guardrails.map(({ decision: _d, ...g }: any) => g) });

/** The audit entries of the resources with one of `actions`, written after entry `since`, oldest first. */
async function entriesSince(since: number, resources: string | string[], actions: string[]) {
  const all = (await admin('GET', `${PROJECT}/audit?limit=500`)).body.entries as any[];
  return all.filter((e) => e.id > since && [resources].flat().includes(e.resource) && actions.includes(e.action)).reverse();
}
const lastAuditId = async () => ((await admin('GET', `${PROJECT}/audit?limit=1`)).body.entries[0]?.id ?? 0) as number;

/** Each entry starts from what the previous one left, and the last one left the current state. */
function expectChain(entries: any[], first: unknown, current: unknown) {
  let state = first;
  for (const e of entries) {
    expect(e.before).toEqual(state);
    state = e.after;
  }
  expect(state).toEqual(current);
}

/** A flag's config in development, as flag.configure entries record it (without pending scheduled changes). */
const configOf = (flag: any) => {
  const { schedule: _pending, ...config } = flag.environments.development;
  return config;
};

describe('one flag', () => {
  it('two racing PATCHes (state and default variant): neither is lost, one may be refused', async () => {
    await createFlag('race-pair', { variants: { a: 'A', b: 'B', c: 'C' } });
    for (let round = 0; round < 4; round++) {
      const path = `${ENV}/flags/race-pair`;
      const [on, def] = await Promise.all([admin('PATCH', path, { state: round % 2 ? 'DISABLED' : 'ENABLED' }), admin('PATCH', path, { defaultVariant: round % 2 ? 'c' : 'b' })]);
      accepted([on, def]);
      const now = configOf((await admin('GET', `${PROJECT}/flags/race-pair`)).body);
      if (on.status === 200) expect(now.state).toBe(round % 2 ? 'DISABLED' : 'ENABLED');
      if (def.status === 200) expect(now.defaultVariant).toBe(round % 2 ? 'c' : 'b');
    }
  });

  it('a PATCH of the variants racing a PATCH of the default variant never commits a missing default', async () => {
    for (let round = 0; round < 4; round++) {
      const key = `race-variants-${round}`;
      await createFlag(key, { variants: { a: 'A', b: 'B', c: 'C' }, environments: { development: { state: 'ENABLED', defaultVariant: 'a' } } });
      const [variants, def] = await Promise.all([admin('PATCH', `${PROJECT}/flags/${key}`, { variants: { a: 'A', b: 'B' } }), admin('PATCH', `${ENV}/flags/${key}`, { defaultVariant: 'c' })]);
      expect(variants.status === 200 && def.status === 200).toBe(false);
      const flag = (await admin('GET', `${PROJECT}/flags/${key}`)).body;
      expect(Object.keys(flag.variants)).toContain(flag.environments.development.defaultVariant);
      const served = await json(ofrep(sdkKey, key));
      expect(served.status).toBe(200);
      expect(served.body.value).toBe(flag.variants[flag.environments.development.defaultVariant]);
    }
    // and the project still takes writes
    expect((await admin('PATCH', `${ENV}/flags/race-variants-0`, { state: 'DISABLED' })).status).toBe(200);
  });

  it(`${N} concurrent writers, half with If-Match: every accepted write is in the final state and the audit log`, async (ctx) => {
    await createFlag('busy', { variants: { a: 'A', b: 'B', c: 'C' } });
    const initial = await admin('GET', `${PROJECT}/flags/busy`);
    const etag = initial.headers.get('etag')!;
    const since = await lastAuditId();
    const writes = Array.from({ length: N }, (_, i) => {
      const headers = i % 2 ? { 'if-match': etag } : undefined;
      const path = i % 3 === 0 ? `${PROJECT}/flags/busy` : `${ENV}/flags/busy`;
      const body = i % 3 === 0 ? { description: `writer ${i}` } : { targeting: { if: [{ '==': [{ var: 'n' }, i] }, 'b', null] }, defaultVariant: ['a', 'b', 'c'][i % 3] };
      return json(call('PATCH', path, { body, headers }));
    });
    const results = await Promise.all(writes);
    const ok = accepted(results);
    // writers that named the first version: at most one of them can have been accepted, the others got 412 or 409
    expect(results.filter((r, i) => i % 2 === 1 && r.status === 200).length).toBeLessThanOrEqual(1);
    const final = await admin('GET', `${PROJECT}/flags/busy`);
    const entries = await entriesSince(since, ['projects/default/flags/busy', 'projects/default/environments/development/flags/busy'], ['flag.update', 'flag.configure']);
    ctx.task.meta.reliability = { kind: 'concurrency', writes: N, accepted: ok.length, lost: Math.abs(entries.length - ok.length) };
    expect(entries.length).toBe(ok.length);
    // one history: each entry starts from the flag as the previous one left it, and the last one left it as it is
    let flag = definitionOf(initial.body);
    for (const e of entries) {
      if (e.action === 'flag.update') {
        expect(e.before).toEqual(flag);
        flag = e.after;
      } else {
        expect(e.before).toEqual(configOf(flag));
        flag = { ...flag, environments: { ...flag.environments, development: e.after } };
      }
    }
    expect(flag).toEqual(definitionOf(final.body));
    expect(final.headers.get('etag')).not.toBe(etag);
    expect((await json(ofrep(sdkKey, 'busy', { targetingKey: 'u', n: 4 }))).status).toBe(200);
  });
});

describe("one environment's rules", () => {
  it(`${N} concurrent PATCHes of segments and name: one chain of accepted writes, nothing lost`, async (ctx) => {
    const initial = await admin('GET', ENV);
    const since = await lastAuditId();
    const results = await Promise.all(
      Array.from({ length: N }, (_, i) => admin('PATCH', ENV, i % 4 === 3 ? { name: `Development ${i}` } : { segments: { [`s${i}`]: { in: [{ var: 'plan' }, [`p${i}`]] } } })),
    );
    const ok = accepted(results);
    const entries = await entriesSince(since, 'projects/default/environments/development', ['environment.update']);
    ctx.task.meta.reliability = { kind: 'concurrency', writes: N, accepted: ok.length, lost: Math.abs(entries.length - ok.length) };
    expect(entries.length).toBe(ok.length);
    const final = await admin('GET', ENV);
    expectChain(entries, initial.body, final.body);
    expect((await json(ofrep(sdkKey, null))).status).toBe(200);
  });
});

describe('one release', () => {
  it(`${N} concurrent starts: exactly one starts, once in the audit log, and the flag is switched on once`, async () => {
    await createFlag('rel-flag');
    expect((await admin('POST', `${ENV}/releases`, { key: 'rel', name: 'Rel', flags: ['rel-flag'], plan: { steps: [{ percent: 50, holdMinutes: 60 }] } })).status).toBe(201);
    const since = await lastAuditId();
    const results = await Promise.all(Array.from({ length: N }, () => admin('POST', `${ENV}/releases/rel/start`)));
    expect(results.filter((r) => r.status === 200).length).toBe(1);
    for (const r of results.filter((r) => r.status !== 200)) expect(['CONFLICT', 'INVALID_STATE']).toContain(r.body.error.code);
    expect((await entriesSince(since, 'projects/default/environments/development/releases/rel', ['release.start'])).length).toBe(1);
    expect((await entriesSince(since, 'projects/default/environments/development/flags/rel-flag', ['flag.configure'])).length).toBe(1);
    expect((await json(ofrep(sdkKey, 'rel-flag'))).status).toBe(200);
  });

  it('two releases of the same flag started at once: one runs, the other is refused', async () => {
    await createFlag('twin-flag');
    for (const key of ['twin-a', 'twin-b']) await admin('POST', `${ENV}/releases`, { key, name: key, flags: ['twin-flag'], plan: { steps: [{ percent: 50, holdMinutes: 60 }] } });
    const [a, b] = await Promise.all([admin('POST', `${ENV}/releases/twin-a/start`), admin('POST', `${ENV}/releases/twin-b/start`)]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
  });

  it(`${N} concurrent edits of a draft: the audit log accounts for each accepted one`, async (ctx) => {
    await admin('POST', `${ENV}/releases`, { key: 'draft', name: 'Draft', flags: ['rel-flag'], plan: { steps: [{ percent: 10, holdMinutes: 5 }] } });
    const initial = await admin('GET', `${ENV}/releases/draft`);
    const since = await lastAuditId();
    const results = await Promise.all(Array.from({ length: N }, (_, i) => admin('PATCH', `${ENV}/releases/draft`, i % 2 ? { name: `Draft ${i}` } : { notes: `notes ${i}` })));
    const ok = accepted(results);
    const entries = await entriesSince(since, 'projects/default/environments/development/releases/draft', ['release.update']);
    ctx.task.meta.reliability = { kind: 'concurrency', writes: N, accepted: ok.length, lost: Math.abs(entries.length - ok.length) };
    expect(entries.length).toBe(ok.length);
    expectChain(entries, releaseOf(initial.body), releaseOf((await admin('GET', `${ENV}/releases/draft`)).body));
  });
});

describe('the version condition in D1', () => {
  it('a failed condition rolls the whole batch back, statements before it included; one that holds commits', async () => {
    const db = openDb(env.DB);
    const [dev] = await db.select().from(environments).where(eq(environments.key, 'development'));
    const before = await dbFingerprint();
    const stale = envVersionIs({ id: dev.id, version: dev.version - 1 });
    const rename = db.update(environments).set({ name: 'gone' }).where(eq(environments.id, dev.id));
    const entry = auditInsert(db, { actor: { id: 't', name: 't' }, action: 'test', projectId: dev.projectId, resource: 'x' }, Date.now());
    await expect(db.batch([rename, entry, guardStatement(db, [stale])])).rejects.toThrow(/stale_write/);
    expect(await dbFingerprint()).toBe(before);
    await expect(commitWrite(db, 'The test', [envVersionIs(dev), stale], [rename])).rejects.toMatchObject({ code: 'CONFLICT', status: 409, details: { retryable: true } });
    expect(await dbFingerprint()).toBe(before);
    await commitWrite(db, 'The test', [envVersionIs(dev)], [db.update(environments).set({ name: 'kept' }).where(eq(environments.id, dev.id))]);
    expect((await db.select().from(environments).where(eq(environments.id, dev.id)))[0].name).toBe('kept');
  });
});
