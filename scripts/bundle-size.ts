// The dashboard's initial JavaScript: what index.html loads before anything is opened (its entry script and the
// chunks it preloads), gzipped. The build prints it and fails above the budget; a browser test checks it too.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** Issue 15: the initial JavaScript stays under 100 kB gzipped. */
export const INITIAL_JS_BUDGET = 100 * 1000;

export interface InitialJs {
  files: { file: string; gzip: number }[];
  gzip: number;
}

export async function initialJs(distDir: string): Promise<InitialJs> {
  const html = await readFile(join(distDir, 'index.html'), 'utf8');
  const scripts = [...html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g)].map((m) => m[1]);
  const preloads = [...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)].map((m) => m[1]);
  if (scripts.length === 0) throw new Error(`no module script in ${join(distDir, 'index.html')}`);
  const files = await Promise.all(
    [...new Set([...scripts, ...preloads])].map(async (file) => ({
      file,
      gzip: gzipSync(await readFile(join(distDir, file.replace(/^\//, '')))).length
    }))
  );
  return { files, gzip: files.reduce((sum, f) => sum + f.gzip, 0) };
}

export const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;
