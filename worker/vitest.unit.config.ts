// Unit tests that run in plain Node: the pure evaluation engine (no workerd, no bindings).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'unit',
    environment: 'node',
    include: ['worker/src/engine/**/*.test.ts'],
  },
});
