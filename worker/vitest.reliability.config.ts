// `npm run test:reliability`: the worker's reliability tests (malformed input on every route, every credential on
// every route, outages, concurrent writers) in workerd, as the worker tests run, ending with one summary table.
import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';
import ReliabilitySummary from './test/reliability/summary-reporter.ts';

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['worker/test/reliability/**/*.test.ts'],
    exclude: [],
    reporters: ['default', new ReliabilitySummary()],
  },
});
