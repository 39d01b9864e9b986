// What bench:scale measures on one simulated environment: the delivery of changes to every open stream and
// the CPU the serving process spent on them.
import { cpuMs } from './cpu.mjs';

export const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] : NaN;
};
export const median = (xs) => pct(xs, 50);
/** CPU is read in clock ticks (10 ms): per-event figures are means over all events, never medians of a few ticks. */
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * `count` changes, `gapMs` apart, to the streams the driver's Holder keeps on relays directly: for each, the delay
 * from just before its PATCH to each stream's read of its event (the Holder's clock is the epoch's), and the
 * serving process's CPU from the PATCH until the last stream had it (the write's own, `baselineCpuMs` measured
 * with no streams, taken off).
 */
export async function heldDeliveries(env, { count = 5, gapMs = 600, baselineCpuMs = 0 } = {}) {
  const delays = [];
  const cpu = [];
  const patch = [];
  let missed = 0;
  let streams = 0;
  for (let i = 0; i < count; i++) {
    const c0 = cpuMs(env.pids);
    const wall0 = Date.now();
    const { version, patchMs } = await env.change();
    patch.push(patchMs);
    let seen;
    for (let tries = 0; tries < 3000; tries++) {
      seen = await env.drive('/seen', { version });
      if (seen.have === seen.of) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    cpu.push(cpuMs(env.pids) - c0 - baselineCpuMs);
    missed += seen.of - seen.have;
    streams = seen.of;
    delays.push(...seen.times.map((t) => t - wall0));
    await new Promise((r) => setTimeout(r, gapMs));
  }
  return { streams, events: count, p50: pct(delays, 50), p99: pct(delays, 99), max: pct(delays, 100), cpuMsPerEvent: mean(cpu), patchMs: median(patch), missed };
}

/** CPU (ms) per call of the driver's `path` (made `n` at a time, `rounds` times): an upper bound of one such call to the channel. */
export async function callCpu(env, path, n, rounds = 10) {
  const c0 = cpuMs(env.pids);
  for (let i = 0; i < rounds; i++) await env.drive(path, { n });
  return (cpuMs(env.pids) - c0) / (n * rounds);
}

/** The serving process's CPU for `count` changes with no stream open: the write path alone. */
export async function writeCpu(env, count = 10) {
  const cpu = [];
  for (let i = 0; i < count; i++) {
    const c0 = cpuMs(env.pids);
    await env.change();
    cpu.push(cpuMs(env.pids) - c0);
    await new Promise((r) => setTimeout(r, 200));
  }
  return mean(cpu);
}

/**
 * Changes at a steady rhythm, one every `everyMs` (or as soon as the previous write returns, when it took longer),
 * for `seconds`, not waiting for deliveries; then the delay of each change to each stream, and the CPU a second
 * of the serving process and of this one (the clients).
 */
export async function steadyChanges(env, clients, { seconds, everyMs }) {
  const changes = [];
  const c0 = cpuMs(env.pids);
  const n0 = process.cpuUsage();
  const start = Date.now();
  for (let next = start; Date.now() - start < seconds * 1000; next += everyMs) {
    await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
    changes.push(await env.change());
  }
  const runS = (Date.now() - start) / 1000;
  const serverCpuPerS = (cpuMs(env.pids) - c0) / runS;
  const n1 = process.cpuUsage(n0);
  const clientCpuPerS = (n1.user + n1.system) / 1000 / runS;
  await clients.waitFor(changes.at(-1).version, 60_000);
  const delays = changes.flatMap((c) => clients.delays(c.version, c.t0));
  const missed = changes.length * clients.clients.length - delays.length;
  return { streams: clients.clients.length, events: changes.length, p50: pct(delays, 50), p99: pct(delays, 99), max: pct(delays, 100), missed, patchMs: median(changes.map((c) => c.patchMs)), serverCpuPerS, clientCpuPerS };
}

/** Plays `locations` edge locations for `seconds`: each reads the channel's head once a second. */
export function locationsLoad(env, locations) {
  let reads = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const next = Date.now() + 1000;
      await env.drive('/heads', { n: locations });
      reads += locations;
      await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
    }
  })();
  return {
    get reads() {
      return reads;
    },
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}
