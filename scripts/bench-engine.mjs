// `npm run bench`: builds the engine as the edge runs it (engine/evaluation.ts: ESM, minified) and reports its
// size (and the whole engine's, save-time validation included); times setup and a 10,000-flag compile; then runs
// the side-by-side harness of ../shared/bench-peers (Node and workerd) with a Curtain adapter on two workloads,
// the harness's own 200 flags and 1,000 flags made by the harness's generator with another seed (BENCH_FLAGS);
// or, when that folder is absent, a Curtain-only run on Curtain's copy of the workload.
//
//   BENCH_REPS=3 BENCH_PEERS=baseline,flagd-interp,unleash,curtain BENCH_WORKERD=1 BENCH_FLAGS=200,1000 npm run bench
//   PEERBENCH_DIR=/tmp/x  (work dir for the harness; default: <tmp>/curtain-peerbench)
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateWorkload } from './bench/workload.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PEERS_SRC = resolve(ROOT, '../shared/bench-peers');
const WORK = resolve(process.env.PEERBENCH_DIR || join(tmpdir(), 'curtain-peerbench'));
const REPS = process.env.BENCH_REPS || '3';
const ONLY = process.env.BENCH_PEERS || 'baseline,flagd-interp,unleash,curtain';
const WORKERD = process.env.BENCH_WORKERD !== '0';
const FLAG_COUNTS = (process.env.BENCH_FLAGS || '200,1000').split(',').map(Number);
/** The harness's workload is 200 flags with its seed; other sizes use the harness's generator with another seed. */
const SEED_OTHER = 20241207;
const log = (...a) => console.error('==', ...a);

// 1. The engine as Workers would ship it: one ES module, minified. The edge runs engine/evaluation.ts (compile and
// evaluate); the whole engine (index.ts) adds the save-time validation, which only the admin API runs.
mkdirSync(WORK, { recursive: true });
const bundle = join(WORK, 'curtain-engine.mjs');
async function bundleOf(entry, outfile) {
  const built = await build({
    entryPoints: [join(ROOT, entry)], bundle: true, format: 'esm', minify: true,
    platform: 'neutral', target: 'es2022', outfile, metafile: true, logLevel: 'error',
  });
  const imports = Object.values(built.metafile.outputs).flatMap((o) => o.imports.map((i) => i.path));
  const code = readFileSync(outfile);
  return { minifiedKB: code.length / 1024, gzipKB: gzipSync(code, { level: 9 }).length / 1024, imports };
}
const size = await bundleOf('worker/src/engine/evaluation.ts', bundle);
const fullSize = await bundleOf('worker/src/engine/index.ts', join(WORK, 'curtain-engine-full.mjs'));
const externals = size.imports;
log(`engine bundle (evaluation, as the edge runs it): ${size.minifiedKB.toFixed(1)} KB minified, ${size.gzipKB.toFixed(1)} KB min+gzip, imports: ${externals.join(', ') || 'none'}`);
log(`whole engine (with save-time validation): ${fullSize.minifiedKB.toFixed(1)} KB minified, ${fullSize.gzipKB.toFixed(1)} KB min+gzip`);

// 2. Setup and compile timings, each in a fresh Node process (cold = first compile, JIT-cold).
function timings(nFlags) {
  // the whole engine: these timings include validating the set
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts/bench/setup-timings.mjs'), join(WORK, 'curtain-engine-full.mjs'), String(nFlags)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}
const setup200 = timings(200);
const releaseCost = (() => {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts/bench/release-cost.mjs'), bundle], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop());
})();
log(`release vs fractional: ${releaseCost.releaseNs.toFixed(1)} vs ${releaseCost.fractionalNs.toFixed(1)} ns per evaluation`);
const setup10k = timings(10000);
const setupLine = (s, d) =>
  `cold ${s.coldMs.toFixed(d)} ms (parse ${s.coldParseMs.toFixed(d)} + compile ${s.coldCompileMs.toFixed(d)}), ` +
  `warm ${s.warmMs.toFixed(d)} ms (parse ${s.warmParseMs.toFixed(d)} + compile ${s.warmCompileMs.toFixed(d)}), ` +
  `eager compile ${s.eagerCompileMs.toFixed(d)} ms, validate+compile ${s.validateAndCompileMs.toFixed(d)} ms`;
log(`200 flags: ${setupLine(setup200, 2)} (${setup200.node})`);
log(`10,000 flags: ${setupLine(setup10k, 1)}`);

// 3. Side by side.
const results = { when: new Date().toISOString(), size, fullSize, setup200, setup10k, releaseCost, workloads: {} };
const run = (cmd, args, opts = {}) => {
  const r = spawnSync(cmd, args, { cwd: WORK, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status})`);
  return r.stdout;
};
/** Copies the harness into `dir` with Curtain's adapter and runs it on `workload` (JSON text), in Node and workerd. */
function runHarness(dir, workload, nFlags) {
  mkdirSync(dir, { recursive: true });
  for (const f of ['adapters', 'lib', 'workload', 'workerd', 'child.mjs', 'runner.mjs', 'bundle-size.mjs', 'package.json', 'package-lock.json']) {
    if (existsSync(join(PEERS_SRC, f))) cpSync(join(PEERS_SRC, f), join(dir, f), { recursive: true, force: true });
  }
  const writable = (p) => { chmodSync(p, 0o755); if (statSync(p).isDirectory()) for (const c of readdirSync(p)) if (c !== 'node_modules') writable(join(p, c)); };
  writable(dir);
  cpSync(join(ROOT, 'scripts/bench/curtain-adapter.mjs'), join(dir, 'adapters/curtain.mjs'));
  cpSync(join(ROOT, 'scripts/bench/_curtain-config.mjs'), join(dir, 'adapters/_curtain-config.mjs'));
  if (dir !== WORK) {
    cpSync(bundle, join(dir, 'curtain-engine.mjs'));
    if (!existsSync(join(dir, 'node_modules'))) symlinkSync(join(WORK, 'node_modules'), join(dir, 'node_modules'));
  }
  writeFileSync(join(dir, 'workload.json'), workload);
  const out = { node: null, workerd: null };
  log(`${nFlags} flags, node ${process.version}: ${ONLY}, ${REPS} reps`);
  run(process.execPath, ['runner.mjs', '--reps', REPS, '--only', ONLY, '--out', 'results-node.json'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  out.node = JSON.parse(readFileSync(join(dir, 'results-node.json'), 'utf8'));
  const wd = join(ROOT, 'node_modules/@cloudflare/workerd-linux-64/bin/workerd');
  if (WORKERD && existsSync(wd)) {
    log(`${nFlags} flags, workerd: ${ONLY}, ${REPS} reps`);
    run(process.execPath, ['workerd/run-workerd.mjs', '--workerd', wd, '--reps', REPS, '--only', ONLY, '--out', 'results-workerd.json'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
    out.workerd = JSON.parse(readFileSync(join(dir, 'results-workerd.json'), 'utf8'));
  } else log('workerd pass skipped');
  return out;
}

if (existsSync(join(PEERS_SRC, 'runner.mjs'))) {
  cpSync(join(PEERS_SRC, 'package.json'), join(WORK, 'package.json'), { force: true });
  cpSync(join(PEERS_SRC, 'package-lock.json'), join(WORK, 'package-lock.json'), { force: true });
  chmodSync(join(WORK, 'package.json'), 0o644);
  chmodSync(join(WORK, 'package-lock.json'), 0o644);
  if (!existsSync(join(WORK, 'node_modules/@openfeature/flagd-core'))) {
    log(`installing the harness's pinned peers into ${WORK}`);
    run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { stdio: ['ignore', 'inherit', 'inherit'] });
  }
  const { generateWorkload: harnessWorkload } = await import(pathToFileURL(join(PEERS_SRC, 'workload/generate.mjs')).href);
  for (const n of FLAG_COUNTS) {
    const seed = n === 200 ? undefined : SEED_OTHER;
    const text = JSON.stringify(harnessWorkload(seed === undefined ? {} : { seed, nFlags: n }));
    if (n === 200) log(`harness workload ${text === JSON.stringify(generateWorkload()) ? 'identical to' : 'DIFFERS from'} scripts/bench/workload.mjs`);
    results.workloads[n] = { seed: seed ?? 20240601, ...runHarness(n === 200 ? WORK : `${WORK}-${n}`, text, n) };
  }
} else {
  log(`${PEERS_SRC} absent: Curtain-only run on scripts/bench/workload.mjs (Node)`);
  results.workloads[200] = { seed: 20240601, node: { rows: [curtainOnly()] }, workerd: null };
}

// 4. Ratios against the targets of the engine issue (issue 22): >= 10x the fastest peer, <= 2.5x / 1.3x the baseline.
function verdicts(table) {
  if (!table) return [];
  const rows = table.rows.filter((r) => !r.error);
  const get = (a) => rows.find((r) => r.adapter === a);
  const ours = get('curtain');
  const base = get('baseline');
  const peers = rows.filter((r) => r.adapter !== 'curtain' && r.adapter !== 'baseline');
  if (!ours) return ['curtain: no result'];
  const best = (k) => peers.reduce((b, r) => (!b || r[k].median > b[k].median ? r : b), null);
  const out = [];
  for (const [k, label, vsPeer, vsBase] of [['single', 'single evals/s', 10, 2.5], ['bulk', 'all-flags users/s', 10, 1.3]]) {
    const p = best(k);
    if (p) out.push(`${label}: ${(ours[k].median / p[k].median).toFixed(1)}x the fastest peer (${p.name}); target >= ${vsPeer}x`);
    // the harness's own ratio: median over repetitions of baseline / engine within the same repetition
    const ratio = ours[`${k}SlowdownVsBaseline`] ?? (base ? base[k].median / ours[k].median : NaN);
    if (base) out.push(`${label}: ${ratio.toFixed(2)}x slower than the baseline; target <= ${vsBase}x`);
  }
  out.push(`cold setup: ${ours.coldSetupMs.median.toFixed(2)} ms; target <= 3 ms`);
  return out;
}
const summary = [
  `bundle (evaluation, as the edge runs it): ${size.gzipKB.toFixed(1)} KB min+gzip (target <= 15), imports: ${externals.length ? externals.join(', ') : 'none'}; ` +
    `the whole engine with save-time validation: ${fullSize.gzipKB.toFixed(1)} KB`,
  `10,000-flag compile (target < 100 ms): ${setup10k.coldCompileMs.toFixed(1)} ms cold, ${setup10k.warmCompileMs.toFixed(1)} ms warm; ` +
    `with JSON.parse of the ${(setup10k.configBytes / 1e6).toFixed(1)} MB string ${setup10k.coldMs.toFixed(1)} ms cold, ${setup10k.warmMs.toFixed(1)} ms warm; ` +
    `every flag's targeting compiled eagerly ${setup10k.eagerCompileMs.toFixed(1)} ms warm (Node ${setup10k.node})`,
  `a flag under a release: ${((releaseCost.ratio - 1) * 100).toFixed(1)} % per evaluation over the same flag with a plain fractional split ` +
    `(${releaseCost.releaseNs.toFixed(1)} vs ${releaseCost.fractionalNs.toFixed(1)} ns, Node ${releaseCost.node}); target <= 10 %`,
];
for (const [n, w] of Object.entries(results.workloads)) {
  summary.push(...verdicts(w.node).map((l) => `${n} flags, node: ${l}`), ...verdicts(w.workerd).map((l) => `${n} flags, workerd: ${l}`));
}
results.summary = summary;
writeFileSync(join(WORK, 'curtain-bench.json'), JSON.stringify(results, null, 1));
const tables = Object.entries(results.workloads).flatMap(([n, w]) => [`### ${n} flags (seed ${w.seed})`, '', ...(w.node?.table ? [w.node.table, ''] : []), ...(w.workerd?.table ? [w.workerd.table, ''] : [])]);
console.log(['', ...tables, ...summary.map((l) => `- ${l}`)].join('\n'));
log(`results in ${join(WORK, 'curtain-bench.json')}`);

/** Without the harness: Curtain alone, same loops as the harness (1 s warm-up, 1.5 s measured). */
function curtainOnly() {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts/bench/curtain-only.mjs'), bundle], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}
