// An environment of 20,000 flags end to end: imported in one PUT, published to its channel in chunks that
// stay under the platform's limits (2 MB per Durable Object row, 32 MiB per RPC call, 25 MiB per KV value),
// evaluated over OFREP from memory, from the channel and from KV, and changed one flag at a time.
import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { Bindings } from '../src/bindings';
import { dropLiveSnapshots, liveSnapshot, type EdgeRequest } from '../src/edge/live-snapshots';
import { joinSnapshot, pieces, splitSnapshot } from '../src/snapshot/chunks';
import { kvChunkKey, kvKey, type Envelope, type Snapshot } from '../src/snapshot/format';
import { copyToKv, KV_CHUNK_GRACE_MS } from '../src/snapshot/kv-copy';
import { publishSnapshot } from '../src/snapshot/publish';
import { openDb } from '../src/store/db';
import { buildSnapshot } from '../src/store/snapshots';
import { bootstrap, call, json, ofrep } from './helpers';

const FLAGS = 20_000;
const sdkKey = await bootstrap();
const environmentId = sdkKey.split('_')[2];
const channel = env.CHANNELS.get(env.CHANNELS.idFromName(environmentId));
const edge = (bindings: Bindings = env): EdgeRequest & { pending: Promise<unknown>[] } => {
  const pending: Promise<unknown>[] = [];
  return { env: bindings, location: () => 'test', waitUntil: (p) => pending.push(p), pending };
};
const version = async () => (await env.DB.prepare('SELECT version FROM environments WHERE id = ?').bind(environmentId).first<{ version: number }>())!.version;
const failing = () => {
  throw new Error('unreachable (simulated outage)');
};

const flagKey = (i: number) => `flag-${String(i).padStart(5, '0')}`;
/** Flags of a typical production shape (about 400 bytes each): an attribute rule, an email rule, a rollout. */
const flagd = {
  flags: Object.fromEntries(
    Array.from({ length: FLAGS }, (_, i) => [
      flagKey(i),
      {
        state: 'ENABLED',
        variants: { on: true, off: false },
        defaultVariant: 'off',
        targeting: {
          if: [
            { and: [{ in: [{ var: 'country' }, ['DE', 'FR', ['US', 'CA', 'GB'][i % 3]]] }, { '==': [{ var: 'plan' }, 'pro'] }] },
            'on',
            { ends_with: [{ var: 'email' }, `@example${i % 30}.com`] },
            'on',
            { fractional: [{ cat: [{ var: '$flagd.flagKey' }, { var: 'targetingKey' }] }, ['on', 10], ['off', 90]] },
          ],
        },
      },
    ]),
  ),
};
const benchContext = { targetingKey: 'user-4711', email: 'user4711@example17.com', country: 'DE', plan: 'pro' };
const last = flagKey(FLAGS - 1);
/** What the engine must answer for the last flag with that context: its first rule matches. */
const expected = { key: last, reason: 'TARGETING_MATCH', variant: 'on', value: true };

describe(`an environment of ${FLAGS.toLocaleString('en')} flags`, () => {
  it('is imported in one PUT and published to its channel, in rows under 2 MB', async () => {
    const body = JSON.stringify(flagd);
    expect(body.length).toBeGreaterThan(4 * 2 ** 20); // twice a Durable Object value's limit, and more
    const res = await json(call('PUT', '/api/v1/projects/default/environments/development/flagd', { rawBody: body }));
    expect(res.status).toBe(200);
    expect(res.body.report.created).toHaveLength(FLAGS);
    expect((await channel.getHead())?.version).toBe(await version());
    const rows = await runInDurableObject(channel, (_obj, state) => state.storage.sql.exec<{ name: string; bytes: number }>('SELECT name, length(CAST(body AS BLOB)) AS bytes FROM channel_parts').toArray());
    expect(new Set(rows.map((r) => r.name)).size).toBeGreaterThan(3); // the envelope and its chunks
    expect(Math.max(...rows.map((r) => r.bytes))).toBeLessThan(2_000_000);
    // its audit entry fits a D1 row too (2 MB): the report and the documents' digests, not 7 MB of documents
    const audit = await env.DB.prepare("SELECT length(CAST(before AS BLOB)) + length(CAST(after AS BLOB)) AS bytes, after FROM audit_log WHERE action = 'environment.import'").first<{ bytes: number; after: string }>();
    expect(audit!.bytes).toBeLessThan(2_000_000);
    expect(JSON.parse(audit!.after)).toMatchObject({ whole: false, flags: FLAGS, documentSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
  }, 120_000); // the import's D1 batch of 40,000 statements takes most of it (8–20 s on a shared 2-core machine)

  it('is evaluated over OFREP, one flag and all of them', async () => {
    expect((await json(ofrep(sdkKey, last, benchContext))).body).toMatchObject(expected);
    const bulk = await json(ofrep(sdkKey, null, benchContext));
    expect(bulk.status).toBe(200);
    expect(bulk.body.flags).toHaveLength(FLAGS);
    expect(bulk.body.flags.find((f: { key: string }) => f.key === last)).toMatchObject(expected);
  });

  it('a cold isolate loads it from the channel, chunk by chunk', async () => {
    dropLiveSnapshots();
    const res = await json(ofrep(sdkKey, last, benchContext));
    expect(res.body).toMatchObject(expected);
  });

  it('a cold isolate loads it from KV when the channel is unreachable', async () => {
    await runDurableObjectAlarm(channel); // the channel's copy to KV
    const envelope = await env.SNAPSHOTS.getWithMetadata<{ version: number }>(kvKey(environmentId));
    expect(envelope.metadata?.version).toBe(await version());
    const chunkKeys = (await env.SNAPSHOTS.list({ prefix: `${kvKey(environmentId)}:chunk:` })).keys;
    expect(chunkKeys.length).toBeGreaterThan(2);
    dropLiveSnapshots();
    const down = { idFromName: env.CHANNELS.idFromName.bind(env.CHANNELS), get: () => ({ getHead: failing, read: failing, readChunks: failing, reportApplied: failing, publish: failing }) };
    const live = (await liveSnapshot(edge({ ...env, CHANNELS: down as never }), environmentId))!;
    expect(live.snapshot.version).toBe(await version());
    expect(Object.keys(live.snapshot.document.flags)).toHaveLength(FLAGS);
  });

  it('a change to one flag propagates, and an isolate holding the previous version parses only the chunk that changed', async () => {
    dropLiveSnapshots();
    const before = (await liveSnapshot(edge(), environmentId))!;
    // another isolate's write: D1, then the channel; this isolate is not told
    const flagId = (await env.DB.prepare('SELECT id FROM flags WHERE key = ?').bind(last).first<{ id: string }>())!.id;
    await env.DB.prepare("UPDATE flag_configs SET state = 'DISABLED' WHERE flag_id = ? AND environment_id = ?").bind(flagId, environmentId).run();
    await env.DB.prepare('UPDATE environments SET version = version + 1 WHERE id = ?').bind(environmentId).run();
    const next = (await buildSnapshot(openDb(env.DB), environmentId))!;
    expect((await publishSnapshot(env, next)).published).toBe(true);
    expect((await channel.getHead())?.version).toBe(next.version);

    // told of the version (as a change event tells OFREP providers), past the 200 ms between such checks
    const after = (await liveSnapshot(edge(), environmentId, Date.now() + 250, next.version))!;
    expect(after.snapshot.version).toBe(next.version);
    const reused = [...after.chunks].filter(([id, chunk]) => before.chunks.get(id) === chunk).length;
    expect(after.chunks.size).toBeGreaterThan(2);
    expect(reused).toBeGreaterThanOrEqual(after.chunks.size - 2);
    expect((await json(ofrep(sdkKey, last, benchContext))).body).toMatchObject({ key: last, reason: 'DISABLED' });
  });
});

describe('snapshot chunks', () => {
  const snapshotOf = (flags: Record<string, unknown>, clientVisible: string[]): Snapshot =>
    ({ format: 1, projectId: 'p', environmentId: 'e', environmentKey: 'development', version: 7, builtAt: 1, document: { flags, metadata: { team: 'a' } }, clientVisible, sdkKeys: {} }) as Snapshot;

  it('join back to the snapshot they were split from, in order, with keys such as __proto__ kept as flags', async () => {
    const flags = JSON.parse('{"b":{"state":"ENABLED","variants":{"on":true}},"__proto__":{"state":"DISABLED","variants":{"x":"😀"}},"constructor":{"state":"ENABLED","variants":{"a":1}}}');
    const original = snapshotOf(flags, ['b', 'constructor']);
    const split = await splitSnapshot(original);
    const envelope = JSON.parse(split.envelope) as Envelope;
    const joined = joinSnapshot(envelope, split.ids.map((id) => JSON.parse(split.texts.get(id)!)));
    expect(joined).toEqual(original);
    expect(Object.keys(joined.document.flags)).toEqual(['b', '__proto__', 'constructor']);
    expect(Object.getPrototypeOf(joined.document.flags)).toBe(Object.prototype);
  });

  it('of a large environment are few (about 12 at most) and bounded in size, and one edited flag changes at most two of them', async () => {
    const before = await splitSnapshot(snapshotOf(flagd.flags, []));
    const sizes = before.ids.map((id) => before.texts.get(id)!.length);
    expect(before.ids.length).toBeGreaterThan(2);
    expect(before.ids.length).toBeLessThanOrEqual(20);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(4 * 2 ** 20 + 1024); // four times the average (1 MiB here)
    const edited = { ...flagd.flags, [flagKey(12_345)]: { ...flagd.flags[flagKey(12_345)], state: 'DISABLED' } };
    const after = await splitSnapshot(snapshotOf(edited, []));
    const changed = after.ids.filter((id) => !before.texts.has(id));
    expect(changed.length).toBeGreaterThanOrEqual(1);
    expect(changed.length).toBeLessThanOrEqual(2);
  });

  it('in KV are written once, and deleted once no envelope has named them for the grace period', async () => {
    const gc = env.CHANNELS.get(env.CHANNELS.idFromName('kv-chunk-gc'));
    const texts: Record<string, string> = { a: 'A', b: 'B', c: 'C' };
    const copy = (version: number, ids: string[], now: number) =>
      runInDurableObject(gc, (_obj, state) => copyToKv(env.SNAPSHOTS, state.storage.sql, { environmentId: 'gc', version, envelope: `{"v":${version}}`, ids, textOf: (id) => texts[id] }, now));
    const present = async () => (await Promise.all(['a', 'b', 'c'].map(async (id) => ((await env.SNAPSHOTS.get(kvChunkKey('gc', id))) !== null ? id : '')))).join('');
    const t0 = 1_000_000;
    expect(await copy(1, ['a', 'b'], t0)).toBeNull();
    expect(await copy(2, ['b', 'c'], t0 + 1000)).toBe(t0 + 1000 + KV_CHUNK_GRACE_MS); // a: dropped, kept for readers of version 1
    expect(await present()).toBe('abc');
    expect(await copy(2, ['b', 'c'], t0 + 1000 + KV_CHUNK_GRACE_MS)).toBeNull();
    expect(await present()).toBe('bc');
    expect(await env.SNAPSHOTS.get(kvKey('gc'))).toBe('{"v":2}');
  });

  it('are stored in pieces that never split a surrogate pair', () => {
    const text = 'a😀b😀😀c';
    for (const max of [1, 2, 3, 4]) {
      const parts = pieces(text, max);
      expect(parts.join('')).toBe(text);
      for (const p of parts) expect(p.length === 0 || !/[\uD800-\uDBFF]$/.test(p)).toBe(true);
    }
  });
});
