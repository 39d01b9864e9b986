// A browser that closes its EventSource gives its stream's place back at once (issue 22). Over real sockets:
// the bundled worker in Miniflare with small caps (2 streams per key, 1 per relay), Node's EventSource as the
// client. A relay learns that a socket closed only when it writes to it, so this cannot be seen through the
// worker tests' in-process fetch, where cancelling a body reaches the relay at once.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations, bootstrap, bundleWorker, callOk, curtainWorker, randomToken, removeDir, startMiniflare, tempDir } from '../../scripts/bench/http/miniflare.mjs';

const work = tempDir('curtain-stream-places-');
let stop = async () => {};
let streamUrl = '';

beforeAll(async () => {
  const scriptPath = bundleWorker(join(work, 'bundle'));
  const adminToken = randomToken();
  const worker = await curtainWorker({ scriptPath, adminToken });
  worker.bindings = { ...worker.bindings, STREAMS_PER_KEY: '2', STREAMS_PER_ENVIRONMENT: '10', STREAMS_PER_RELAY: '1' };
  const { mf, url } = await startMiniflare({ workers: [worker] }, { persistTo: join(work, 'state') });
  stop = () => mf.dispose();
  await applyMigrations(await mf.getD1Database('DB', 'curtain'));
  const sdkKey = await bootstrap(url, adminToken);
  const bulk = await callOk(url, 'POST', '/ofrep/v1/evaluate/flags', { token: sdkKey, body: { context: {} } });
  streamUrl = url + bulk.eventStreams[0].endpoint.requestUri;
});

afterAll(async () => {
  await stop();
  removeDir(work);
});

/** An EventSource that opened, or the error that closed it first (EventSource does not retry a refusal). */
function connect(): Promise<{ source: EventSource; opened: boolean }> {
  const source = new EventSource(streamUrl);
  return new Promise((resolve) => {
    source.onopen = () => resolve({ source, opened: true });
    source.onerror = () => {
      source.close();
      resolve({ source, opened: false });
    };
  });
}

describe('change streams over real sockets', () => {
  it('a closed EventSource gives its place back to the very next stream', async () => {
    const first = await connect();
    const second = await connect();
    expect([first.opened, second.opened]).toEqual([true, true]);
    expect((await fetch(streamUrl)).status).toBe(429); // the key's cap
    first.source.close();
    // before the fix, this stream was refused until the next keep-alive reached the closed socket (25 s)
    const third = await connect();
    expect(third.opened).toBe(true);
    second.source.close();
    third.source.close();
  });
});
