// Outages, one test per mode, against real local D1, KV and Durable Objects: the fault is injected by
// handing the worker wrapped bindings (as the runtime hands it its own) or by breaking the real channel
// from inside (runInDurableObject); production code exposes no seam to requests. Evaluation keeps serving
// the last good snapshot, writes fail with 503 and leave nothing behind, and once the fault is gone the
// next write publishes as usual.
//
// Modes proven elsewhere, not repeated here: the channel unreachable for reads (a cold isolate reads KV; a
// warm one keeps serving with channel and KV down; failing revalidations are retried once per period) and
// damaged snapshots in the channel and in KV, in propagation.test.ts; the rate limiter failing open for one
// key, in ofrep.test.ts.
import { createExecutionContext, env, runDurableObjectAlarm, runInDurableObject, waitOnExecutionContext } from 'cloudflare:test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Bindings } from '../../src/bindings';
import { dropLiveSnapshots, liveSnapshot, type EdgeRequest } from '../../src/edge/live-snapshots';
import { chunkUrl, envelopeUrl } from '../../src/edge/snapshot-source';
import { kvKey, type Envelope } from '../../src/snapshot/format';
import worker from '../../src/index';
import { auditCount, bootstrap, call, dbFingerprint, json } from '../helpers';

const sdkKey = await bootstrap();
const environmentId = sdkKey.split('_')[2];
const channel = env.CHANNELS.get(env.CHANNELS.idFromName(environmentId));
const FLAG = '/api/v1/projects/default/environments/development/flags/kill-switch';
await call('POST', '/api/v1/projects/default/flags', { body: { key: 'kill-switch', environments: { development: { state: 'ENABLED' } } } });

/** A request to the worker with `bindings` in place of the real ones, waiting for its background work. */
async function callWith(bindings: Bindings, method: string, path: string, init: { body?: unknown; token?: string | null } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const token = init.token === undefined ? env.CURTAIN_ADMIN_TOKEN : init.token;
  if (token) headers.authorization = `Bearer ${token}`;
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`http://curtain.test${path}`, { method, headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) }), bindings, ctx);
  const text = await res.text();
  await waitOnExecutionContext(ctx);
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}
const evaluate = (bindings: Bindings, key = sdkKey) => callWith(bindings, 'POST', '/ofrep/v1/evaluate/flags/kill-switch', { token: key, body: { context: { targetingKey: 'u1' } } });
const version = async () => (await env.DB.prepare('SELECT version FROM environments WHERE id = ?').bind(environmentId).first<{ version: number }>())!.version;
const headVersion = async () => (await channel.getHead())?.version;
const edge = (bindings: Bindings): EdgeRequest => ({ env: bindings, location: () => 'test', waitUntil: () => {} });
/** Sets kill-switch's default variant through the real bindings: the write that must work once a fault is gone. */
const setDefault = (variant: 'on' | 'off') => json(call('PATCH', FLAG, { body: { defaultVariant: variant } }));

/** Recovery: the next write commits, the channel takes its version, and OFREP serves it. */
async function expectRecovery() {
  const before = await version();
  const current = (await json(call('POST', '/ofrep/v1/evaluate/flags/kill-switch', { token: sdkKey, body: { context: {} } }))).body.value as boolean;
  const variant = current ? 'off' : 'on';
  expect((await setDefault(variant)).status).toBe(200);
  expect(await version()).toBe(before + 1);
  expect(await headVersion()).toBe(before + 1);
  expect((await evaluate(env)).body.value).toBe(!current);
}

const unreachable = (what: string) => () => Promise.reject(new Error(`${what} unreachable (simulated outage)`));
/** The channel as seen from a worker that cannot reach it: every call fails. */
const channelDown = { idFromName: env.CHANNELS.idFromName.bind(env.CHANNELS), get: () => new Proxy({}, { get: () => unreachable('channel') }) } as unknown as Bindings['CHANNELS'];
const kvDown = (real: KVNamespace, fail: { reads?: boolean; writes?: boolean }) =>
  new Proxy(real, {
    get(target, prop) {
      if (fail.reads && (prop === 'get' || prop === 'getWithMetadata' || prop === 'list')) return unreachable('KV');
      if (fail.writes && (prop === 'put' || prop === 'delete')) return unreachable('KV');
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });

/**
 * The real D1, whose write batches fail part way: a statement D1 refuses is slipped into the middle, so
 * D1 runs the first half and then rolls the whole batch back, as when a storage fault interrupts one.
 */
function d1FailingMidBatch(real: D1Database) {
  let failed = 0;
  const db = new Proxy(real, {
    get(target, prop) {
      if (prop === 'batch') {
        return (statements: (D1PreparedStatement & { statement?: string })[]) => {
          if (!statements.some((s) => /^\s*(insert|update|delete)/i.test(s.statement ?? ''))) return target.batch(statements);
          failed++;
          const half = Math.ceil(statements.length / 2);
          return target.batch([...statements.slice(0, half), target.prepare('INSERT INTO no_such_table (x) VALUES (1)'), ...statements.slice(half)]);
        };
      }
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  return { db, failed: () => failed };
}

let errors: ReturnType<typeof vi.spyOn>;
const quiet = () => (errors = vi.spyOn(console, 'error').mockImplementation(() => {}));
afterEach(() => errors?.mockRestore());

describe('D1', () => {
  it('failing in the middle of a batch: every write answers 503 SERVICE_UNAVAILABLE and leaves nothing; evaluation goes on', async () => {
    quiet();
    const served = (await evaluate(env)).body;
    const { db, failed } = d1FailingMidBatch(env.DB);
    const faulty = { ...env, DB: db };
    const writes: [string, string, unknown][] = [
      ['POST', '/api/v1/projects/default/flags', { key: 'new-flag', environments: { development: { state: 'ENABLED' } } }],
      ['PATCH', FLAG, { state: 'DISABLED' }],
      ['PATCH', '/api/v1/projects/default/flags/kill-switch', { description: 'changed' }],
      ['PUT', '/api/v1/projects/default/environments/development/flagd', { flags: { imported: { state: 'ENABLED', variants: { on: true }, defaultVariant: 'on' } } }],
      ['POST', '/api/v1/projects/default/environments/development/sdk-keys', { name: 'during the outage', kind: 'server' }],
      ['DELETE', '/api/v1/projects/default/flags/kill-switch', undefined],
    ];
    const [fingerprint, audit, v, head, kv] = [await dbFingerprint(), await auditCount(), await version(), await headVersion(), await env.SNAPSHOTS.get(kvKey(environmentId))];
    for (const [method, path, body] of writes) {
      const res = await callWith(faulty, method, path, { body });
      expect(res.status, `${method} ${path}`).toBe(503);
      expect(res.body.error.code).toBe('SERVICE_UNAVAILABLE');
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(failed()).toBe(writes.length); // each write reached its batch, which failed part way
    expect(await dbFingerprint()).toBe(fingerprint);
    expect([await auditCount(), await version(), await headVersion(), await env.SNAPSHOTS.get(kvKey(environmentId))]).toEqual([audit, v, head, kv]);
    expect((await evaluate(faulty)).body).toEqual(served);
    await expectRecovery();
  });

  it('unreachable: admin reads and writes answer 503; evaluation serves the snapshot, a cold isolate too', async () => {
    quiet();
    const down = new Proxy(env.DB, { get: (_t, prop) => (prop === 'prepare' ? () => { throw new Error('D1_ERROR: Network connection lost.'); } : unreachable('D1')) });
    const faulty = { ...env, DB: down as D1Database };
    const served = (await evaluate(env)).body;
    for (const [method, path] of [['GET', '/api/v1/projects/default/flags'], ['PATCH', FLAG]]) {
      const res = await callWith(faulty, method, path, { body: method === 'GET' ? undefined : { state: 'DISABLED' } });
      expect(res.status, `${method} ${path}`).toBe(503);
      expect(res.body.error.code).toBe('SERVICE_UNAVAILABLE');
    }
    dropLiveSnapshots();
    expect((await evaluate(faulty)).body).toEqual(served);
    await expectRecovery();
  });
});

describe('KV', () => {
  it('failing on read: with the channel down as well, a cold isolate builds its snapshot from D1', async () => {
    quiet();
    dropLiveSnapshots();
    const faulty = { ...env, CHANNELS: channelDown, SNAPSHOTS: kvDown(env.SNAPSHOTS, { reads: true }) };
    const live = (await liveSnapshot(edge(faulty), environmentId))!;
    expect(live.snapshot.version).toBe(await version());
    expect((await evaluate(faulty)).status).toBe(200);
    await expectRecovery();
  });

  it('failing on write: the channel’s copy to KV is tried again until KV takes it', async () => {
    quiet();
    await setDefault('on');
    const setKv = (kv: KVNamespace) => runInDurableObject(channel, (obj) => void ((obj as unknown as { env: Env }).env = { ...env, SNAPSHOTS: kv }));
    await setKv(kvDown(env.SNAPSHOTS, { writes: true }));
    try {
      expect(await runDurableObjectAlarm(channel)).toBe(true);
      expect((await env.SNAPSHOTS.getWithMetadata<{ version: number }>(kvKey(environmentId))).metadata?.version).not.toBe(await version());
      expect(await runInDurableObject(channel, (_obj, state) => state.storage.getAlarm())).not.toBeNull(); // tried again later
    } finally {
      await setKv(env.SNAPSHOTS);
    }
    expect(await runDurableObjectAlarm(channel)).toBe(true);
    expect((await env.SNAPSHOTS.getWithMetadata<{ version: number }>(kvKey(environmentId))).metadata?.version).toBe(await version());
    await expectRecovery();
  });
});

describe('the Durable Object', () => {
  it('unreachable: writes commit, the snapshot goes to KV, the writer serves it and cold isolates read it; then the next write publishes to it', async () => {
    quiet();
    const faulty = { ...env, CHANNELS: channelDown };
    const head = await headVersion();
    const res = await callWith(faulty, 'PATCH', FLAG, { body: { defaultVariant: 'off' } });
    expect(res.status).toBe(200);
    expect(await headVersion()).toBe(head); // the channel never heard of it
    expect((await env.SNAPSHOTS.getWithMetadata<{ version: number }>(kvKey(environmentId))).metadata?.version).toBe(await version());
    expect((await evaluate(faulty)).body.value).toBe(false); // the writing isolate adopted its own write
    dropLiveSnapshots();
    expect((await evaluate(faulty)).body.value).toBe(false); // a cold isolate, from KV
    await expectRecovery();
  });

  it('throwing: a publish the object fails to store goes to KV instead, and the object takes the next one', async () => {
    quiet();
    type Sabotaged = { store: { commit: unknown } };
    await runInDurableObject(channel, (obj) => {
      (obj as unknown as Sabotaged).store.commit = () => {
        throw new Error('SQLITE_FULL: database or disk is full (simulated)');
      };
    });
    try {
      const head = await headVersion();
      expect((await setDefault('on')).status).toBe(200);
      expect(await headVersion()).toBe(head);
      expect((await env.SNAPSHOTS.getWithMetadata<{ version: number }>(kvKey(environmentId))).metadata?.version).toBe(await version());
      expect((await evaluate(env)).body.value).toBe(true);
    } finally {
      await runInDurableObject(channel, (obj) => void delete (obj as unknown as Sabotaged).store.commit);
    }
    await expectRecovery();
  });
});

describe('damaged snapshots', () => {
  /** A write that this isolate does not adopt (a cold isolate, told of the version as a change event would tell it). */
  async function newVersionElsewhere() {
    await setDefault('off');
    dropLiveSnapshots();
    return (await channel.getHead())!.version;
  }
  const told = (v: number) => callWith(env, 'POST', `/ofrep/v1/evaluate/flags/kill-switch?flagConfigEtag=v${v}`, { token: sdkKey, body: { context: {} } });

  it('in the location cache are passed over: the envelope and a chunk are read from the channel instead', async () => {
    quiet();
    const v = await newVersionElsewhere();
    const envelope = JSON.parse((await channel.read(-1))!) as Envelope;
    const cache = await caches.open('curtain-snapshots');
    const cached = (text: string) => new Response(text, { headers: { 'cache-control': 'max-age=3600' } });
    await cache.put(envelopeUrl(environmentId, v), cached('{"format":2,"truncated'));
    await cache.put(chunkUrl(environmentId, envelope.chunks[0].id), cached('{"flags":{"kill-switch":{"state":"DISABLED"}},"clientVisible":[]}'));
    const res = await told(v);
    expect(res.status).toBe(200);
    expect(res.body.value).toBe(false);
    expect(errors.mock.calls.some((c: unknown[]) => String(c[0]).includes('failed its check') && c.includes('location'))).toBe(true);
    expect(errors.mock.calls.some((c: unknown[]) => String(c[0]).includes('damaged chunk'))).toBe(true);
    await expectRecovery();
  });

  it('with a damaged chunk in the channel: read from KV instead', async () => {
    quiet();
    const v = await newVersionElsewhere();
    await runDurableObjectAlarm(channel); // KV holds the version
    const envelope = JSON.parse((await channel.read(-1))!) as Envelope;
    await runInDurableObject(channel, (obj) => {
      const chunks = (obj as unknown as { store: { chunks: Map<string, { text: string }> } }).store.chunks;
      chunks.get(envelope.chunks[0].id)!.text = '{"flags":{},"clientVisible":[]}';
    });
    await (await caches.open('curtain-snapshots')).delete(chunkUrl(environmentId, envelope.chunks[0].id)); // content-addressed: an earlier version may have left it
    const res = await told(v);
    expect(res.body.value).toBe(false);
    expect(errors.mock.calls.some((c: unknown[]) => String(c[0]).includes('damaged chunk'))).toBe(true);
    await expectRecovery(); // the next version names a new chunk: the damaged copy is never read again
  });
});

describe('the rate limiter', () => {
  it('down: keys with a limit are admitted (fail open) and evaluated', async () => {
    quiet();
    // a limit of 1 per second: with the test's 10 limiter calls per period, every request calls the limiter
    const client = (await json(call('POST', '/api/v1/projects/default/environments/development/sdk-keys', { body: { name: 'limited', kind: 'client', rateLimit: 1 } }))).body;
    await call('PATCH', '/api/v1/projects/default/flags/kill-switch', { body: { clientVisible: true } });
    const faulty = { ...env, EVALUATION_LIMIT: { limit: unreachable('rate limiter') } } as unknown as Bindings;
    for (let i = 0; i < 30; i++) expect((await evaluate(faulty, client.secret)).status).toBe(200);
    expect(errors).toHaveBeenCalled();
  });
});
