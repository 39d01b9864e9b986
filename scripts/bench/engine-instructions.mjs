// Instructions per evaluation under valgrind's callgrind: a measure of engine work that the other jobs of a shared
// machine do not move (timings there swing by tens of percent). Each contender runs N evaluations to warm up the
// JIT and then 1 or 3 times N more; the difference of the two counts over 2N is the steady-state cost of one.
//
//   node scripts/bench/engine-instructions.mjs [--flags 200,1000] [--n 100000] [--cache] [--branches] name=path/to/engine/entry.ts …
//   (needs valgrind; a contender named `baseline` is added: the harness's trivial baseline)
// With --cache: cachegrind instead, with this machine's data caches simulated (L1 48 KiB, 12-way; L2 2 MiB, 16-way,
// as the last level), and the misses per evaluation too: what instructions do not count, and why an evaluation among
// 1,000 flags takes longer than among 200 for the same instructions.
// With --branches: cachegrind's branch predictor simulated too, and the mispredicted branches per evaluation (each
// costs the pipeline some 15–20 cycles: work that depends on the data, like which rule matches, shows up here).
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleContenders, takeFlag, takeOption, writeWorkloads } from './engine-contenders.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const FLAGS = takeOption(args, 'flags', '200,1000').split(',').map(Number);
const N = Number(takeOption(args, 'n', 100000));
const CACHE = takeFlag(args, 'cache');
const BRANCHES = takeFlag(args, 'branches');
const GRIND = CACHE || BRANCHES;
const WORK = join(tmpdir(), 'curtain-engine-instructions');
const contenders = await bundleContenders(args, WORK);
const workloads = writeWorkloads(FLAGS, WORK);
/** Instructions (and with --cache, L1 and last-level data misses) of one contender's run. */
function counts(bundle, file, mode, n, repeats) {
  // one thread, predictable: V8's background compilers and collectors would add their own, varying, instructions
  const tool = GRIND
    ? ['--tool=cachegrind', `--cache-sim=${CACHE ? 'yes' : 'no'}`, `--branch-sim=${BRANCHES ? 'yes' : 'no'}`, '--D1=49152,12,64', '--LL=2097152,16,64', '--cachegrind-out-file=/dev/null']
    : ['--tool=callgrind', '--callgrind-out-file=/dev/null'];
  const r = spawnSync('valgrind', [...tool, process.execPath, '--single-threaded', '--predictable', join(HERE, 'engine-instructions-child.mjs'), bundle, file, mode, String(n), String(repeats)], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const num = (re) => Number(re.exec(r.stderr)?.[1].replace(/,/g, ''));
  const out = GRIND ? { ir: num(/I\s+refs:\s+([\d,]+)/), d1: CACHE ? num(/D1\s+misses:\s+([\d,]+)/) : 0, ll: CACHE ? num(/LLd misses:\s+([\d,]+)/) : 0, bm: BRANCHES ? num(/Mispredicts:\s+([\d,]+)/) : 0 } : { ir: num(/Collected : (\d+)/), d1: 0, ll: 0, bm: 0 };
  if (!Number.isFinite(out.ir)) throw new Error(`valgrind: ${r.stderr.slice(-500)}`);
  return out;
}
/** Per evaluation: the difference of 3 and 1 times n evaluations over 2n. */
function perEvaluation(bundle, file, mode, n) {
  const a = counts(bundle, file, mode, n, 1);
  const b = counts(bundle, file, mode, n, 3);
  return { ir: (b.ir - a.ir) / (2 * n), d1: (b.d1 - a.d1) / (2 * n), ll: (b.ll - a.ll) / (2 * n), bm: (b.bm - a.bm) / (2 * n) };
}
/** The columns of one mode (single or bulk): instructions, then what --cache and --branches add. */
const columns = (what) => [`instructions per ${what}`, ...(GRIND ? [] : ['× baseline']), ...(CACHE ? ['L1 data misses', 'L2 data misses'] : []), ...(BRANCHES ? ['mispredicted branches'] : [])];
const cells = (x, base, bulk) => [x.ir.toFixed(0), ...(GRIND ? [] : [(x.ir / base.ir).toFixed(2)]), ...(CACHE ? [x.d1.toFixed(bulk ? 0 : 1), x.ll.toFixed(bulk ? 1 : 2)] : []), ...(BRANCHES ? [x.bm.toFixed(bulk ? 0 : 1)] : [])];
const header = ['flags', 'engine', ...columns('single evaluation'), ...columns('bulk user')];
const rows = [`| ${header.join(' | ')} |`, `|---|---|${'---:|'.repeat(header.length - 2)}`];
for (const { n: nFlags, file } of workloads) {
  const per = {};
  for (const c of contenders) {
    const nBulk = Math.max(50, Math.round((N * 2) / nFlags));
    const single = perEvaluation(c.bundle, file, 'single', N);
    const bulk = perEvaluation(c.bundle, file, 'bulk', nBulk);
    per[c.name] = { single, bulk };
    console.error(`${nFlags} flags ${c.name}: ${single.ir.toFixed(0)} per single evaluation, ${bulk.ir.toFixed(0)} per bulk user`);
  }
  for (const c of contenders) {
    const { single, bulk } = per[c.name];
    rows.push(`| ${[nFlags, c.name, ...cells(single, per.baseline.single, false), ...cells(bulk, per.baseline.bulk, true)].join(' | ')} |`);
  }
}
console.log(rows.join('\n'));
