// What the engine A/B and the instruction count share: their options, the contenders (engine bundles built from
// entry files, and the harness's trivial baseline) and the workloads, written once per run.
import { build } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateWorkload } from './workload.mjs';

/** Removes `--name value` from `args` and returns the value, or `fallback`. */
export function takeOption(args, name, fallback) {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args.splice(i, 2)[1] : fallback;
}

/** Removes `--name` from `args`; whether it was there. */
export function takeFlag(args, name) {
  const i = args.indexOf(`--${name}`);
  if (i >= 0) args.splice(i, 1);
  return i >= 0;
}

/** `baseline`, then one minified bundle per `name=path/to/engine/entry.ts` argument, built into `dir`. */
export async function bundleContenders(args, dir) {
  mkdirSync(dir, { recursive: true });
  const contenders = [{ name: 'baseline', bundle: 'baseline' }];
  for (const a of args) {
    const [name, src] = a.split('=');
    const out = join(dir, `${name}.mjs`);
    await build({ entryPoints: [resolve(src)], bundle: true, format: 'esm', minify: true, platform: 'neutral', target: 'es2022', outfile: out, logLevel: 'error' });
    contenders.push({ name, bundle: out });
  }
  return contenders;
}

/** The 200-flag workload is the harness's own; other sizes take the seed `npm run bench` gives them. */
export const seedOf = (n) => (n === 200 ? 20240601 : 20241207);

/** The workloads of these sizes, as files in `dir`. */
export function writeWorkloads(sizes, dir) {
  return sizes.map((n) => {
    const file = join(dir, `workload-${n}.json`);
    writeFileSync(file, JSON.stringify(generateWorkload({ seed: seedOf(n), nFlags: n })));
    return { n, file };
  });
}
