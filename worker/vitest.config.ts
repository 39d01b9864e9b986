// Worker integration tests: the real worker in workerd (Workers vitest integration), real local D1, KV
// and Durable Objects, the migrations in migrations/ applied by worker/test/apply-migrations.ts.
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { ACCESS_AUD, ACCESS_TEAM_DOMAIN, fakeInternet, testKeys } from './test/fake-internet.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const migrations = await readD1Migrations(fileURLToPath(new URL('../migrations', import.meta.url)));

/** The worker in workerd with the test bindings; `extra` adds bindings (the reliability suite's). */
export const workerTests = (extra: Record<string, string> = {}) =>
  cloudflareTest({
    wrangler: { configPath: fileURLToPath(new URL('../wrangler.toml', import.meta.url)) },
    miniflare: {
      // small stream caps (wrangler.toml: 250,000 per environment, 200,000 per key, 2,000 per relay), so that
      // worker/test/streams.test.ts reaches them with a few streams, spread over several relays
      // Access in front (a local key set, test/fake-internet.ts), and webhook retries without waiting
      bindings: {
        TEST_MIGRATIONS: migrations,
        CURTAIN_ADMIN_TOKEN: 'test-admin-token',
        EVALUATION_LIMIT_CALLS: '10',
        STREAMS_PER_ENVIRONMENT: '6',
        STREAMS_PER_KEY: '3',
        STREAMS_PER_RELAY: '2',
        ACCESS_TEAM_DOMAIN,
        ACCESS_AUD,
        TEST_ACCESS_KEY: testKeys.team,
        TEST_ACCESS_STRANGER_KEY: testKeys.stranger,
        WEBHOOK_RETRY_SECONDS: '0',
        ...extra,
      },
      // every fetch the worker (and a test) makes goes to the test internet: the Access key set, webhook receivers
      outboundService: fakeInternet,
      // fewer limiter calls per period than in production (wrangler.toml), so that a test reaching a key's
      // limit makes few of them (Miniflare simulates each with a local worker call); CALLS must match
      ratelimits: { EVALUATION_LIMIT: { namespace_id: '1001', simple: { limit: 10, period: 10 } } },
    },
  });

export default defineConfig({
  plugins: [workerTests()],
  root,
  test: {
    include: ['worker/test/**/*.test.ts'],
    // run by `npm run test:reliability` (worker/vitest.reliability.config.ts), with its summary
    exclude: ['worker/test/reliability/**'],
    setupFiles: ['./worker/test/apply-migrations.ts'],
  },
});
