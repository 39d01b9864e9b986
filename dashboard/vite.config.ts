// Builds the dashboard into dashboard/dist, which the worker serves as static assets (see wrangler.toml); prints the
// initial JavaScript's gzipped size and fails the build above its budget.
import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { INITIAL_JS_BUDGET, initialJs, kB } from '../scripts/bundle-size';

const root = decodeURIComponent(new URL('.', import.meta.url).pathname);
// `vite dev` proxies the API to a running worker (`npm start`), so the browser sees one origin as in production.
const apiTarget = process.env.CURTAIN_API_URL ?? 'http://localhost:8787';

function initialJsBudget(): Plugin {
  return {
    name: 'curtain-initial-js-budget',
    apply: 'build',
    async closeBundle() {
      const { files, gzip } = await initialJs(`${root}dist`);
      const line = `initial JS: ${kB(gzip)} gzipped (budget ${kB(INITIAL_JS_BUDGET)}): ${files.map((f) => `${f.file} ${kB(f.gzip)}`).join(', ')}`;
      if (gzip > INITIAL_JS_BUDGET) throw new Error(`${line}: over budget; load the heavier views on demand`);
      console.log(line);
    }
  };
}

export default defineConfig({
  root,
  plugins: [svelte(), initialJsBudget()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022'
  },
  server: {
    proxy: {
      '/api': apiTarget,
      '/ofrep': apiTarget,
      '/v1': apiTarget
    }
  }
});
