// Where an engine's evaluations spend their time, down to the JIT's instructions: `perf record` (CPU clock samples) of
// the single or bulk loop of engine-instructions-child.mjs, with V8's jitdump (--perf-prof) injected so that optimized
// JavaScript functions have names and code. Prints the functions by share of samples; with --annotate <text>, the
// hottest instructions of the first function whose name contains the text (a load that misses shows up as the
// instruction after it). Needs Linux `perf` (user-space sampling of one's own processes: perf_event_paranoid ≤ 2).
//
//   node scripts/bench/engine-perf.mjs [--flags 200] [--mode single|bulk] [--annotate heldAt] path/to/engine/index.ts
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { takeOption, writeWorkloads } from './engine-contenders.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const flags = Number(takeOption(args, 'flags', '200'));
const mode = takeOption(args, 'mode', 'single');
const annotate = takeOption(args, 'annotate', '');
if (args.length !== 1) throw new Error('usage: engine-perf.mjs [--flags N] [--mode single|bulk] [--annotate name] entry.ts');
const WORK = join(tmpdir(), 'curtain-engine-perf');
rmSync(WORK, { recursive: true, force: true });
mkdirSync(WORK, { recursive: true });
// unminified, so that the functions keep their names
const bundle = join(WORK, 'engine.mjs');
await build({ entryPoints: [resolve(args[0])], bundle: true, format: 'esm', platform: 'neutral', target: 'es2022', outfile: bundle, logLevel: 'error' });
const [{ file }] = writeWorkloads([flags], WORK);
const n = mode === 'single' ? 2_000_000 : Math.round(4_000_000 / flags);
const run = (cmd, argv) => {
  const r = spawnSync(cmd, argv, { cwd: WORK, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${cmd}: ${r.stderr.slice(-800)}`);
  return r.stdout;
};
run('perf', ['record', '-q', '-k', '1', '-e', 'cpu-clock', '-o', 'perf.data', '--', process.execPath, '--perf-prof', '--single-threaded', join(HERE, 'engine-instructions-child.mjs'), bundle, file, mode, String(n), '3']);
run('perf', ['inject', '-i', 'perf.data', '--jit', '-o', 'perf.jit.data']);
const report = run('perf', ['report', '-i', 'perf.jit.data', '--sort', 'sym', '--stdio']);
const top = report.split('\n').filter((l) => /^\s+\d/.test(l)).slice(0, 15);
console.log(top.join('\n'));
if (annotate) {
  const line = top.find((l) => l.includes(annotate));
  if (!line) throw new Error(`no function named like "${annotate}" among the top 15`);
  const symbol = line.replace(/^\s+[\d.]+%\s+\[\.\]\s+/, '').trim();
  const text = run('perf', ['annotate', '-i', 'perf.jit.data', '--stdio', symbol]);
  const hot = text.split('\n').filter((l) => Number.parseFloat(l) >= 1);
  console.log(`\nhottest instructions of ${symbol} (% of its samples):\n${hot.join('\n')}`);
}
for (const f of readdirSync(WORK)) if (f.endsWith('.so') || f.startsWith('jit-')) rmSync(join(WORK, f), { force: true });
