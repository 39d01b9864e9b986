// bench:scale's projection for docs/scale.md's largest environment (200,000 streams, 330 locations, 100 changes a
// minute) from what this machine measured, and the tables it prints. Method (also in docs/scale.md):
//  - relays: wrangler.toml's STREAMS_PER_RELAY, spread about 3/4 full: floor(200,000 / (cap × 0.75)) + 1 per region;
//  - delivery p99 = the channel's fan-out to that many relays (measured, PATCH included) + one relay's own fan-out
//    to `cap` streams (its measured p99 less its PATCH) + NETWORK_MS (assumed, below). Every relay measured here
//    shared one thread with the channel, the readers and the driver: in production relays run in parallel on
//    their own threads, so these times are upper bounds, and the capacities lower bounds;
//  - CPU: per event and per keep-alive, from the relay's CPU per event at `cap` streams (the reading end included).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from '../http/miniflare.mjs';

export const MODEL = { streams: 200_000, locations: 330, changesPerMinute: 100, keepAliveS: 25, isolatesPerLocation: 4 };
/** Channel → relay (one way, across continents at worst) plus relay → the client's location; assumed, not measured. */
export const NETWORK_MS = 200;
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
  const cpuPerStreamMs = relay.cpuMsPerEvent / relay.streams;
  const relayCpuMsPerS = relay.cpuMsPerEvent * changesPerS + (cap / MODEL.keepAliveS) * cpuPerStreamMs;
  const p99 = r.fanOut.p99 + Math.max(0, relay.p99 - relay.patchMs) + NETWORK_MS;
  const reportsPerS = MODEL.locations * MODEL.isolatesPerLocation * changesPerS;
  const channelCalls = { heads: MODEL.locations, bodies: 2 * MODEL.locations * Math.min(1, changesPerS), reports: reportsPerS, deliveries: relays * changesPerS };
  const channelCpuMsPerS = MODEL.locations * r.channel.headCpuMs + reportsPerS * r.channel.reportCpuMs + (r.fanOut.cpuMsPerEvent / r.fanOut.relays) * relays * changesPerS;
  return {
    cap,
    relays,
    p99,
    relayCpuPct: relayCpuMsPerS / 10,
    relayMemMiB: (relay.rssKiBPerStream * cap) / 1024,
    relayJsMiB: (r.streamJsKiB * cap) / 1024,
    channelCalls,
    channelCallsPerS: Object.values(channelCalls).reduce((a, b) => a + b, 0),
    channelCpuPct: channelCpuMsPerS / 10,
    relayOpensPerS: r.relay.at(-1).opensPerS,
  };
}

export function report(r, p) {
  const e = r.environment;
  const g = r.engine;
  return [
    '### One relay, by size (streams opened on it directly: no sockets; the reading end shares the process)',
    '',
    '| streams | p50 ms | p99 ms | max ms | CPU per event ms | CPU per stream µs | memory per stream KiB | opens/s |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...r.relay.map((x) => `| ${x.streams} | ${f0(x.p50)} | ${f0(x.p99)} | ${f0(x.max)} | ${f0(x.cpuMsPerEvent)} | ${f0((x.cpuMsPerEvent / x.streams) * 1000)} | ${f1(x.rssKiBPerStream)} | ${f0(x.opensPerS)} |`),
    '',
    `A stream's JavaScript objects alone (writer and reader in one object, no pipe between objects): ${f1(r.streamJsKiB)} KiB.`,
    `Delays run from just before the change's PATCH (a write alone: ${f0(r.relay[0]?.patchMs)} ms, ${f0(r.writeCpuMs)} ms of CPU, taken off the CPU per event).`,
    '',
    `### The channel's fan-out: ${r.fanOut.relays} relays of one stream each`,
    '',
    `p50 ${f0(r.fanOut.p50)} ms, p99 ${f0(r.fanOut.p99)} ms (PATCH ${f0(r.fanOut.patchMs)} ms); CPU per change beyond the write: ${f0(r.fanOut.cpuMsPerEvent)} ms.`,
    `Channel: ${f0(r.channel.headCpuMs * 1000)} µs of CPU per head read, ${f0(r.channel.reportCpuMs * 1000)} µs per applied report (the calling worker's part included).`,
    '',
    `### The environment over sockets: ${e.streams} streams, wrangler.toml's caps, ${e.locations} head reads a second, a change every 600 ms`,
    '',
    `| relays (streams each) | p50 ms | p99 ms | max ms | missed | CPU idle ms/s | CPU with changes ms/s | opens/s | open CPU µs | memory per stream KiB |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    `| ${e.relays} (${e.held.join(', ')}) | ${f0(e.p50)} | ${f0(e.p99)} | ${f0(e.max)} | ${e.missed} | ${f0(e.idleCpuPerS)} | ${f0(e.busyCpuPerS)} | ${f0(e.opensPerS)} | ${f0(e.openCpuUsPerStream)} | ${f1(e.rssMiBPerKStream * 1.024)} |`,
    '',
    `Here every stream crosses a socket, the worker that proxies it and the relay, and ${e.events} changes were delivered to each (PATCH p50 ${f0(e.patchMs)} ms).`,
    '',
    '### The largest environment in one isolate (Node, the same V8), 20,000 flags',
    '',
    `Snapshot ${f1(g.textBytes / 2 ** 20)} MiB of text; parsed and compiled (rules compiled lazily): ${f0(g.coldParseCompileMs)} ms of CPU and ${f1(g.lazyMiB)} MiB of heap; ` +
      `after every flag's rule has been compiled (a bulk evaluation): ${f1(g.compiledMiB)} MiB. First bulk evaluation ${f0(g.firstBulkMs)} ms, then ${f0(g.bulkMs)} ms; one flag ${f1(g.singleUs)} µs.`,
    '',
    `### Projection for the model (${MODEL.streams.toLocaleString('en')} streams, ${MODEL.locations} locations, ${MODEL.changesPerMinute} changes a minute)`,
    '',
    '| | projected | limit |',
    '|---|---:|---:|',
    `| relays (STREAMS_PER_RELAY ${p.cap}, about 3/4 full) | ${p.relays} | — |`,
    `| event to every stream, p99 (fan-out + one relay + ${NETWORK_MS} ms network, assumed) | ${f0(p.p99)} ms | 1,000 ms |`,
    `| one relay's CPU (events and keep-alives) | ${f1(p.relayCpuPct)} % of a thread | 100 % |`,
    `| one relay's JavaScript objects (its streams' both ends, in one object: an upper bound of its heap) | ${f0(p.relayJsMiB)} MiB | 128 MB |`,
    `| the process's growth for one relay's streams, both ends and the pipes between objects | ${f0(p.relayMemMiB)} MiB | — |`,
    `| calls to the channel a second (heads ${f0(p.channelCalls.heads)}, snapshot bodies ${f0(p.channelCalls.bodies)}, applied reports ${f0(p.channelCalls.reports)}, deliveries ${f0(p.channelCalls.deliveries)}) | ${f0(p.channelCallsPerS)} | 1,000 (soft) |`,
    `| the channel's CPU for heads, reports and deliveries | ${f1(p.channelCpuPct)} % of a thread | 100 % |`,
    '',
    'These figures come from a shared 2-core machine with everything in one workerd process: they are upper bounds on time and lower bounds on capacity.',
  ].join('\n');
}
