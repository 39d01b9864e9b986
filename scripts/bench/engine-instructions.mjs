// Instructions per evaluation under valgrind's callgrind: a measure of engine work that the other jobs of a shared
// machine do not move (timings there swing by tens of percent). Each contender runs N evaluations to warm up the
// JIT and then 1 or 3 times N more; the difference of the two counts over 2N is the steady-state cost of one.
//
//   node scripts/bench/engine-instructions.mjs [--flags 200,1000] [--n 100000] name=path/to/engine/entry.ts …
//   (needs valgrind; a contender named `baseline` is added: the harness's trivial baseline)
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleContenders, takeOption, writeWorkloads } from './engine-contenders.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const FLAGS = takeOption(args, 'flags', '200,1000').split(',').map(Number);
const N = Number(takeOption(args, 'n', 100000));
const WORK = join(tmpdir(), 'curtain-engine-instructions');
const contenders = await bundleContenders(args, WORK);
const workloads = writeWorkloads(FLAGS, WORK);
function instructions(bundle, file, mode, n, repeats) {
  // one thread, predictable: V8's background compilers and collectors would add their own, varying, instructions
  const r = spawnSync('valgrind', ['--tool=callgrind', '--callgrind-out-file=/dev/null', process.execPath, '--single-threaded', '--predictable', join(HERE, 'engine-instructions-child.mjs'), bundle, file, mode, String(n), String(repeats)], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const m = /Collected : (\d+)/.exec(r.stderr);
  if (!m) throw new Error(`callgrind: ${r.stderr.slice(-500)}`);
  return Number(m[1]);
}
const rows = ['| flags | engine | instructions per single evaluation | × baseline | instructions per bulk user | × baseline |', '|---|---|---:|---:|---:|---:|'];
for (const { n: nFlags, file } of workloads) {
  const per = {};
  for (const c of contenders) {
    const nBulk = Math.max(50, Math.round((N * 2) / nFlags));
    const single = (instructions(c.bundle, file, 'single', N, 3) - instructions(c.bundle, file, 'single', N, 1)) / (2 * N);
    const bulk = (instructions(c.bundle, file, 'bulk', nBulk, 3) - instructions(c.bundle, file, 'bulk', nBulk, 1)) / (2 * nBulk);
    per[c.name] = { single, bulk };
    console.error(`${nFlags} flags ${c.name}: ${single.toFixed(0)} per single evaluation, ${bulk.toFixed(0)} per bulk user`);
  }
  for (const c of contenders) {
    const { single, bulk } = per[c.name];
    rows.push(`| ${nFlags} | ${c.name} | ${single.toFixed(0)} | ${(single / per.baseline.single).toFixed(2)} | ${bulk.toFixed(0)} | ${(bulk / per.baseline.bulk).toFixed(2)} |`);
  }
}
console.log(rows.join('\n'));
