// Browser tests: real Chromium driving the dashboard served by a real local worker (scripts/start.mjs).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    environment: 'node',
    include: ['dashboard/e2e/**/*.e2e.ts'],
    testTimeout: 90_000,
    // expect.poll waits for the page (or the edge) to catch up; vitest's 1 s default is shorter than a re-render after
    // a write on a 2-core machine shared with other test runs (a scheduled change's list once took longer in CI)
    expect: { poll: { timeout: 10_000, interval: 100 } },
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
    maxWorkers: 1
  }
});
