// The CLI as pipelines run it: cli/dist/curtain.mjs as a subprocess (and the packed curtain-cli tarball, installed),
// against a real local Curtain (scripts/start.mjs) started once per test file, or offline.   npm run test:cli
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    environment: 'node',
    include: ['cli/src/**/*.test.ts', 'cli/test/**/*.test.ts'],
    globalSetup: ['cli/test/build-cli.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
    maxWorkers: 1,
  },
});
