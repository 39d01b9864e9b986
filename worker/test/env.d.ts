// Bindings the test configuration adds to the worker's own.
declare namespace Cloudflare {
  interface Env {
    TEST_MIGRATIONS: import('cloudflare:test').D1Migration[];
    CURTAIN_ADMIN_TOKEN: string;
  }
}
