// Interoperability tests: the official OpenFeature SDKs and OFREP providers, unchanged, against a real
// local Curtain (scripts/start.mjs under `wrangler dev`), one per test file.
//   npm run test:clients   (vitest run --config worker/test-clients/vitest.config.ts)
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    environment: 'node',
    include: ['worker/test-clients/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
    maxWorkers: 1,
    // Node 22/24 ship EventSource behind a flag; the web provider needs it to follow the `eventStreams`
    // Curtain advertises (without it, it silently skips SSE). Tests that need plain Node remove it.
    execArgv: ['--experimental-eventsource'],
  },
});
