// Memory of the serving workerd processes, read from /proc (resident set size), sampled through a run.
import { readFileSync } from 'node:fs';

/** Resident set size of `pids`, in MiB (a process that is gone counts 0). */
export function rssMiB(pids) {
  let kib = 0;
  for (const pid of pids) {
    try {
      const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) kib += Number(m[1]);
    } catch {
      // gone
    }
  }
  return kib / 1024;
}

/** Samples rssMiB(pids) every `everyMs` until stopped; returns the samples as { t (s from start), mib }. */
export function sampleMemory(pids, everyMs = 2000) {
  const t0 = Date.now();
  const samples = [{ t: 0, mib: rssMiB(pids) }];
  const timer = setInterval(() => samples.push({ t: (Date.now() - t0) / 1000, mib: rssMiB(pids) }), everyMs);
  return {
    samples,
    stop() {
      clearInterval(timer);
      samples.push({ t: (Date.now() - t0) / 1000, mib: rssMiB(pids) });
      return samples;
    },
  };
}

/**
 * Whether memory stayed bounded: the highest sample of the run's last third is at most 10 % (and 16 MiB)
 * above the highest of the middle third. Growth that goes on through the run fails; the first third, where
 * the JIT, the caches and the connections settle, is left out.
 */
export function memoryVerdict(samples) {
  const end = samples.at(-1).t;
  const max = (from, to) => Math.max(...samples.filter((s) => s.t >= from && s.t <= to).map((s) => s.mib));
  const middle = max(end / 3, (2 * end) / 3);
  const last = max((2 * end) / 3, end);
  const limit = Math.max(middle * 1.1, middle + 16);
  return { middle, last, bounded: last <= limit };
}
