// Bindings the test configuration adds to the worker's own.
declare namespace Cloudflare {
  interface Env {
    TEST_MIGRATIONS: import('cloudflare:test').D1Migration[];
    CURTAIN_ADMIN_TOKEN: string;
    /** the model-based test's number of sequences and seed (worker/vitest.reliability.config.ts) */
    CURTAIN_MODEL_RUNS?: string;
    CURTAIN_MODEL_SEED?: string;
  }
}
