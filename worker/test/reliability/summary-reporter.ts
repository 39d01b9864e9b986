// Prints the reliability figures the tests report (task.meta.reliability) as one table after the run.
import type { Reporter, TestModule } from 'vitest/node';

type Figures = { kind: string } & Record<string, number | string>;

const ROWS: Record<string, { label: string; columns: [string, string][] }> = {
  malformed: { label: 'malformed requests', columns: [['tried', 'tried'], ['fiveXX', '5xx'], ['dropped', 'dropped'], ['without4xxCode', 'no 4xx code'], ['writes', 'writes']] },
  credentials: { label: 'route × credential cases', columns: [['cases', 'cases'], ['unexpected', 'unexpected status'], ['leaks', 'leaks']] },
  roles: { label: 'role × route × environment', columns: [['routes', 'routes'], ['roles', 'roles'], ['cases', 'cases'], ['overGrants', 'over-grants'], ['underGrants', 'under-grants']] },
  webhooks: { label: 'webhook deliveries', columns: [['events', 'events'], ['delivered', 'delivered'], ['lost', 'lost'], ['attempts', 'attempts']] },
  outages: { label: 'outage modes', columns: [['modes', 'modes'], ['survived', 'survived']] },
  concurrency: { label: 'concurrent writes', columns: [['writes', 'writes'], ['accepted', 'accepted'], ['lost', 'lost']] },
  model: { label: 'release invariants (model)', columns: [['sequences', 'sequences'], ['commands', 'commands'], ['violations', 'invariant violations']] },
};

export default class ReliabilitySummary implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>) {
    const totals = new Map<string, Record<string, number>>();
    for (const m of modules) {
      // each test of the outages file is one failure mode: it survived when the test passed
      if (m.moduleId.endsWith('outages.test.ts')) {
        const tests = [...m.children.allTests()];
        totals.set('outages', { modes: tests.length, survived: tests.filter((t) => t.result().state === 'passed').length });
      }
      for (const test of m.children.allTests()) {
        const r = test.meta().reliability as Figures | undefined;
        if (!r) continue;
        const t = totals.get(r.kind) ?? {};
        for (const [k, v] of Object.entries(r)) if (typeof v === 'number') t[k] = (t[k] ?? 0) + v;
        totals.set(r.kind, t);
      }
    }
    const lines = ['', 'reliability summary'];
    for (const [kind, { label, columns }] of Object.entries(ROWS)) {
      const t = totals.get(kind);
      lines.push(`  ${label.padEnd(26)} ${t ? columns.map(([k, name]) => `${name} ${t[k] ?? 0}`).join(' / ') : 'not run'}`);
    }
    console.log(lines.join('\n'));
  }
}
