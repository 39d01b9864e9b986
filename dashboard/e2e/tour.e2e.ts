// A tour of every view with a realistic project: each view renders its content with no serious or critical axe
// violations at 1280×800, and its screenshot is saved (test-results/e2e/tour; with UPDATE_DOCS_IMAGES=1 also the
// README's docs/images).
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { admin, expectNoSeriousAxeViolations, SHOTS, signedIn, startHarness, stopHarness, type Harness, expectQuietConsole } from './harness';

let h: Harness;
const tour = join(SHOTS, 'tour');
const docs = fileURLToPath(new URL('../../docs/images', import.meta.url));

beforeAll(async () => {
  h = await startHarness();
  await mkdir(tour, { recursive: true });
  const dev = '/projects/default/environments/development';
  await admin(h, 'PATCH', dev, {
    segments: { 'beta-testers': { in: [{ var: 'email' }, ['ann@example.com', 'bo@example.com']] } },
    evaluators: { isStaff: { ends_with: [{ var: 'email' }, '@acme.com'] } }
  });
  const flags = [
    { key: 'checkout-v2', description: 'The new one-page checkout', tags: ['checkout', 'q4'], environments: {
      development: { state: 'ENABLED', defaultVariant: 'off', targeting: { if: [{ $ref: 'isStaff' }, 'on', { segment: 'beta-testers' }, 'on', { and: [{ '==': [{ var: 'plan' }, 'pro'] }, { sem_ver: [{ var: 'version' }, '>=', '2.4.0'] }] }, 'on', { fractional: [['on', 1000], ['off', 9000]] }] } },
      staging: { state: 'ENABLED', targeting: { fractional: [['on', 2500], ['off', 7500]] } } } },
    { key: 'search-ranking', description: 'Which ranking model answers search', type: 'string', tags: ['search'], variants: { classic: 'classic', semantic: 'semantic-v3' },
      environments: { development: { state: 'ENABLED', defaultVariant: 'classic', targeting: { if: [{ in: [{ var: 'country' }, ['de', 'fr', 'nl']] }, 'semantic'] } } } },
    { key: 'rate-limits', description: 'Request limits per plan', type: 'object', tags: ['platform'], variants: { standard: { perMinute: 600 }, generous: { perMinute: 6000 } },
      environments: { development: { state: 'ENABLED', defaultVariant: 'standard' }, production: { state: 'ENABLED', defaultVariant: 'standard' } } },
    { key: 'dark-mode', description: 'Dark theme for the web app', tags: ['ui'], environments: { development: { state: 'ENABLED' }, staging: { state: 'ENABLED' }, production: { state: 'ENABLED' } } },
    { key: 'legacy-banner', description: 'Banner announcing the old API’s end', tags: ['ui'] }
  ];
  for (const flag of flags) await admin(h, 'POST', '/projects/default/flags', flag);
  await admin(h, 'PATCH', `${dev}/flags/legacy-banner`, { state: 'ENABLED' });
  await admin(h, 'PATCH', `${dev}/flags/legacy-banner`, { state: 'DISABLED' });

  await admin(h, 'POST', '/admin-tokens', { name: 'release-pipeline' });

  // Deployments and releases: a canary running in production, one scheduled in staging, a draft in development.
  const prod = '/projects/default/environments/production';
  const staging = '/projects/default/environments/staging';
  await admin(h, 'POST', `${prod}/deployments`, { version: '2.14.0', commit: '9f3c2a1b7e', url: 'https://ci.example.com/builds/2140', flags: ['checkout-v2', 'search-ranking', 'new-onboarding'] });
  await admin(h, 'POST', `${prod}/deployments`, { version: '2.14.1', commit: '4d2e8f0a11', flags: ['checkout-v2', 'search-ranking', 'new-onboarding'] });
  await admin(h, 'POST', `${prod}/releases`, {
    key: 'new-checkout', name: 'New checkout', owner: 'maya', flags: ['checkout-v2'],
    plan: { steps: [{ percent: 1, holdMinutes: 120 }, { percent: 10, holdMinutes: 360 }, { percent: 50, holdMinutes: 960 }, { percent: 100, holdMinutes: 1440 }] },
    guardrails: [{ metric: 'error_rate', operator: '>', threshold: 0.02, windowMinutes: 5, action: 'rollback' }],
    notes: '## One-page checkout\n\nPay in one step, with saved cards. **Tell us** what you think.'
  });
  await admin(h, 'POST', `${prod}/releases/new-checkout/start`);
  const tomorrow = new Date(Date.now() + 86_400_000);
  tomorrow.setHours(9, 0, 0, 0);
  await admin(h, 'POST', `${staging}/releases`, {
    key: 'semantic-search', name: 'Semantic search', owner: 'li', flags: ['search-ranking'], variants: { 'search-ranking': { inside: 'semantic', outside: 'classic' } },
    plan: { steps: [{ percent: 5, holdMinutes: 240 }, { percent: 100, holdMinutes: 1440 }] }, startAt: tomorrow.toISOString()
  });
  await admin(h, 'POST', `${staging}/releases/semantic-search/start`);
  await admin(h, 'POST', `${dev}/releases`, {
    key: 'dark-launch', name: 'Dark mode for everyone', flags: ['dark-mode'], plan: { steps: [{ percent: 25, holdMinutes: 1440 }, { percent: 100, holdMinutes: 1440 }] },
    startAt: new Date(tomorrow.getTime() + 2 * 86_400_000).toISOString()
  });
});

afterEach(() => expectQuietConsole(h));

afterAll(async () => {
  await stopHarness(h);
});

/** The README shows these views. */
const README_IMAGES = new Set(['flags', 'targeting', 'shared-rules', 'history', 'release', 'calendar', 'evaluate', 'overview']);

async function capture(page: Page, name: string, what?: Locator) {
  const path = join(tour, `${name}.png`);
  if (what) await what.screenshot({ path });
  else await page.screenshot({ path });
  if (process.env.UPDATE_DOCS_IMAGES === '1' && README_IMAGES.has(name)) await copyFile(path, join(docs, `${name}.png`));
}

test('every view renders its content, passes axe and fits 1280×800', async () => {
  await mkdir(docs, { recursive: true });
  const page = await signedIn(h);
  const fitsWidth = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

  await page.getByRole('link', { name: 'checkout-v2', exact: true }).waitFor();
  // the releases of each environment arrive after the list: Production's chip turns to the release's share
  await expect.poll(() => page.getByRole('row', { name: /checkout-v2/ }).textContent()).toMatch(/Rules.*on 25\.00 %.*rolling out 1 %/);
  expect(await fitsWidth()).toBe(true);
  // the header (sections, project, environments, account) is one row at 1280 px
  expect(await page.getByRole('banner').evaluate((e) => e.getBoundingClientRect().height)).toBeLessThan(60);
  await expectNoSeriousAxeViolations(page, 'flags');
  await capture(page, 'flags');

  await page.getByRole('link', { name: 'checkout-v2', exact: true }).click();
  const targeting = page.getByRole('region', { name: 'Targeting in Development' });
  await targeting.getByRole('article', { name: 'Rule 3' }).waitFor();
  expect(await page.getByText('shown as JSON').count()).toBe(0);
  expect(await fitsWidth()).toBe(true);
  await expectNoSeriousAxeViolations(page, 'flag');
  await capture(page, 'flag');
  await capture(page, 'targeting', targeting);

  await page.getByRole('link', { name: 'Segments', exact: true }).click();
  await page.getByRole('textbox', { name: 'Name' }).first().waitFor();
  expect(await page.getByLabel('beta-testers, condition 1: values, separated by commas').inputValue()).toBe('ann@example.com, bo@example.com');
  await expectNoSeriousAxeViolations(page, 'shared rules');
  await capture(page, 'shared-rules');

  // someone narrows the staging split to Germany and France first: the history says it in words
  await admin(h, 'PATCH', '/projects/default/environments/staging/flags/checkout-v2', { targeting: { if: [{ in: [{ var: 'country' }, ['DE', 'FR']] }, 'on', { fractional: [['on', 2500], ['off', 7500]] }] } });
  await page.getByRole('link', { name: 'History' }).click();
  await page.getByRole('article').first().waitFor();
  await expect.poll(() => page.getByRole('article').first().textContent()).toContain('changed the rules of checkout-v2 in Staging');
  expect(await page.getByRole('article').first().textContent()).toContain('Rules afterif country is one of DE, FR → on; otherwise 25 % on, 75 % off');
  expect(await page.getByRole('article').count()).toBeGreaterThanOrEqual(7);
  await expectNoSeriousAxeViolations(page, 'history');
  await capture(page, 'history');

  await page.getByRole('link', { name: 'Access', exact: true }).click();
  await page.getByRole('table').first().getByRole('row').nth(1).waitFor();
  await page.getByRole('row', { name: /release-pipeline/ }).waitFor();
  await expectNoSeriousAxeViolations(page, 'access');
  await capture(page, 'access');

  // The release overview across environments: the canary rolling out in production, the scheduled one in staging,
  // what CI shipped that is not released yet.
  await page.getByRole('link', { name: 'Releases', exact: true }).click();
  await page.getByRole('heading', { name: /^Release overview/ }).waitFor();
  await expect.poll(() => page.getByRole('row', { name: /New checkout/ }).textContent()).toMatch(/Production.*New checkout.*checkout-v2.*Rolling out.*1 %.*10 % at/);
  expect(await page.getByRole('row', { name: /Semantic search/ }).textContent()).toMatch(/Staging.*Scheduled.*starts at/);
  expect(await page.getByRole('region', { name: /Shipped, not released/ }).textContent()).toContain('new-onboarding');
  expect(await fitsWidth()).toBe(true);
  await expectNoSeriousAxeViolations(page, 'overview');
  await capture(page, 'overview');

  // Releases in production: the list, then the running canary with its chart, next step and kill switch.
  await page.getByRole('group', { name: 'Environment' }).getByRole('button', { name: 'Production' }).click();
  await page.getByRole('link', { name: 'List', exact: true }).click();
  await page.getByRole('link', { name: 'New checkout' }).waitFor();
  expect(await page.getByRole('row', { name: /New checkout/ }).textContent()).toMatch(/Rolling out.*checkout-v2.*1 %.*10 % at/);
  expect(await fitsWidth()).toBe(true);
  await expectNoSeriousAxeViolations(page, 'releases');
  await capture(page, 'releases');
  await page.getByRole('link', { name: 'New checkout' }).click();
  await page.getByRole('img', { name: /^Share of users over time: 1 % now, next step at/ }).waitFor();
  expect(await page.getByRole('button', { name: /^Kill New checkout/ }).isEnabled()).toBe(true);
  expect(await fitsWidth()).toBe(true);
  await expectNoSeriousAxeViolations(page, 'release');
  await capture(page, 'release');

  // The calendar: the canary, the scheduled release and the draft, across environments.
  await page.getByRole('link', { name: '← Releases' }).click();
  await page.getByRole('link', { name: 'Calendar' }).click();
  await page.getByRole('link', { name: /New checkout starts at 1 %/ }).first().waitFor();
  await expectNoSeriousAxeViolations(page, 'calendar');
  await capture(page, 'calendar');

  await page.getByRole('link', { name: 'Deployments', exact: true }).click();
  await page.getByRole('article', { name: 'Deployment 2.14.1' }).waitFor();
  expect(await page.getByRole('link', { name: 'new-onboarding', exact: true }).count()).toBeGreaterThan(0);
  await expectNoSeriousAxeViolations(page, 'deployments');
  await capture(page, 'deployments');

  await page.getByRole('group', { name: 'Environment' }).getByRole('button', { name: 'Development' }).click();
  await page.getByRole('link', { name: 'Evaluate', exact: true }).click();
  // the form: attribute rows, the attributes Development's rules read suggested
  const attribute = (n: number, part: string) => page.getByRole(part === 'value' ? 'textbox' : 'combobox', { name: `Attribute ${n}: ${part}` });
  await attribute(1, 'value').fill('user-1042');
  for (const [i, [name, value]] of [['email', 'ann@example.com'], ['plan', 'pro'], ['country', 'de']].entries()) {
    if (i > 0) await page.getByRole('button', { name: '+ Attribute' }).click();
    await attribute(i + 2, 'name').fill(name);
    await attribute(i + 2, 'value').fill(value);
  }
  expect(await page.getByText(/Attributes Development's rules read: .*country.*email.*plan/).count()).toBe(1);
  await page.getByRole('button', { name: 'Evaluate', exact: true }).click();
  await expect.poll(() => page.getByRole('row', { name: /checkout-v2/ }).textContent()).toContain('Rule 2');
  await expectNoSeriousAxeViolations(page, 'evaluate');
  await capture(page, 'evaluate');

  // The browser's back button walks the views without a page load (the marker survives).
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
  await page.goBack();
  await page.getByRole('heading', { name: /^Deployments to/ }).waitFor();
  expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);

  await page.goto(new URL('/no/such/page', h.curtain.dashboardUrl).href);
  await page.getByRole('heading', { name: 'Nothing here' }).waitFor();
  await expectNoSeriousAxeViolations(page, 'not found');
  await page.context().close();
});
