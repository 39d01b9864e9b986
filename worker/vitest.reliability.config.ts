// `npm run test:reliability`: the worker's reliability tests (malformed input on every route, every credential on
// every route, outages, concurrent writers, the model-based test of the release invariants) in workerd, as the
// worker tests run, ending with one summary table.
import { defineConfig } from 'vitest/config';
import base, { workerTests } from './vitest.config.ts';
import ReliabilitySummary from './test/reliability/summary-reporter.ts';

export default defineConfig({
  ...base,
  // the model-based test's length and seed come from the environment: CURTAIN_MODEL_RUNS=200 npm run test:reliability
  plugins: [workerTests({ CURTAIN_MODEL_RUNS: process.env.CURTAIN_MODEL_RUNS ?? '', CURTAIN_MODEL_SEED: process.env.CURTAIN_MODEL_SEED ?? '' })],
  test: {
    ...base.test,
    include: ['worker/test/reliability/**/*.test.ts'],
    exclude: [],
    reporters: ['default', new ReliabilitySummary()],
  },
});
