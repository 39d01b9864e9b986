// Change streams fanned out over relay objects (2 streams per relay in the test configuration; 3 per key and 6
// per environment): how they spread, that a change reaches every stream on every relay, that a relay's restart
// costs its streams one reconnect, and that the caps and revocation hold across relays.
import { env, listDurableObjectIds, runInDurableObject } from 'cloudflare:test';
import { afterEach, describe, expect, it } from 'vitest';
import { bootstrap, call, createKey, json, ofrep } from './helpers';

const PER_KEY = Number(env.STREAMS_PER_KEY);
const PER_ENVIRONMENT = Number(env.STREAMS_PER_ENVIRONMENT);
const PER_RELAY = Number(env.STREAMS_PER_RELAY);
const serverKey = await bootstrap();

const streamUri = async (sdkKey: string): Promise<string> => (await json(ofrep(sdkKey, null, {}))).body.eventStreams[0].endpoint.requestUri;
const environmentId = new URL(await streamUri(serverKey), 'http://x').searchParams.get('environment')!;
const channel = env.CHANNELS.get(env.CHANNELS.idFromName(environmentId));

/** An open stream: what it received so far, and whether it has ended. */
class Stream {
  /** how its client opened it: to reconnect the same way */
  uri = '';
  headers: Record<string, string> = {};
  text = '';
  ended = false;
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly pump: Promise<void>;

  constructor(res: Response) {
    const reader = (this.reader = res.body!.getReader());
    const decoder = new TextDecoder();
    this.pump = (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          this.text += decoder.decode(value, { stream: true });
        }
      } catch {
        // the stream broke (its relay went away)
      }
      this.ended = true;
    })();
  }

  /** The ids of the refetchEvaluation events received. */
  get events() {
    return [...this.text.matchAll(/^id: (\d+)\nevent: message\ndata: .*refetchEvaluation/gm)].map((m) => Number(m[1]));
  }

  get retryMs() {
    return Number(/^retry: (\d+)$/m.exec(this.text)?.[1]);
  }

  async close() {
    await this.reader.cancel().catch(() => {});
    await this.pump;
  }
}

const open: Stream[] = [];
async function connect(uri: string, headers: Record<string, string> = {}) {
  const res = await call('GET', uri, { token: null, headers });
  if (res.status !== 200) return { res, stream: null };
  const stream = new Stream(res);
  Object.assign(stream, { uri, headers });
  open.push(stream);
  await until(() => stream.text.includes(': connected'));
  return { res, stream };
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function until(probe: () => boolean | Promise<boolean>, what = 'the condition') {
  for (let i = 0; i < 200; i++) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Every relay created in this file, with what it holds now. */
async function relays() {
  const ids = await listDurableObjectIds(env.RELAYS);
  const reports = await Promise.all(ids.map(async (id) => ({ id, report: await env.RELAYS.get(id).counts() })));
  return reports.filter((r) => r.report.held.total > 0);
}

/** A flag change, committed and published: returns the version it made. */
let edits = 0;
async function change(): Promise<number> {
  const res = await json(call('PATCH', '/api/v1/projects/default/environments/development/flags/relay-flag', { body: { defaultVariant: edits++ % 2 ? 'on' : 'off' } }));
  expect(res.status).toBe(200);
  return (await channel.getHead())!.version;
}
await json(call('POST', '/api/v1/projects/default/flags', { body: { key: 'relay-flag' } }));

/** Fills the environment: PER_KEY streams of two keys (the first the server key), then the dashboard's. */
async function fill() {
  const other = await createKey('client');
  const uris = [await streamUri(serverKey), await streamUri(other.secret)];
  const streams: Stream[] = [];
  for (const uri of uris) for (let i = 0; i < PER_KEY && streams.length < PER_ENVIRONMENT; i++) streams.push((await connect(uri)).stream!);
  while (streams.length < PER_ENVIRONMENT) streams.push((await connect('/api/v1/projects/default/environments/development/events', { authorization: `Bearer ${env.CURTAIN_ADMIN_TOKEN}` })).stream!);
  return { streams, other, uris };
}

describe('change streams over relays', () => {
  it(`spread over relays of at most ${PER_RELAY} streams each; the channel counts them all, exactly at the caps`, async () => {
    const { streams, uris } = await fill();
    expect(streams.every(Boolean)).toBe(true);
    const held = await relays();
    expect(held.length).toBeGreaterThanOrEqual(Math.ceil(PER_ENVIRONMENT / PER_RELAY));
    expect(held.every((r) => r.report.held.total <= PER_RELAY)).toBe(true);
    expect(held.reduce((n, r) => n + r.report.held.total, 0)).toBe(PER_ENVIRONMENT);
    expect(await channel.streamCount()).toBe(PER_ENVIRONMENT);
    // the environment's cap, whatever the key and relay
    expect((await connect(uris[0])).res.status).toBe(429);
    expect((await connect((await streamUri((await createKey('server')).secret)))).res.status).toBe(429);
    // one place freed on one relay is one place, on any relay
    await streams[0].close();
    expect((await connect(uris[0])).res.status).toBe(200);
    expect((await connect(uris[0])).res.status).toBe(429);
    expect(await channel.streamCount()).toBe(PER_ENVIRONMENT);
  });

  it('a change reaches every stream on every relay', async () => {
    const { streams } = await fill();
    const version = await change();
    await until(() => streams.every((s) => s.events.includes(version)), 'the event on every stream');
    const again = await change();
    await until(() => streams.every((s) => s.events.includes(again)), 'the next event on every stream');
    expect(streams.every((s) => s.events.filter((v) => v === again).length === 1)).toBe(true);
  });

  it('a relay that restarts loses its streams for one reconnect: each comes back at its first try and gets what it missed', async () => {
    const { streams } = await fill();
    const [victim] = (await relays()).filter((r) => r.report.held.total === PER_RELAY);
    // reset the object as the platform does (a deploy, a move): its in-memory state and its streams are gone
    await expect(runInDurableObject(env.RELAYS.get(victim.id), (_relay, state) => state.abort('restart'))).rejects.toThrow('restart');
    await until(() => streams.filter((s) => s.ended).length === PER_RELAY, 'the restarted relay’s streams to end');
    const lost = streams.filter((s) => s.ended);
    // missed while away: a change made before the clients reconnect
    const missed = await change();
    let back = 0;
    for (const s of lost) {
      // an EventSource waits its `retry` (1–5 s, jittered so that a relay's clients do not all come back at once),
      // then reconnects with the id of the last event it saw
      expect(s.retryMs).toBeGreaterThanOrEqual(1000);
      expect(s.retryMs).toBeLessThanOrEqual(5000);
      const again = await connect(s.uri, { ...s.headers, 'last-event-id': String(s.events.at(-1) ?? 0) });
      expect(again.res.status).toBe(200);
      await until(() => again.stream!.events.includes(missed), 'the missed change replayed');
      back++;
    }
    expect(back).toBe(PER_RELAY);
    expect(await channel.streamCount()).toBeLessThanOrEqual(PER_ENVIRONMENT);
  });

  it('a revoked key’s streams close on every relay, and give their places back', async () => {
    const key = await createKey('client');
    const uri = await streamUri(key.secret);
    const theirs: Stream[] = [];
    for (let i = 0; i < PER_KEY; i++) theirs.push((await connect(uri)).stream!);
    const holding = (await relays()).filter((r) => (r.report.held.byKey[key.id] ?? 0) > 0);
    expect(holding.length).toBeGreaterThan(1);
    expect((await json(call('DELETE', `/api/v1/projects/default/environments/development/sdk-keys/${key.id}`))).status).toBe(204);
    await until(() => theirs.every((s) => s.ended), 'every stream of the key to close');
    expect(await channel.streamCount(key.id)).toBe(0);
    expect((await connect(uri)).res.status).toBe(401); // the worker's check: the key is gone from its snapshot
    // a worker isolate that has not seen the revocation yet lets the stream through to a relay: the channel refuses it
    const relay = `${environmentId}:any:0`;
    const direct = await env.RELAYS.get(env.RELAYS.idFromName(relay)).fetch(`https://relay/stream?environment=${environmentId}&relay=${relay}&key=${key.id}`);
    expect(direct.status).toBe(401);
  });
});
