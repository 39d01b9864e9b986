// A canary in real Chromium: a split set in the split editor (to 0.01 %) is what OFREP serves to ~1,000 users, and the
// history shows the change as a before/after diff, filterable by flag and by person.
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { admin, evaluate, expectNoSeriousAxeViolations, shot, signedIn, startHarness, stopHarness, type Harness, expectQuietConsole } from './harness';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterEach(() => expectQuietConsole(h));

afterAll(async () => {
  await stopHarness(h);
});

interface FlagView {
  environments: Record<string, { state: string; targeting: unknown }>;
}

/** Evaluates the flag for `count` distinct targeting keys, a few at a time; counts the values served. */
async function observe(key: string, count: number): Promise<Map<unknown, number>> {
  const seen = new Map<unknown, number>();
  for (let start = 0; start < count; start += 25) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(25, count - start) }, (_, i) => evaluate(h, key, { targetingKey: `user-${start + i}` }))
    );
    for (const r of batch) seen.set(r.value, (seen.get(r.value) ?? 0) + 1);
  }
  return seen;
}

test('a 10 % canary set in the split editor serves about 10 % of 1,000 users, and the history shows the change', async () => {
  // A fixed key (each run starts from empty state): the bucketing hash, and so the observed share, is the same every run.
  const key = 'e2e-canary-checkout';
  await admin(h, 'POST', '/projects/default/flags', { key, description: 'New checkout, canary', tags: ['checkout'] });
  const page = await signedIn(h);
  await page.getByRole('link', { name: key, exact: true }).click();
  await page.getByRole('heading', { name: 'Targeting in Development' }).waitFor();

  // Everyone gets a split: start even, then one number sets the canary (the other variant takes the rest).
  await page.getByRole('combobox', { name: 'Everyone: serve' }).selectOption({ label: 'a percentage split' });
  const onShare = page.getByRole('spinbutton', { name: 'Everyone: percentage for on' });
  const offShare = page.getByRole('spinbutton', { name: 'Everyone: percentage for off' });
  expect([await onShare.inputValue(), await offShare.inputValue()]).toEqual(['50.00', '50.00']);
  await onShare.fill('12.34');
  await onShare.press('Tab');
  expect(await offShare.inputValue()).toBe('87.66');
  await onShare.fill('10');
  await onShare.press('Tab');
  expect(await offShare.inputValue()).toBe('90.00');
  expect(await page.getByRole('img', { name: /^Who gets what/ }).getAttribute('aria-label')).toBe('Who gets what: on 10.00 %, off 90.00 %');

  await page.getByRole('switch', { name: `${key} enabled in Development (saved with the rules)` }).click();
  await page.getByRole('button', { name: 'Save targeting' }).click();
  await expect.poll(() => page.getByText('Saved at').count()).toBe(1);
  const saved = await admin<FlagView>(h, 'GET', `/projects/default/flags/${key}`);
  expect(saved.environments.development).toEqual({ state: 'ENABLED', defaultVariant: 'on', targeting: { fractional: [['on', 1000], ['off', 9000]] }, warnings: [], release: null, usage: expect.any(Object) });
  await expectNoSeriousAxeViolations(page, 'flag page with a split');
  await shot(page, 'canary-split');

  // What the edge serves: ~10 % of 1,000 distinct users get "on" (binomial sd ≈ 0.95 %: ±3 % is beyond 3 sd).
  await expect.poll(() => evaluate(h, key, { targetingKey: 'probe' }).then((r) => r.reason), { timeout: 15_000, interval: 250 }).toBe('SPLIT');
  const seen = await observe(key, 1000);
  const on = seen.get(true) ?? 0;
  expect(on + (seen.get(false) ?? 0)).toBe(1000);
  expect(on).toBeGreaterThanOrEqual(70);
  expect(on).toBeLessThanOrEqual(130);
  console.info(`canary: ${on} of 1000 users got "on" (${(on / 10).toFixed(1)} %)`);

  // The list shows the split's first share at a glance.
  await page.getByRole('link', { name: 'Flags', exact: true }).click();
  await expect.poll(() => page.getByRole('row', { name: new RegExp(key) }).textContent()).toContain('on 10.00 %');

  // Another person (a CI token) changes the flag's description.
  const ci = await admin<{ secret: string }>(h, 'POST', '/admin-tokens', { name: 'release-bot' });
  const patched = await fetch(`${h.curtain.apiUrl}/projects/default/flags/${key}`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${ci.secret}`, 'content-type': 'application/json' },
    body: JSON.stringify({ description: 'New checkout, canary at 10 %' })
  });
  expect(patched.status).toBe(200);

  // History, filtered by the flag: the split's diff from the browser, the description's from the bot.
  await page.getByRole('link', { name: 'History' }).click();
  await page.getByRole('heading', { name: /^History/ }).waitFor();
  await page.getByRole('combobox', { name: 'Flag' }).selectOption(key);
  const entries = page.getByRole('list').filter({ has: page.getByRole('article') }).getByRole('article');
  await expect.poll(() => entries.count()).toBe(3);
  // in words: who switched it on with which split; the JSON one click away
  const configure = entries.filter({ hasText: `changed ${key} in Development: switched on, new rules` });
  await expect.poll(() => configure.textContent()).toMatch(/Switchoff → on/);
  expect(await configure.textContent()).toContain('Rules aftereveryone: 10 % on, 90 % off');
  const rows = configure.locator('tr');
  expect(await rows.filter({ hasText: 'state' }).textContent()).toMatch(/"DISABLED".*"ENABLED"/);
  expect(await rows.filter({ hasText: 'targeting' }).textContent()).toContain('"fractional"');
  expect(await entries.filter({ hasText: 'release-bot changed the description of' }).getByRole('row', { name: /description/, includeHidden: true }).textContent()).toMatch(/New checkout, canary.*New checkout, canary at 10 %/);
  expect(page.url()).toContain(`flag=${key}`);

  await page.getByRole('combobox', { name: 'Person' }).selectOption('release-bot');
  await expect.poll(() => entries.count()).toBe(1);
  expect(await entries.first().textContent()).toContain(`release-bot changed the description of ${key}`);
  await page.getByRole('combobox', { name: 'Person' }).selectOption('');
  await expectNoSeriousAxeViolations(page, 'history');
  await shot(page, 'history');
  await page.context().close();
});
