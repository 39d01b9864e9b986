#!/usr/bin/env node
// Bundles the CLI (cli/src, the engine's validator, commander, yaml) into one file, cli/dist/curtain.mjs, that runs on
// Node >= 18 with nothing installed: the `bin` of the curtain-cli package (cli/package.json). Run by
// `npm run build:cli`, by the root's `prepare` (so `npm ci` builds it), by `npm pack` in cli/ (prepack) and by the
// CLI tests' global setup.
import { chmod, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
export const outfile = join(here, 'dist/curtain.mjs');

export async function buildCli() {
  const { version } = JSON.parse(await readFile(join(here, 'package.json'), 'utf8'));
  await build({
    entryPoints: [join(here, 'src/main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node18',
    define: { __CURTAIN_VERSION__: JSON.stringify(version) },
    legalComments: 'eof',
    // yaml's Node entry is CommonJS and requires Node built-ins; an ES module has no `require` of its own.
    banner: {
      js: "#!/usr/bin/env node\nimport { createRequire as __curtainRequire } from 'node:module';\nconst require = __curtainRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
  await chmod(outfile, 0o755);
  // the `./openfeature` export: OpenFeature tracking for apps (src/openfeature), for browsers and servers alike
  await build({ entryPoints: [join(here, 'src/openfeature/index.ts')], outfile: join(here, 'dist/openfeature.mjs'), bundle: true, format: 'esm', target: 'es2020', logLevel: 'warning' });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildCli();
