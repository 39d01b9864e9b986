// Propagation: a change is visible after a write, evaluation survives channel and KV outages, the
// change stream pushes events, and the API tells how many isolates serve the newest version.
import { env, listDurableObjectIds, runInDurableObject, SELF } from 'cloudflare:test';
import { describe, expect, it, vi } from 'vitest';
import type { Bindings } from '../src/bindings';
import { adoptSnapshot, dropLiveSnapshots, liveSnapshot, SnapshotUnavailable, MAX_STALE_MS, REVALIDATE_MS, type EdgeRequest } from '../src/edge/live-snapshots';
import { forgetUnknownEnvironments, UNKNOWN_ENVIRONMENT_TTL_MS } from '../src/edge/known-environments';
import { kvKey } from '../src/snapshot/format';
import { buildSnapshot } from '../src/store/snapshots';
import { openDb } from '../src/store/db';
import { evaluateFlag } from '../src/engine';
import { bootstrap, call, json, ofrep } from './helpers';

const sdkKey = await bootstrap();
const environmentId = sdkKey.split('_')[2];
await call('POST', '/api/v1/projects/default/flags', { body: { key: 'kill-switch', environments: { development: { state: 'ENABLED' } } } });

const failing = () => {
  throw new Error('unreachable (simulated outage)');
};
/** Bindings whose channel (and optionally KV) cannot be reached, as in an outage; D1 and KV stay real. */
function outage(opts: { kv?: boolean }): Bindings {
  const down = { idFromName: env.CHANNELS.idFromName.bind(env.CHANNELS), get: () => ({ getHead: failing, read: failing, reportApplied: failing, publish: failing }) };
  const kvDown = { get: failing, put: failing, getWithMetadata: failing };
  return { ...env, CHANNELS: down as never, ...(opts.kv ? { SNAPSHOTS: kvDown as never } : {}) };
}
const edge = (bindings: Bindings): EdgeRequest & { pending: Promise<unknown>[] } => {
  const pending: Promise<unknown>[] = [];
  return { env: bindings, location: () => 'test', waitUntil: (p) => pending.push(p), pending };
};

/**
 * Commits a change the way another isolate's write would (D1, then the channel), without telling this
 * isolate: `sql` (bound to the environment id) changes the data, then the version grows.
 */
async function commitElsewhere(sql?: string) {
  if (sql) await env.DB.prepare(sql).bind(environmentId).run();
  await env.DB.prepare('UPDATE environments SET version = version + 1 WHERE id = ?').bind(environmentId).run();
  const next = (await buildSnapshot(openDb(env.DB), environmentId))!;
  await env.CHANNELS.get(env.CHANNELS.idFromName(environmentId)).publish(JSON.stringify(next), next.version, next.builtAt);
  return next;
}

describe('after a write', () => {
  it('the new value is served at once by OFREP', async () => {
    expect((await json(ofrep(sdkKey, 'kill-switch'))).body.value).toBe(true);
    await call('PATCH', '/api/v1/projects/default/environments/development/flags/kill-switch', { body: { defaultVariant: 'off' } });
    expect((await json(ofrep(sdkKey, 'kill-switch'))).body.value).toBe(false);
  });

  it('an isolate holding an older version applies the new one at its next revalidation', async () => {
    dropLiveSnapshots();
    const req = edge(env);
    const t0 = Date.now();
    const before = (await liveSnapshot(req, environmentId, t0))!;
    await commitElsewhere("UPDATE flag_configs SET state = 'DISABLED' WHERE flag_id = (SELECT id FROM flags WHERE key = 'kill-switch') AND environment_id = ?");

    expect(await liveSnapshot(req, environmentId, t0 + REVALIDATE_MS - 1)).toBe(before); // still within its revalidation period
    await new Promise((r) => setTimeout(r, 1100)); // the location's cached head lives 1 s
    const later = (await liveSnapshot(req, environmentId, t0 + MAX_STALE_MS + 1))!;
    expect(later.snapshot.version).toBe(before.snapshot.version + 1);
    expect(later.snapshot.document.flags['kill-switch'].state).toBe('DISABLED');
    expect(evaluateFlag(later.compiled, 'kill-switch', { targetingKey: 'u' }, { now: Date.now() }).reason).toBe('DISABLED');
  });
});

describe('racing updates in one isolate', () => {
  it('a revalidation that finishes after this isolate adopted its own newer write does not go back', async () => {
    dropLiveSnapshots();
    const req = edge(env);
    const t0 = Date.now();
    await liveSnapshot(req, environmentId, t0);
    const published = await commitElsewhere(); // the channel now holds version N
    const own = { ...published, version: published.version + 1 }; // this isolate's write, N + 1
    const revalidation = liveSnapshot(req, environmentId, t0 + 300, published.version); // told of N: fetches it
    await adoptSnapshot(own);
    expect((await revalidation)!.snapshot.version).toBe(own.version);
    expect((await liveSnapshot(req, environmentId))!.snapshot.version).toBe(own.version);
  });
});

describe('a client told of a new version by the change stream', () => {
  it('gets it at once when it names the version (flagConfigEtag), even within the revalidation period', async () => {
    dropLiveSnapshots();
    const req = edge(env);
    const t0 = Date.now();
    const before = (await liveSnapshot(req, environmentId, t0))!;
    const next = await commitElsewhere();

    expect(await liveSnapshot(req, environmentId, t0 + 300)).toBe(before);
    const told = (await liveSnapshot(req, environmentId, t0 + 300, next.version))!;
    expect(told.snapshot.version).toBe(next.version);
  });
});

describe('bulk ETags', () => {
  it('are a function of the answer alone: an isolate that compiled the snapshot afresh gives the same one', async () => {
    const context = { targetingKey: 'etag-user', plan: 'pro' };
    const first = (await ofrep(sdkKey, null, context)).headers.get('etag');
    dropLiveSnapshots(); // new compiled flags, new result objects, nothing memoized
    const second = (await ofrep(sdkKey, null, context)).headers.get('etag');
    expect(first).toMatch(/^"[0-9a-f]{16}-[0-9a-z]+"$/);
    expect(second).toBe(first);
  });
});

describe('outages', () => {
  it('with the channel unreachable, a cold isolate evaluates from the KV copy', async () => {
    const snapshot = (await liveSnapshot(edge(env), environmentId))!.snapshot;
    await env.SNAPSHOTS.put(kvKey(environmentId), JSON.stringify(snapshot));
    dropLiveSnapshots();
    const live = await liveSnapshot(edge(outage({})), environmentId);
    expect(live!.snapshot.version).toBe(snapshot.version);
  });

  it('with the channel and KV unreachable, an isolate keeps serving the snapshot in memory', async () => {
    dropLiveSnapshots();
    const t0 = Date.now();
    const warm = await liveSnapshot(edge(env), environmentId, t0);
    const req = edge(outage({ kv: true }));
    for (const dt of [REVALIDATE_MS + 1, MAX_STALE_MS + 1, 60_000]) {
      const live = await liveSnapshot(req, environmentId, t0 + dt);
      await Promise.all(req.pending);
      expect(live).toBe(warm);
    }
  });

  it('with nothing reachable and nothing in memory, a cold isolate reports the outage instead of guessing', async () => {
    const production = (await json(call('GET', '/api/v1/projects/default/environments'))).body.environments[2];
    expect(production.key).toBe('production'); // never evaluated in this file: in no cache
    const dbDown = { prepare: failing, batch: failing } as never;
    await expect(liveSnapshot(edge({ ...outage({ kv: true }), DB: dbDown }), production.id)).rejects.toThrow(SnapshotUnavailable);
  });
});

describe('the change stream', () => {
  it('pushes an OFREP refetchEvaluation event when the environment changes', async () => {
    const bulk = await json(ofrep(sdkKey, null, {}));
    const uri: string = bulk.body.eventStreams[0].endpoint.requestUri;
    const res = await call('GET', uri, { token: null });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    const readUntil = async (pattern: RegExp) => {
      while (!pattern.test(text)) {
        const { value, done } = await reader.read();
        if (done) break;
        text += value;
      }
      return pattern.exec(text);
    };
    await readUntil(/: connected/);
    expect(text).not.toContain('data:'); // an OFREP stream replays nothing to a client without Last-Event-ID
    const { body: flag } = await json(call('PATCH', '/api/v1/projects/default/environments/development/flags/kill-switch', { body: { state: 'ENABLED' } }));
    expect(flag.environments.development.state).toBe('ENABLED');
    const version = (await json(call('GET', '/api/v1/projects/default/environments'))).body.environments[0].version;
    const match = await readUntil(new RegExp(`id: ${version}\\nevent: message\\ndata: (.*)\\n`));
    expect(JSON.parse(match![1])).toMatchObject({ type: 'refetchEvaluation', etag: `"v${version}"` });
    await reader.cancel();
  });

  it('replays the current version to a client reconnecting with an older Last-Event-ID', async () => {
    const uri: string = (await json(ofrep(sdkKey, null, {}))).body.eventStreams[0].endpoint.requestUri;
    const res = await call('GET', uri, { token: null, headers: { 'last-event-id': '1' } });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while (!text.includes('refetchEvaluation')) text += (await reader.read()).value ?? '';
    expect(text).toMatch(/id: \d+\nevent: message\ndata: \{"type":"refetchEvaluation"/);
    await reader.cancel();
  });

  it('closes the stream of a key when the key is revoked', async () => {
    const key = (await json(call('POST', '/api/v1/projects/default/environments/development/sdk-keys', { body: { name: 'tmp', kind: 'client' } }))).body;
    const uri: string = (await json(ofrep(key.secret, null, {}))).body.eventStreams[0].endpoint.requestUri;
    const res = await call('GET', uri, { token: null });
    const reader = res.body!.getReader();
    await reader.read(); // connected
    await call('DELETE', `/api/v1/projects/default/environments/development/sdk-keys/${key.id}`);
    let done = false;
    for (let i = 0; i < 10 && !done; i++) done = (await reader.read()).done;
    expect(done).toBe(true);
    expect((await call('GET', uri, { token: null })).status).toBe(401);
  });

  it('refuses a stream URL with a wrong token', async () => {
    const res = await call('GET', `/ofrep/v1/events?environment=${environmentId}&key=${sdkKey.split('_')[3]}&token=${'0'.repeat(32)}`, { token: null });
    expect(res.status).toBe(401);
  });
});

describe('propagation status', () => {
  it('reports the newest version and the isolates that applied it', async () => {
    await call('PATCH', '/api/v1/projects/default/environments/development/flags/kill-switch', { body: { defaultVariant: 'on' } });
    dropLiveSnapshots();
    await ofrep(sdkKey, 'kill-switch'); // a cold isolate applies the newest version and reports it
    let status: any;
    for (let i = 0; i < 50; i++) {
      status = (await json(call('GET', '/api/v1/projects/default/environments/development/propagation'))).body;
      if (status.applied.isolates > 0 && status.lastAppliedAt) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const envs = (await json(call('GET', '/api/v1/projects/default/environments'))).body.environments;
    expect(status.version).toBe(envs[0].version);
    expect(status.applied.isolates).toBeGreaterThanOrEqual(1);
    expect(status.locations[0]).toMatchObject({ location: 'local' });
    expect(Date.parse(status.lastAppliedAt)).toBeGreaterThanOrEqual(Date.parse(status.publishedAt));
  });
});

describe('damaged snapshots', () => {
  /** Publishes `damage(snapshot)` to the channel as the next version, the way a faulty writer would. */
  async function publishDamaged(damage: (s: Record<string, unknown>) => unknown) {
    const good = (await buildSnapshot(openDb(env.DB), environmentId))!;
    const version = good.version + 100;
    await env.CHANNELS.get(env.CHANNELS.idFromName(environmentId)).publish(JSON.stringify(damage({ ...good, version })), version, Date.now());
    return version;
  }
  /** A good snapshot newer than the damaged one, so that the tests after these start clean. */
  async function heal(past: number) {
    await env.DB.prepare('UPDATE environments SET version = ? WHERE id = ?').bind(past, environmentId).run();
    await commitElsewhere();
  }
  /**
   * OFREP for kill-switch, telling the isolate of `version` as a change event would: it revalidates at once,
   * past the location's cached head (1 s) and the isolate's minimum interval between such checks (200 ms).
   */
  const told = async (version: number) => {
    await new Promise((r) => setTimeout(r, 1100));
    return json(call('POST', `/ofrep/v1/evaluate/flags/kill-switch?flagConfigEtag=v${version}`, { token: sdkKey, body: { context: { targetingKey: 'u1' } } }));
  };
  const logged = (errors: { mock: { calls: unknown[][] } }, what: string) => errors.mock.calls.some((c) => String(c[0]).includes('failed its check') && c.includes(what));

  it('are never adopted: a warm isolate goes on serving the last good one and logs the fault', async () => {
    dropLiveSnapshots();
    const warm = await json(ofrep(sdkKey, 'kill-switch'));
    expect(warm.status).toBe(200);
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      // no SDK keys: adopted, it would fail every request with a 500
      const version = await publishDamaged(({ sdkKeys: _keys, ...rest }) => rest);
      const after = await told(version);
      expect(after.status).toBe(200);
      expect(after.body).toEqual(warm.body);
      expect(logged(errors, 'no SDK keys')).toBe(true);
      await heal(version);
    } finally {
      errors.mockRestore();
    }
  });

  it('are never adopted: a cold isolate builds its snapshot from D1 instead of failing', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const version = await publishDamaged((s) => ({ ...s, document: 'not a flags document' }));
      await env.SNAPSHOTS.put(kvKey(environmentId), '{"truncated": ');
      dropLiveSnapshots();
      const res = await told(version);
      expect(res.status).toBe(200);
      expect(res.body.key).toBe('kill-switch');
      expect(logged(errors, 'no flags document')).toBe(true);
      await heal(version);
    } finally {
      errors.mockRestore();
    }
  });

  it('from another environment are refused', async () => {
    const other = (await json(call('GET', '/api/v1/projects/default/environments'))).body.environments.find((e: { key: string }) => e.key !== 'development');
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const warm = (await liveSnapshot(edge(env), environmentId))!;
      const version = await publishDamaged((s) => ({ ...s, environmentId: other.id }));
      // told of the version past the isolate's minimum interval between such checks (200 ms): it asks the channel
      const live = await liveSnapshot(edge(env), environmentId, Date.now() + 250, version);
      expect(live).toBe(warm);
      expect(logged(errors, 'for another environment')).toBe(true);
      await heal(version);
    } finally {
      errors.mockRestore();
    }
  });
});

describe('failing revalidations', () => {
  it('are retried once per revalidation period, not by every request while they fail', async () => {
    dropLiveSnapshots();
    const t0 = Date.now();
    const warm = await liveSnapshot(edge(env), environmentId, t0);
    await new Promise((r) => setTimeout(r, 1100)); // the location's cached head lives 1 s
    let kvReads = 0;
    const kvDown = { get: () => { kvReads++; return failing(); }, put: failing, getWithMetadata: failing };
    const req = edge({ ...outage({}), SNAPSHOTS: kvDown as never });
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      for (const dt of [1, 2, 3, 50]) expect(await liveSnapshot(req, environmentId, t0 + MAX_STALE_MS + dt)).toBe(warm);
      expect(kvReads).toBe(1); // the first request waited for the attempt; the others were served at once
      expect(await liveSnapshot(req, environmentId, t0 + MAX_STALE_MS + 1 + REVALIDATE_MS)).toBe(warm);
      await Promise.all(req.pending);
      expect(kvReads).toBe(2); // a period later: one more attempt, in the background
    } finally {
      errors.mockRestore();
    }
  });
});

describe('forged keys', () => {
  it('for an environment that does not exist are refused without leaving storage behind', async () => {
    const forgedEnvironment = 'zz' + crypto.randomUUID().replace(/-/g, '').slice(0, 14);
    const forged = `crt_s_${forgedEnvironment}_${'a'.repeat(16)}_${'b'.repeat(32)}`;
    expect((await ofrep(forged, 'kill-switch')).status).toBe(401);
    const channel = env.CHANNELS.get(env.CHANNELS.idFromName(forgedEnvironment));
    const tables = await runInDurableObject(channel, (_obj, state) => state.storage.sql.exec('SELECT count(*) AS n FROM sqlite_master').one().n);
    expect(tables).toBe(0);
  });

  it('naming environments that do not exist wake no Durable Object at all (counted), however many', async () => {
    const before = (await listDurableObjectIds(env.CHANNELS)).length;
    for (let i = 0; i < 20; i++) {
      const made = 'zy' + crypto.randomUUID().replace(/-/g, '').slice(0, 14);
      const forged = `crt_s_${made}_${'a'.repeat(16)}_${'b'.repeat(32)}`;
      expect((await ofrep(forged, 'kill-switch')).status).toBe(401);
      expect((await ofrep(forged, null, {})).status).toBe(401);
      const stream = await SELF.fetch(`https://curtain.test/ofrep/v1/events?environment=${made}&key=${'a'.repeat(16)}&token=x`);
      expect(stream.status).toBe(401);
    }
    expect((await listDurableObjectIds(env.CHANNELS)).length).toBe(before);
  });

  it(`remember an unknown environment for ${UNKNOWN_ENVIRONMENT_TTL_MS / 1000} s, then ask D1 again`, async () => {
    forgetUnknownEnvironments();
    const made = 'zx' + crypto.randomUUID().replace(/-/g, '').slice(0, 14);
    const req = edge(env);
    const t0 = Date.now();
    expect(await liveSnapshot(req, made, t0)).toBeNull();
    // it comes to exist (as if created; ids are random, so only a test can do this): still refused from memory
    const project = await env.DB.prepare('SELECT project_id AS p FROM environments WHERE id = ?').bind(environmentId).first<{ p: string }>();
    await env.DB.prepare("INSERT INTO environments (id, project_id, key, name, created_at) VALUES (?, ?, 'made-up', 'Made up', 0)").bind(made, project!.p).run();
    expect(await liveSnapshot(req, made, t0 + UNKNOWN_ENVIRONMENT_TTL_MS - 1)).toBeNull();
    // after the TTL D1 says it exists, and its snapshot is built
    const later = await liveSnapshot(req, made, t0 + UNKNOWN_ENVIRONMENT_TTL_MS + 1);
    expect(later?.snapshot.environmentId).toBe(made);
    await Promise.all(req.pending);
  });
});
