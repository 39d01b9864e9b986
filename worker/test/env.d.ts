// Bindings the test configuration adds to the worker's own.
declare namespace Cloudflare {
  interface Env {
    TEST_MIGRATIONS: import('cloudflare:test').D1Migration[];
    CURTAIN_ADMIN_TOKEN: string;
    /** private JWKs (JSON) to sign Access assertions with: the team's key, and one its key set does not hold (test/fake-internet.ts) */
    TEST_ACCESS_KEY: string;
    TEST_ACCESS_STRANGER_KEY: string;
    /** the model-based test's number of sequences and seed (worker/vitest.reliability.config.ts) */
    CURTAIN_MODEL_RUNS?: string;
    CURTAIN_MODEL_SEED?: string;
  }
}
