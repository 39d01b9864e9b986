// Builds the dashboard into dashboard/dist, which the worker serves as static assets (see wrangler.toml).
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const root = decodeURIComponent(new URL('.', import.meta.url).pathname);
// `vite dev` proxies the API to a running worker (`npm start`), so the browser sees one origin as in production.
const apiTarget = process.env.CURTAIN_API_URL ?? 'http://localhost:8787';

export default defineConfig({
  root,
  plugins: [svelte()],
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
