// The control for bench:scale's sockets runs: no Curtain at all, a worker that forwards each request to one of five
// Durable Objects that hold TransformStreams and write an event to all of them, the same clients over sockets and
// the same rhythm. When it falls behind as Curtain's run does, what falls behind is this machine's one workerd
// process proxying every stream, not Curtain.
import { startMiniflare } from '../http/miniflare.mjs';
import { StreamClients } from './clients.mjs';
import { pct } from './measure.mjs';

const script = `
import { DurableObject } from 'cloudflare:workers';
const enc = new TextEncoder();
export class Hold extends DurableObject {
  writers = [];
  async fetch() {
    const { readable, writable } = new TransformStream();
    const writer = writable.getWriter();
    this.writers.push(writer);
    writer.write(enc.encode(': connected\\n\\n')).catch(() => {});
    return new Response(readable, { headers: { 'content-type': 'text/event-stream' } });
  }
  async send(id) {
    const bytes = enc.encode('id: ' + id + '\\nevent: message\\ndata: {"type":"refetchEvaluation"}\\n\\n');
    for (const w of this.writers) w.write(bytes).catch(() => {});
  }
}
let next = 0;
export default {
  async fetch(request, env) {
    const hold = (i) => env.HOLD.get(env.HOLD.idFromName('hold-' + i));
    if (new URL(request.url).pathname === '/send') {
      const id = new URL(request.url).searchParams.get('id');
      await Promise.all([0, 1, 2, 3, 4].map((i) => hold(i).send(id)));
      return new Response('ok');
    }
    return hold(next++ % 5).fetch(request);
  },
};`;

/** `streams` streams, then a change every `everyMs` for `seconds`: delays and missed events, as the environment run. */
export async function control({ streams, seconds, everyMs }) {
  const { mf } = await startMiniflare({ name: 'control', modules: true, script, compatibilityDate: '2026-10-01', durableObjects: { HOLD: 'Hold' }, unsafeDirectSockets: [{ host: '127.0.0.1', port: 0 }] });
  try {
    const url = (await mf.unsafeGetDirectURL('control')).toString().replace(/\/$/, '');
    const clients = new StreamClients(`${url}/stream`);
    await clients.open(streams, 64);
    const sent = [];
    const start = Date.now();
    for (let id = 1, at = start; Date.now() - start < seconds * 1000; id++, at += everyMs) {
      await new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));
      sent.push({ id, t0: performance.now() });
      await fetch(`${url}/send?id=${id}`);
    }
    await clients.waitFor(sent.at(-1).id, 60_000);
    const delays = sent.flatMap((s) => clients.delays(s.id, s.t0));
    clients.close();
    return { streams, events: sent.length, p50: pct(delays, 50), p99: pct(delays, 99), missed: sent.length * streams - delays.length };
  } finally {
    await mf.dispose();
  }
}
