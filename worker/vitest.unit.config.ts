// Unit tests that run in plain Node: the pure evaluation engine, edge and snapshot modules built on it alone (no
// workerd, no bindings), the migrations on SQLite (worker/src/store/*.test.ts), and the dashboard's plain modules.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    name: 'unit',
    environment: 'node',
    include: ['worker/src/engine/**/*.test.ts', 'worker/src/edge/**/*.test.ts', 'worker/src/snapshot/**/*.test.ts', 'worker/src/store/**/*.test.ts', 'worker/src/webhooks/**/*.test.ts', 'worker/src/measure/**/*.test.ts', 'dashboard/src/lib/**/*.test.ts'],
  },
});
