// `npm run bench`: builds the engine (ESM, minified) and reports its size; times setup and a 10,000-flag
// compile; then runs the side-by-side harness of ../shared/bench-peers (Node and workerd) with a Curtain
// adapter, or, when that folder is absent, a Curtain-only run on Curtain's copy of the workload.
//
//   BENCH_REPS=3 BENCH_PEERS=baseline,flagd-interp,unleash,curtain BENCH_WORKERD=1 npm run bench
//   PEERBENCH_DIR=/tmp/x  (work dir for the harness; default: <tmp>/curtain-peerbench)
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync, readdirSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { generateWorkload } from './bench/workload.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PEERS_SRC = resolve(ROOT, '../shared/bench-peers');
const WORK = resolve(process.env.PEERBENCH_DIR || join(tmpdir(), 'curtain-peerbench'));
const REPS = process.env.BENCH_REPS || '3';
const ONLY = process.env.BENCH_PEERS || 'baseline,flagd-interp,unleash,curtain';
const WORKERD = process.env.BENCH_WORKERD !== '0';
const log = (...a) => console.error('==', ...a);

// 1. The engine as Workers would ship it: one ES module, minified.
mkdirSync(WORK, { recursive: true });
const bundle = join(WORK, 'curtain-engine.mjs');
const built = await build({
  entryPoints: [join(ROOT, 'worker/src/engine/index.ts')], bundle: true, format: 'esm', minify: true,
  platform: 'neutral', target: 'es2022', outfile: bundle, metafile: true, logLevel: 'error',
});
const externals = Object.values(built.metafile.outputs).flatMap((o) => o.imports.map((i) => i.path));
const code = readFileSync(bundle);
const size = { minifiedKB: code.length / 1024, gzipKB: gzipSync(code, { level: 9 }).length / 1024, imports: externals };
log(`engine bundle: ${size.minifiedKB.toFixed(1)} KB minified, ${size.gzipKB.toFixed(1)} KB min+gzip, imports: ${externals.join(', ') || 'none'}`);

// 2. Setup and compile timings, each in a fresh Node process (cold = first compile, JIT-cold).
function timings(nFlags) {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts/bench/setup-timings.mjs'), bundle, String(nFlags)], { encoding: 'utf8' });
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
const results = { when: new Date().toISOString(), size, setup200, setup10k, releaseCost, node: null, workerd: null };
const run = (cmd, args, opts = {}) => {
  const r = spawnSync(cmd, args, { cwd: WORK, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status})`);
  return r.stdout;
};
if (existsSync(join(PEERS_SRC, 'runner.mjs'))) {
  for (const f of ['adapters', 'lib', 'workload', 'workerd', 'child.mjs', 'runner.mjs', 'bundle-size.mjs', 'package.json', 'package-lock.json']) {
    if (existsSync(join(PEERS_SRC, f))) cpSync(join(PEERS_SRC, f), join(WORK, f), { recursive: true, force: true });
  }
  const writable = (p) => { chmodSync(p, 0o755); if (statSync(p).isDirectory()) for (const c of readdirSync(p)) writable(join(p, c)); };
  writable(WORK);
  cpSync(join(ROOT, 'scripts/bench/curtain-adapter.mjs'), join(WORK, 'adapters/curtain.mjs'));
  cpSync(join(ROOT, 'scripts/bench/_curtain-config.mjs'), join(WORK, 'adapters/_curtain-config.mjs'));
  if (!existsSync(join(WORK, 'node_modules/@openfeature/flagd-core'))) {
    log(`installing the harness's pinned peers into ${WORK}`);
    run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { stdio: ['ignore', 'inherit', 'inherit'] });
  }
  run(process.execPath, ['workload/generate.mjs', 'workload.json']);
  const same = readFileSync(join(WORK, 'workload.json'), 'utf8') === JSON.stringify(generateWorkload());
  log(`harness workload ${same ? 'identical to' : 'DIFFERS from'} scripts/bench/workload.mjs`);
  log(`node ${process.version}: ${ONLY}, ${REPS} reps`);
  run(process.execPath, ['runner.mjs', '--reps', REPS, '--only', ONLY, '--out', 'results-node.json'], { stdio: ['ignore', 'ignore', 'inherit'] });
  results.node = JSON.parse(readFileSync(join(WORK, 'results-node.json'), 'utf8'));
  const wd = join(ROOT, 'node_modules/@cloudflare/workerd-linux-64/bin/workerd');
  if (WORKERD && existsSync(wd)) {
    log(`workerd: ${ONLY}, ${REPS} reps`);
    run(process.execPath, ['workerd/run-workerd.mjs', '--workerd', wd, '--reps', REPS, '--only', ONLY, '--out', 'results-workerd.json'], { stdio: ['ignore', 'ignore', 'inherit'] });
    results.workerd = JSON.parse(readFileSync(join(WORK, 'results-workerd.json'), 'utf8'));
  } else log('workerd pass skipped');
} else {
  log(`${PEERS_SRC} absent: Curtain-only run on scripts/bench/workload.mjs (Node)`);
  results.node = { rows: [curtainOnly()] };
}

// 4. Ratios against the targets of the engine issue.
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
  for (const [k, label, vsPeer, vsBase] of [['single', 'single evals/s', 7, 3.5], ['bulk', 'all-flags users/s', 7, 2.5]]) {
    const p = best(k);
    if (p) out.push(`${label}: ${(ours[k].median / p[k].median).toFixed(1)}x the fastest peer (${p.name}); target >= ${vsPeer}x`);
    if (base) out.push(`${label}: ${(base[k].median / ours[k].median).toFixed(2)}x slower than the baseline; target <= ${vsBase}x`);
  }
  out.push(`cold setup, 200 flags: ${ours.coldSetupMs.median.toFixed(2)} ms; target <= 3 ms`);
  return out;
}
const summary = [
  `bundle: ${size.gzipKB.toFixed(1)} KB min+gzip (target <= 20), imports: ${externals.length ? externals.join(', ') : 'none'}`,
  `10,000-flag compile (target < 100 ms): ${setup10k.coldCompileMs.toFixed(1)} ms cold, ${setup10k.warmCompileMs.toFixed(1)} ms warm; ` +
    `with JSON.parse of the ${(setup10k.configBytes / 1e6).toFixed(1)} MB string ${setup10k.coldMs.toFixed(1)} ms cold, ${setup10k.warmMs.toFixed(1)} ms warm; ` +
    `every flag's targeting compiled eagerly ${setup10k.eagerCompileMs.toFixed(1)} ms warm (Node ${setup10k.node})`,
  `a flag under a release: ${((releaseCost.ratio - 1) * 100).toFixed(1)} % per evaluation over the same flag with a plain fractional split ` +
    `(${releaseCost.releaseNs.toFixed(1)} vs ${releaseCost.fractionalNs.toFixed(1)} ns, Node ${releaseCost.node}); target <= 10 %`,
  ...verdicts(results.node).map((l) => `node: ${l}`),
  ...verdicts(results.workerd).map((l) => `workerd: ${l}`),
];
results.summary = summary;
writeFileSync(join(WORK, 'curtain-bench.json'), JSON.stringify(results, null, 1));
console.log(['', ...(results.node?.table ? [results.node.table, ''] : []), ...(results.workerd?.table ? [results.workerd.table, ''] : []), ...summary.map((l) => `- ${l}`)].join('\n'));
log(`results in ${join(WORK, 'curtain-bench.json')}`);

/** Without the harness: Curtain alone, same loops as the harness (1 s warm-up, 1.5 s measured). */
function curtainOnly() {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts/bench/curtain-only.mjs'), bundle], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}
