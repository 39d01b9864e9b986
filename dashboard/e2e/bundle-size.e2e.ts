// The dashboard's initial JavaScript (what index.html loads before any view is opened) stays under 100 kB gzipped,
// and the heavier views are not part of it.
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { INITIAL_JS_BUDGET, initialJs, kB } from '../../scripts/bundle-size';

const dist = fileURLToPath(new URL('../dist', import.meta.url));

test('the initial JS is under 100 kB gzipped and every view but the flag list, and the Markdown renderer, load on demand', async () => {
  const { files, gzip } = await initialJs(dist);
  console.info(`initial JS: ${kB(gzip)} gzipped in ${files.length} files`);
  expect(gzip).toBeGreaterThan(0);
  expect(gzip).toBeLessThan(INITIAL_JS_BUDGET);
  const chunks = await readdir(`${dist}/assets`);
  for (const lazy of ['FlagView', 'OverviewView', 'HistoryView', 'SharedRulesView', 'JsonEditor', 'ReleasesView', 'ReleaseView', 'NewReleaseView', 'CalendarView', 'DeploymentsView', 'EvaluateView', 'AccessView', 'markdown-it']) {
    expect(chunks.some((c) => c.startsWith(`${lazy}-`) && c.endsWith('.js'))).toBe(true);
    expect(files.some((f) => f.file.includes(`/${lazy}-`)), lazy).toBe(false);
  }
});
