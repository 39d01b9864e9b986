// What the reliability tests report to the summary (worker/test/reliability/summary-reporter.ts).
import 'vitest';

declare module 'vitest' {
  interface TaskMeta {
    reliability?: { kind: string } & Record<string, number | string>;
  }
}
