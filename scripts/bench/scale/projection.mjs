// bench:scale's projection for docs/scale.md's largest environment (200,000 streams, 330 locations, 100 changes a
// minute) from what this machine measured, and the tables it prints. Method (also in docs/scale.md):
//  - relays: wrangler.toml's STREAMS_PER_RELAY, spread about 3/4 full: floor(200,000 / (cap × 0.75)) + 1 in a region;
//  - delivery, in production: the channel's CPU to tell that many relays + the network to a relay + one relay's CPU
//    to write a change to `cap` streams + the network to the client's location. Here every object shared one
//    thread with the channel, the readers and the driver, so what took wall time here was the CPU of all of them
//    in turn; in production the relays write in parallel, each on its own thread, and a relay's fan-out takes its
//    own CPU. Both CPU figures include the reading ends (upper bounds); the network figures are assumed (below);
//  - calls to the channel: one head read per location per second; per location and second with a change, one
//    envelope and one chunk read; one applied report per isolate per version it adopts (at most one a second);
//    the relays' admission calls (streams opened as a browser's stream lasts MODEL.streamMinutes on average) and
//    their 25 s reports; one delivery per relay per change.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from '../http/miniflare.mjs';

export const MODEL = { streams: 200_000, locations: 330, changesPerMinute: 100, keepAliveS: 25, isolatesPerLocation: 4, streamMinutes: 30 };
/** Channel → relay, one way, across continents at worst; relay → the client's location (same region). Assumed. */
export const NETWORK_MS = { toRelay: 150, toClient: 50 };
const FILL = 0.75;
const f0 = (x) => (Number.isFinite(x) ? x.toFixed(0) : '–');
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : '–');

function perRelayCap() {
  const m = /^STREAMS_PER_RELAY\s*=\s*"(\d+)"/m.exec(readFileSync(join(root, 'wrangler.toml'), 'utf8'));
  return m ? Number(m[1]) : 2000;
}

/** The relay row measured at `size` streams, or the nearest larger one. */
const rowAt = (rows, size) => rows.find((r) => r.streams >= size) ?? rows.at(-1);

export function project(r) {
  const cap = perRelayCap();
  const relays = Math.floor(MODEL.streams / (cap * FILL)) + 1;
  const relay = rowAt(r.relay, cap);
  const changesPerS = MODEL.changesPerMinute / 60;
  const perVersion = Math.min(1, changesPerS);
  const cpuPerStreamMs = relay.cpuMsPerEvent / relay.streams;
  const relayEventMs = cpuPerStreamMs * cap;
  // below the clock's resolution the fan-out's CPU may come out negative: it is then counted as none
  const fanOutMs = Math.max(0, (r.fanOut.cpuMsPerEvent / r.fanOut.relays) * relays);
  const relayCpuMsPerS = relayEventMs * changesPerS + (cap / MODEL.keepAliveS) * cpuPerStreamMs;
  const channelCalls = {
    heads: MODEL.locations,
    bodies: 2 * MODEL.locations * perVersion,
    reports: MODEL.locations * MODEL.isolatesPerLocation * perVersion,
    admissions: Math.min(MODEL.streams / (MODEL.streamMinutes * 60), relays * 4) + relays / MODEL.keepAliveS,
    deliveries: relays * changesPerS,
  };
  const channelCpuMsPerS = MODEL.locations * r.channel.headCpuMs + channelCalls.reports * r.channel.reportCpuMs + fanOutMs * changesPerS;
  return {
    cap,
    relays,
    relayEventMs,
    fanOutMs,
    p99: fanOutMs + NETWORK_MS.toRelay + relayEventMs + NETWORK_MS.toClient,
    relayCpuPct: relayCpuMsPerS / 10,
    relayMemMiB: (relay.rssKiBPerStream * cap) / 1024,
    relayJsMiB: (r.streamJsKiB * cap) / 1024,
    channelCalls,
    channelCallsPerS: Object.values(channelCalls).reduce((a, b) => a + b, 0),
    channelCpuPct: channelCpuMsPerS / 10,
    stormS: cap / Math.max(1, relay.opensPerS),
  };
}

export function report(r, p) {
  const e = r.environment;
  const g = r.engine;
  const out = [];
  if (r.relay.length)
    out.push(
      '### One relay, by size (streams opened on it directly: no sockets; the reading end shares the process)',
      '',
      '| streams | p50 ms | p99 ms | max ms | CPU per event ms | CPU per stream µs | memory per stream KiB | opens/s |',
      '|---:|---:|---:|---:|---:|---:|---:|---:|',
      ...r.relay.map((x) => `| ${x.streams} | ${f0(x.p50)} | ${f0(x.p99)} | ${f0(x.max)} | ${f0(x.cpuMsPerEvent)} | ${f0((x.cpuMsPerEvent / x.streams) * 1000)} | ${f1(x.rssKiBPerStream)} | ${f0(x.opensPerS)} |`),
      '',
      `A stream's JavaScript objects alone (writer and reader in one object, no pipe between objects): ${f1(r.streamJsKiB)} KiB.`,
      `Delays run from just before the change's PATCH (a write alone: ${f0(r.relay[0]?.patchMs)} ms, ${f0(r.writeCpuMs)} ms of CPU, taken off the CPU per event).`,
      '',
    );
  if (r.fanOut)
    out.push(
      `### The channel's fan-out: ${r.fanOut.relays} relays of one stream each`,
      '',
      `p50 ${f0(r.fanOut.p50)} ms, p99 ${f0(r.fanOut.p99)} ms (PATCH ${f0(r.fanOut.patchMs)} ms); CPU per change beyond the write: ${f0(r.fanOut.cpuMsPerEvent)} ms.`,
      '',
    );
  if (r.channel) out.push(`Channel: ${f0(r.channel.headCpuMs * 1000)} µs of CPU per head read, ${f0(r.channel.reportCpuMs * 1000)} µs per applied report (the calling worker's part included).`, '');
  if (e?.length)
    out.push(
      `### The environment over sockets: wrangler.toml's caps, ${e[0].locations} head reads a second, a change every 600 ms`,
      '',
      "| streams | relays (streams each) | p50 ms | p99 ms | max ms | missed | workerd CPU idle ms/s | with changes ms/s | the clients' CPU ms/s | opens/s | open CPU µs | memory per stream KiB |",
      '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
      ...e.map((x) => `| ${x.streams} | ${x.relays} (${x.held.join(', ')}) | ${f0(x.p50)} | ${f0(x.p99)} | ${f0(x.max)} | ${x.missed} | ${f0(x.idleCpuPerS)} | ${f0(x.busyCpuPerS)} | ${f0(x.clientCpuPerS)} | ${f0(x.opensPerS)} | ${f0(x.openCpuUsPerStream)} | ${f1(x.rssMiBPerKStream * 1.024)} |`),
      '',
      `Every stream crosses a socket, the worker that proxies it (here one process for all of them; at the edge, the client's own location) and its relay; ${e[0].events} changes each run (PATCH p50 ${f0(e[0].patchMs)} ms).`,
      ...(r.control
        ? [`The control, no Curtain (a worker forwarding to five objects holding TransformStreams), ${r.control.streams} streams, ${r.control.events} events: p50 ${f0(r.control.p50)} ms, p99 ${f0(r.control.p99)} ms, ${r.control.missed} missed.`]
        : []),
      '',
    );
  if (r.largest)
    out.push(
      `### A change in an environment of ${r.largest.flags.toLocaleString('en')} flags`,
      '',
      `Imported in ${f1(r.largest.importMs / 1000)} s (one PUT …/flagd). A PATCH of one flag, validated against all of them, committed, its snapshot rebuilt ` +
        `from D1 and published: ${f0(r.largest.patchMs)} ms, ${f0(r.largest.patchCpuMs)} ms of workerd CPU (D1 is local SQLite in the same process).`,
      '',
    );
  if (g)
    out.push(
      `### The largest environment in one isolate (Node, the same V8), ${g.nFlags.toLocaleString('en')} flags`,
      '',
      `Snapshot ${f1(g.textBytes / 2 ** 20)} MiB of text; parsed and compiled (rules compiled lazily): ${f0(g.coldParseCompileMs)} ms of CPU and ${f1(g.lazyMiB)} MiB of heap; ` +
        `after every flag's rule has been compiled (a bulk evaluation): ${f1(g.compiledMiB)} MiB. First bulk evaluation ${f0(g.firstBulkMs)} ms, then ${f0(g.bulkMs)} ms; one flag ${f1(g.singleUs)} µs.`,
      '',
    );
  if (p)
    out.push(
      `### Projection for the model (${MODEL.streams.toLocaleString('en')} streams, ${MODEL.locations} locations, ${MODEL.changesPerMinute} changes a minute)`,
      '',
      '| | projected | limit |',
      '|---|---:|---:|',
      `| relays (STREAMS_PER_RELAY ${p.cap}, about 3/4 full) | ${p.relays} | — |`,
      `| event to every stream: the channel tells ${p.relays} relays (${f0(p.fanOutMs)} ms of CPU) + ${NETWORK_MS.toRelay} ms + a relay writes ${p.cap} streams (${f0(p.relayEventMs)} ms of CPU) + ${NETWORK_MS.toClient} ms | ${f0(p.p99)} ms | 1,000 ms (p99) |`,
      `| one relay's CPU (events and keep-alives) | ${f1(p.relayCpuPct)} % of a thread | 100 % |`,
      `| one relay's JavaScript objects (its streams' both ends, in one object: an upper bound of its heap) | ${f0(p.relayJsMiB)} MiB | 128 MB |`,
      `| the process's growth for one relay's streams, both ends and the pipes between objects | ${f0(p.relayMemMiB)} MiB | — |`,
      `| a relay's ${p.cap} clients reconnecting (a restart), at the opens per second one relay took here | ${f1(p.stormS)} s | their retry: 1–5 s |`,
      `| calls to the channel a second (heads ${f0(p.channelCalls.heads)}, snapshot bodies ${f0(p.channelCalls.bodies)}, applied reports ${f0(p.channelCalls.reports)}, relays' admissions and reports ${f0(p.channelCalls.admissions)}; it makes ${f0(p.channelCalls.deliveries)} deliveries) | ${f0(p.channelCallsPerS - p.channelCalls.deliveries)} | 1,000 (soft) |`,
      `| the channel's CPU for heads, reports and deliveries | ${f1(p.channelCpuPct)} % of a thread | 100 % |`,
      '',
      `Assumed: ${MODEL.isolatesPerLocation} isolates per location serve the environment; a browser's stream lasts ${MODEL.streamMinutes} minutes on average; the network times above.`,
    );
  out.push('These figures come from a shared 2-core machine with everything in one workerd process: they are upper bounds on time and lower bounds on capacity.');
  return out.join('\n');
}
