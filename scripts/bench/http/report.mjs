// The bench:http report: per target, workerd CPU per request and req/s, each read as a ratio to the trivial
// worker with a 95 % bootstrap interval over the rounds, the targets' verdicts, and the non-2xx answers seen.
import { mulberry32 } from '../workload.mjs';

/** Each target's throughput as a share of the trivial worker's (docs/performance.md). */
export const TARGETS_PCT = { single: 100, bulk: 90 };

const sum = (xs) => xs.reduce((a, b) => a + b, 0);
const mean = (xs) => sum(xs) / xs.length;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (x, d = 0) => x.toFixed(d);

/** 100 · Σ num / Σ den over the rounds `idx`. */
const ratioOfMeans = (num, den, idx) => (100 * idx.reduce((a, i) => a + num[i], 0)) / idx.reduce((a, i) => a + den[i], 0);

/** A 95 % interval of ratioOfMeans, resampling whole rounds 4,000 times with a fixed seed, so that a report can be reproduced. */
function interval(num, den) {
  const n = num.length;
  const rnd = mulberry32(0x5eed);
  const boot = Array.from({ length: 4000 }, () => ratioOfMeans(num, den, Array.from({ length: n }, () => Math.floor(rnd() * n)))).sort((a, b) => a - b);
  return [boot[Math.floor(0.025 * boot.length)], boot[Math.ceil(0.975 * boot.length) - 1]];
}

function verdict(ratio, [lo, hi], target) {
  if (!target) return '';
  const where = lo >= target ? 'whole interval above' : hi < target ? 'whole interval below' : 'interval straddles it';
  return `≥ ${target}%: ${ratio >= target ? 'met' : 'MISSED'}, ${where}`;
}

/**
 * Per target, over all rounds: req/s and CPU per request as ratios to the trivial worker of the same rounds.
 * The CPU ratio is trivial's CPU per request over this one's: the share of the trivial worker's throughput
 * this target would reach if the serving process had the CPU to itself.
 */
export function summarize(runs, names, rounds) {
  const series = (name, field) => Array.from({ length: rounds }, (_, i) => runs.find((r) => r.round === i + 1 && r.name === name)[field]);
  const all = Array.from({ length: rounds }, (_, i) => i);
  const trivialRps = series('trivial', 'rps');
  const trivialCpu = series('trivial', 'cpuUs');
  return names.map((name) => {
    const rs = runs.filter((r) => r.name === name);
    const rps = series(name, 'rps');
    const cpu = series(name, 'cpuUs');
    const target = TARGETS_PCT[name];
    const throughput = { ratio: ratioOfMeans(rps, trivialRps, all), interval: interval(rps, trivialRps), perRound: rps.map((x, i) => (100 * x) / trivialRps[i]) };
    const cpuShare = { ratio: ratioOfMeans(trivialCpu, cpu, all), interval: interval(trivialCpu, cpu) };
    return {
      name,
      target,
      rps: mean(rps),
      p50: mean(rs.map((r) => r.p50)),
      p99: mean(rs.map((r) => r.p99)),
      cpuUs: mean(cpu),
      cpuUsMedian: median(cpu),
      throughput: { ...throughput, verdict: verdict(throughput.ratio, throughput.interval, target), met: target ? throughput.ratio >= target : undefined },
      cpu: { ...cpuShare, verdict: verdict(cpuShare.ratio, cpuShare.interval, target), met: target ? cpuShare.ratio >= target : undefined },
      requests: sum(rs.map((r) => r.requests)),
      non2xx: sum(rs.map((r) => r.non2xx)),
      socketErrors: sum(rs.map((r) => r.errors - r.non2xx)),
    };
  });
}

/** The report in markdown: the headline, the summary table, then every run. */
export function markdown({ header, summary, runs }) {
  const lines = [...header, ''];
  const trivial = summary.find((s) => s.name === 'trivial');
  for (const s of summary.filter((x) => x.target)) {
    lines.push(
      `- **${s.name}**: **${fmt(s.cpuUs)} µs** of workerd CPU per request, so by CPU **${fmt(s.cpu.ratio, 1)}%** of the trivial worker (its ${fmt(trivial.cpuUs)} µs / ${fmt(s.cpuUs)} µs; ${s.cpu.verdict}); ` +
        `**${fmt(s.rps)} req/s**, **${fmt(s.throughput.ratio, 1)}%** of the trivial worker's (${s.throughput.verdict})${s.non2xx ? `; ${s.non2xx} non-2xx answers` : ''}.`,
    );
  }
  const bad = summary.filter((s) => s.non2xx || s.socketErrors);
  lines.push(bad.length ? `- Not only 2xx: ${bad.map((s) => `${s.name} ${s.non2xx} non-2xx and ${s.socketErrors} socket errors of ${s.requests}`).join('; ')}. Those runs measured something besides evaluation.` : '- Every answer was 2xx.');
  lines.push('');
  lines.push(`| target | workerd CPU µs/req (mean; median) | trivial's CPU / this [95 %] | req/s (mean) | vs trivial: ratio of means [95 %] | per-round ratio: median (min–max) | p50 ms | p99 ms | non-2xx | socket errors |`);
  lines.push(`|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|`);
  for (const s of summary) {
    const trivial = s.name === 'trivial';
    const pr = s.throughput.perRound;
    lines.push(
      `| ${s.name} | ${fmt(s.cpuUs)}; ${fmt(s.cpuUsMedian)} | ${trivial ? '100%' : `**${fmt(s.cpu.ratio, 1)}%** [${fmt(s.cpu.interval[0], 1)}–${fmt(s.cpu.interval[1], 1)}%]`} | ${fmt(s.rps)} | ` +
        `${trivial ? '100%' : `**${fmt(s.throughput.ratio, 1)}%** [${fmt(s.throughput.interval[0], 1)}–${fmt(s.throughput.interval[1], 1)}%]`} | ${trivial ? '' : `${fmt(median(pr))}% (${fmt(Math.min(...pr))}–${fmt(Math.max(...pr))}%)`} | ` +
        `${fmt(s.p50, 2)} | ${fmt(s.p99, 2)} | ${s.non2xx} | ${s.socketErrors} |`,
    );
  }
  lines.push('');
  lines.push(`| round | target | req/s | vs trivial | workerd CPU µs/req | p50 ms | p99 ms | non-2xx | load avg (1 min) |`);
  lines.push(`|---|---|---:|---:|---:|---:|---:|---:|---:|`);
  for (const r of runs) {
    const base = runs.find((x) => x.round === r.round && x.name === 'trivial') ?? r;
    lines.push(`| ${r.round} | ${r.name} | ${fmt(r.rps)} | ${fmt((100 * r.rps) / base.rps)}% | ${fmt(r.cpuUs)} | ${fmt(r.p50, 2)} | ${fmt(r.p99, 2)} | ${r.non2xx} | ${r.load1.toFixed(1)} |`);
  }
  return [...lines, ''].join('\n');
}
