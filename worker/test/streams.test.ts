// Change streams have limits: per SDK key and per environment (wrangler.toml's STREAMS_PER_KEY and
// STREAMS_PER_ENVIRONMENT; 3 and 6 in the test configuration). Past a cap a new stream gets 429 with
// Retry-After, OFREP's way; a closed stream gives its place back.
import { env } from 'cloudflare:test';
import { afterEach, describe, expect, it } from 'vitest';
import { adminToken, bootstrap, call, createKey, json, ofrep } from './helpers';

const PER_KEY = Number(env.STREAMS_PER_KEY);
const PER_ENVIRONMENT = Number(env.STREAMS_PER_ENVIRONMENT);
const serverKey = await bootstrap();

/** The key's stream URL, as its bulk evaluation hands it out. */
const streamUri = async (sdkKey: string): Promise<string> => (await json(ofrep(sdkKey, null, {}))).body.eventStreams[0].endpoint.requestUri;

const open: ReadableStreamDefaultReader<Uint8Array>[] = [];
/** Opens a stream; when it is accepted, waits for its first bytes and keeps it open until the test ends. */
async function connect(uri: string, token: string | null = null) {
  const res = await call('GET', uri, { token });
  if (res.status === 200) {
    const reader = res.body!.getReader();
    await reader.read(); // ": connected"
    open.push(reader);
  }
  return res;
}
/** Refused at a cap: Retry-After 30–90 s, spread so that the refused clients do not all come back at once. */
const expectCapRetryAfter = (res: Response) => expect(Number(res.headers.get('retry-after'))).toSatisfy((s: number) => Number.isInteger(s) && s >= 30 && s <= 90);

afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.cancel()));
});

/** Tries to open a stream until it is accepted: a closed stream gives its place back once the channel sees it close. */
async function connectWhenFree(uri: string) {
  for (let i = 0; i < 50; i++) {
    const res = await connect(uri);
    if (res.status === 200) return res;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('the stream was never accepted');
}

describe('change streams', () => {
  it(`of one key: at most ${PER_KEY}, then 429 with Retry-After and no body; other keys still connect`, async () => {
    const uri = await streamUri(serverKey);
    for (let i = 0; i < PER_KEY; i++) expect((await connect(uri)).status).toBe(200);
    const refused = await connect(uri);
    expect(refused.status).toBe(429);
    expectCapRetryAfter(refused);
    expect(await refused.text()).toBe('');
    expect(refused.headers.get('access-control-allow-origin')).toBe('*'); // a browser may read it
    const other = await createKey('client');
    expect((await connect(await streamUri(other.secret))).status).toBe(200);
  });

  it('a closed stream gives its place back', async () => {
    const uri = await streamUri(serverKey);
    for (let i = 0; i < PER_KEY; i++) expect((await connect(uri)).status).toBe(200);
    expect((await connect(uri)).status).toBe(429);
    await open.shift()!.cancel();
    expect((await connectWhenFree(uri)).status).toBe(200);
  });

  it(`of one environment: at most ${PER_ENVIRONMENT} whatever the keys, the dashboard's included`, async () => {
    const keys = [serverKey, ...(await Promise.all([createKey('server'), createKey('client')])).map((k) => k.secret)];
    let accepted = 0;
    for (const key of keys) {
      const uri = await streamUri(key);
      for (let i = 0; i < PER_KEY && accepted < PER_ENVIRONMENT; i++, accepted++) expect((await connect(uri)).status).toBe(200);
    }
    expect(accepted).toBe(PER_ENVIRONMENT);
    const fresh = await createKey('client');
    const refused = await connect(await streamUri(fresh.secret));
    expect(refused.status).toBe(429);
    expectCapRetryAfter(refused);
    expect((await connect('/api/v1/projects/default/environments/development/events', adminToken())).status).toBe(429);
    // another environment has its own channel, and its own streams
    const staging = await createKey('server', 'staging');
    expect((await connect(await streamUri(staging.secret))).status).toBe(200);
  });

  it('a revoked key’s streams are closed and give their places back', async () => {
    const key = await createKey('client');
    const uri = await streamUri(key.secret);
    for (let i = 0; i < PER_KEY; i++) expect((await connect(uri)).status).toBe(200);
    const theirs = open.splice(0);
    await call('DELETE', `/api/v1/projects/default/environments/development/sdk-keys/${key.id}`);
    for (const reader of theirs) {
      let done = false;
      for (let i = 0; i < 10 && !done; i++) done = (await reader.read()).done;
      expect(done).toBe(true);
    }
    const keys = [serverKey, (await createKey('server')).secret];
    let accepted = 0;
    for (const k of keys) {
      const u = await streamUri(k);
      for (let i = 0; i < PER_KEY && accepted < PER_ENVIRONMENT; i++, accepted++) expect((await connectWhenFree(u)).status).toBe(200);
    }
  });
});
