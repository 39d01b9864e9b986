// A small worker beside Curtain in the same Miniflare. It plays the edge locations (head reads to the channel,
// as 330 locations make them, and reports of applied versions), asks the channel which relays hold streams, and holds streams itself in a
// Durable Object (Holder) that opens them on relays directly: no socket, no proxying worker in between, so
// what the process spends on them is the relays' part (and the reading end's).

const script = `
import { DurableObject } from 'cloudflare:workers';
const channelOf = (env, id) => env.CHANNELS.get(env.CHANNELS.idFromName(id));
const decoder = new TextDecoder();
const encoder = new TextEncoder();

export class Holder extends DurableObject {
  streams = [];
  /** Opens perRelay streams on each relay named, at most 500 at a time; each records when it saw each version. */
  async hold(environment, key, relays, perRelay) {
    const wanted = relays.flatMap((relay) => Array.from({ length: perRelay }, () => relay));
    let failed = 0;
    for (let i = 0; i < wanted.length; i += 500) {
      await Promise.all(wanted.slice(i, i + 500).map(async (relay) => {
        const stub = this.env.RELAYS.get(this.env.RELAYS.idFromName(relay));
        const res = await stub.fetch('https://relay/stream?environment=' + environment + '&relay=' + encodeURIComponent(relay) + '&key=' + key);
        if (res.status !== 200) return void failed++;
        const stream = { seen: new Map(), reader: res.body.getReader() };
        this.streams.push(stream);
        void (async () => {
          try {
            for (;;) {
              const { value, done } = await stream.reader.read();
              if (done) return;
              // an event is written whole: one chunk, ASCII
              for (const m of decoder.decode(value).matchAll(/^id: (\\d+)$/gm)) stream.seen.set(Number(m[1]), Date.now());
            }
          } catch {}
        })();
      }));
    }
    return { held: this.streams.length, failed };
  }
  /**
   * n streams made and read within this object alone (a TransformStream, its writer and a reader, as a relay
   * and a client hold them, with no pipe between objects): what their JavaScript objects take.
   */
  async local(n) {
    for (let i = 0; i < n; i++) {
      const { readable, writable } = new TransformStream();
      const writer = writable.getWriter();
      const reader = readable.getReader();
      writer.write(encoder.encode(': connected\\n\\n')).catch(() => {});
      void reader.read().then(() => reader.read()).catch(() => {});
      this.locals.push({ writer, reader });
    }
    return this.locals.length;
  }
  locals = [];
  /** How many streams saw version, and when (ms since the epoch). */
  async seen(version) {
    const times = this.streams.map((s) => s.seen.get(version)).filter((t) => t !== undefined);
    return { have: times.length, of: this.streams.length, times };
  }
  async drop() {
    await Promise.all(this.streams.map((s) => s.reader.cancel().catch(() => {})));
    this.streams = [];
  }
}

export default {
  async fetch(request, env) {
    const u = new URL(request.url);
    const id = u.searchParams.get('environment');
    const n = Number(u.searchParams.get('n') ?? 1);
    const channel = channelOf(env, id);
    const holder = env.HOLDER.get(env.HOLDER.idFromName('holder'));
    if (u.pathname === '/heads') {
      const heads = await Promise.all(Array.from({ length: n }, () => channel.getHead()));
      return Response.json({ version: heads[0]?.version ?? null });
    }
    if (u.pathname === '/applied') {
      const { version = 0 } = (await channel.getHead()) ?? {};
      await Promise.all(Array.from({ length: n }, (_, i) => channel.reportApplied({ location: 'L' + (i % 330), isolate: 'bench-' + i, version, appliedAt: Date.now() })));
      return Response.json({ version });
    }
    if (u.pathname === '/relays') {
      const relays = await channel.streamRelays();
      return Response.json({ held: relays.map((r) => r.streams).filter((s) => s > 0), channel: await channel.streamCount() });
    }
    if (u.pathname === '/hold') {
      const relays = u.searchParams.get('relays').split(',');
      return Response.json(await holder.hold(id, u.searchParams.get('key'), relays, n));
    }
    if (u.pathname === '/local') return Response.json(await holder.local(n));
    if (u.pathname === '/seen') return Response.json(await holder.seen(Number(u.searchParams.get('version'))));
    if (u.pathname === '/drop') return Response.json(await holder.drop());
    return new Response('not found', { status: 404 });
  },
};`;

/** Worker options for the driver, bound to the Durable Objects that the worker `owner` defines. */
export function driverWorker(owner = 'curtain') {
  return {
    name: 'scale-driver',
    modules: true,
    script,
    compatibilityDate: '2026-10-01',
    durableObjects: {
      CHANNELS: { className: 'EnvironmentChannel', scriptName: owner },
      RELAYS: { className: 'StreamRelay', scriptName: owner },
      HOLDER: { className: 'Holder' },
    },
    unsafeDirectSockets: [{ host: '127.0.0.1', port: 0 }],
  };
}

export async function drive(base, path, params) {
  const res = await fetch(`${base}${path}?${new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]))}`);
  if (!res.ok) throw new Error(`driver ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}
