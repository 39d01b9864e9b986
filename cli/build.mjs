#!/usr/bin/env node
// Bundles the CLI (cli/src, the engine's validator, commander, yaml) into one file, cli/dist/curtain.mjs, that
// runs on Node >= 22 with nothing installed. Run by `npm run build:cli`, by `prepare` (so `npm ci` builds it)
// and by the CLI tests' global setup.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const { version } = JSON.parse(readFileSync(join(here, '../package.json'), 'utf8'));

export async function buildCli() {
  await build({
    entryPoints: [join(here, 'src/main.ts')],
    outfile: join(here, 'dist/curtain.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    define: { __CURTAIN_VERSION__: JSON.stringify(version) },
    legalComments: 'eof',
    // yaml's Node entry is CommonJS and requires Node built-ins; an ES module has no `require` of its own.
    banner: { js: "import { createRequire as __curtainRequire } from 'node:module';\nconst require = __curtainRequire(import.meta.url);" },
    logLevel: 'warning',
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildCli();
