// Interleaved A/B of engine bundles (and the harness's trivial baseline) on the bench workloads, in fresh Node
// processes, alternating every round so that the machine's drift hits every contender alike. Reports per
// contender the median single evaluations/s and bulk users/s, and the median over rounds of the ratio to the
// baseline measured in the same round.
//
//   node scripts/bench/engine-ab.mjs [--rounds 6] [--flags 200,1000] name=path/to/engine/index.ts …
//   (a contender named `baseline` is added: a Map lookup and murmur3 of the user key, the harness's)
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleContenders, takeOption, writeWorkloads } from './engine-contenders.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const ROUNDS = Number(takeOption(args, 'rounds', 6));
const FLAGS = takeOption(args, 'flags', '200,1000').split(',').map(Number);
const WARM = takeOption(args, 'warmup-ms', '400');
const MEAS = takeOption(args, 'measure-ms', '800');
const WORK = join(tmpdir(), 'curtain-engine-ab');
const contenders = await bundleContenders(args, WORK);
const workloads = writeWorkloads(FLAGS, WORK);

const results = {}; // `${contender}/${n}` -> [{single, bulk}]
for (let round = 0; round < ROUNDS; round++) {
  const order = contenders.map((_, i) => contenders[(i + round) % contenders.length]);
  for (const w of workloads) {
    for (const c of order) {
      const r = spawnSync(process.execPath, [join(HERE, 'engine-ab-child.mjs'), c.bundle, w.file, WARM, MEAS], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`${c.name}: ${r.stderr}`);
      const out = JSON.parse(r.stdout.trim().split('\n').pop());
      (results[`${c.name}/${w.n}`] ??= []).push(out);
      console.error(`round ${round + 1} ${w.n} flags ${c.name}: single ${(out.single / 1e6).toFixed(2)}M/s bulk ${(out.bulk / 1e3).toFixed(1)}k/s`);
    }
  }
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const lines = ['| flags | engine | single evals/s (median) | baseline/engine, single (median of rounds) | bulk users/s (median) | baseline/engine, bulk |', '|---|---|---|---|---|---|'];
const summary = [];
for (const w of workloads) {
  const base = results[`baseline/${w.n}`];
  for (const c of contenders) {
    const rs = results[`${c.name}/${w.n}`];
    const rs1 = median(rs.map((r, i) => base[i].single / r.single));
    const rb1 = median(rs.map((r, i) => base[i].bulk / r.bulk));
    lines.push(`| ${w.n} | ${c.name} | ${(median(rs.map((r) => r.single)) / 1e6).toFixed(2)}M | ${rs1.toFixed(2)}x | ${(median(rs.map((r) => r.bulk)) / 1e3).toFixed(1)}k | ${rb1.toFixed(2)}x |`);
    summary.push({ flags: w.n, engine: c.name, single: median(rs.map((r) => r.single)), bulk: median(rs.map((r) => r.bulk)), singleVsBaseline: rs1, bulkVsBaseline: rb1 });
  }
}
console.log(lines.join('\n'));
writeFileSync(join(WORK, 'results.json'), JSON.stringify({ rounds: ROUNDS, summary, results }, null, 1));
