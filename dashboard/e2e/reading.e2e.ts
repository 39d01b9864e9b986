// Issue 24 in real Chromium: the dashboard reads like a person. Rules in words on the flag page (JSON one click away),
// the release overview across environments (a guardrail's pause named, Kill and focus after it), a flag created with
// its default variant, messages that do not go stale, live status in neutral words, deployments that arrive live,
// a string flag released from what users get now, the calendar's week with hours, the project picker's full name,
// and the console watch itself.
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { admin, evaluate, expectNoSeriousAxeViolations, expectQuietConsole, shot, signedIn, startHarness, stopHarness, type Harness } from './harness';

let h: Harness;
const dev = '/projects/default/environments/development';
const staging = '/projects/default/environments/staging';

interface FlagView {
  environments: Record<string, { state: string; defaultVariant: string | null }>;
}

beforeAll(async () => {
  h = await startHarness();
  await admin(h, 'POST', '/projects/default/flags', {
    key: 'button-color', type: 'string', variants: { red: 'red', blue: 'blue', green: 'green' },
    environments: { development: { state: 'ENABLED', defaultVariant: 'red', targeting: { if: [{ in: [{ var: 'country' }, ['DE', 'FR']] }, 'blue', { fractional: [['red', 90], ['green', 10]] }] } }, staging: { state: 'ENABLED', defaultVariant: 'red' } }
  });
  await admin(h, 'POST', `${staging}/deployments`, { version: '5.0.0', flags: ['guarded-checkout', 'button-color', 'shipped-dark'] });
  await admin(h, 'POST', `${staging}/releases`, {
    key: 'guarded', name: 'Guarded checkout', flags: ['guarded-checkout'], plan: { steps: [{ percent: 20, holdMinutes: 60 }, { percent: 100, holdMinutes: 60 }] },
    guardrails: [{ metric: 'error_rate', operator: '>', threshold: 0.05, windowMinutes: 5, action: 'pause' }]
  });
  await admin(h, 'POST', `${staging}/releases/guarded/start`);
  await admin(h, 'POST', `${staging}/releases/guarded/metrics`, { metric: 'error_rate', value: 0.2 });
  await admin(h, 'POST', `${dev}/deployments`, { version: '5.0.0', flags: ['dev-rollout'] });
  await admin(h, 'POST', `${dev}/releases`, { key: 'dev-rollout', name: 'Dev rollout', flags: ['dev-rollout'], plan: { steps: [{ percent: 5, holdMinutes: 30 }, { percent: 100, holdMinutes: 30 }] } });
  await admin(h, 'POST', `${dev}/releases/dev-rollout/start`);
});

afterEach(() => expectQuietConsole(h));

afterAll(async () => {
  await stopHarness(h);
});

test('a flag’s rules read as sentences on its page, everywhere side by side, with the JSON one click away', async () => {
  const page = await signedIn(h, '/flags/button-color?env=development');
  const summary = page.getByRole('group', { name: 'What users get in Development, in words' });
  await expect.poll(() => summary.textContent()).toContain('if country is one of DE, FR → blue; otherwise 90 % red, 10 % green');
  // the words follow the edit before it is saved
  await page.getByRole('combobox', { name: 'Rule 1: serve' }).selectOption({ label: 'green' });
  await expect.poll(() => summary.textContent()).toContain('What users get in Development once saved if country is one of DE, FR → green');
  await page.getByRole('button', { name: 'Discard changes' }).click();
  const sideBySide = page.locator('details.side-by-side');
  await sideBySide.locator('> summary').click();
  expect(await sideBySide.getByRole('region', { name: 'button-color in Staging' }).textContent()).toContain('everyone gets the default variant red');
  expect(await sideBySide.getByRole('region', { name: 'button-color in Production' }).textContent()).toContain('off: SDKs use the default in their code');
  const dev = sideBySide.getByRole('region', { name: 'button-color in Development' });
  expect(await dev.locator('details.as-json pre').isVisible()).toBe(false);
  await dev.locator('details.as-json summary').click();
  expect(JSON.parse((await dev.locator('details.as-json pre').textContent()) ?? '')).toEqual({ if: [{ in: [{ var: 'country' }, ['DE', 'FR']] }, 'blue', { fractional: [['red', 90], ['green', 10]] }] });
  await expectNoSeriousAxeViolations(page, 'flag in words');
  await shot(page, 'flag-in-words');
  await page.context().close();
});

test('the release overview: every environment’s releases, a guardrail’s pause named, Kill, and what shipped unreleased', async () => {
  const page = await signedIn(h, '/');
  await page.getByRole('link', { name: 'Releases', exact: true }).click();
  await page.getByRole('heading', { name: /^Release overview/ }).waitFor();
  const paused = page.getByRole('row', { name: /Guarded checkout/ });
  await expect.poll(() => paused.textContent()).toMatch(/Staging.*Guarded checkout.*Paused.*by guardrail error_rate.*20 %.*resume or roll back.*error_rate > 0.05 over 5 min → pause/);
  expect(await page.getByRole('row', { name: /Dev rollout/ }).textContent()).toMatch(/Development.*Rolling out.*5 %.*100 % at/);
  expect(await page.getByRole('region', { name: /Shipped, not released/ }).textContent()).toMatch(/Staging.*shipped-dark/);
  await expectNoSeriousAxeViolations(page, 'overview');

  // Kill from here, after its confirmation: gone from the overview, focus on the view's heading (the row is gone).
  await paused.getByRole('button', { name: /^Kill Guarded checkout/ }).click();
  const dialog = page.getByRole('dialog', { name: 'Kill Guarded checkout?' });
  expect(await dialog.textContent()).toMatch(/Everyone gets guarded-checkout → off/);
  await dialog.getByRole('button', { name: 'Kill it now' }).click();
  await expect.poll(() => page.getByRole('row', { name: /Guarded checkout/ }).count()).toBe(0);
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('view-title');
  expect((await admin<{ killed: boolean }>(h, 'GET', `${staging}/releases/guarded`)).killed).toBe(true);

  // a link from the overview opens in its own environment
  await page.getByRole('link', { name: 'Dev rollout' }).click();
  await page.getByRole('heading', { level: 1, name: 'Dev rollout' }).waitFor();
  expect(new URL(page.url()).searchParams.get('env')).toBe('development');
  await page.context().close();
});

test('creating a flag: the default variant is chosen, and the last creation’s message goes once the next one is typed', async () => {
  const page = await signedIn(h, '/');
  await page.getByRole('button', { name: 'New flag' }).click();
  const form = page.getByRole('form', { name: 'Create a flag' });
  await form.getByLabel('Key').fill('hero-copy');
  await form.getByLabel('Type').selectOption('string');
  await form.getByRole('combobox', { name: /^Default variant/ }).selectOption('treatment');
  await form.getByRole('button', { name: 'Create flag' }).click();
  await expect.poll(() => form.getByRole('status').textContent()).toContain('Created flag hero-copy');
  const created = await admin<FlagView>(h, 'GET', '/projects/default/flags/hero-copy');
  expect(Object.values(created.environments).map((c) => c.defaultVariant)).toEqual(['treatment', 'treatment', 'treatment']);
  await form.getByLabel('Key').fill('next-flag');
  expect(await form.getByText('Created flag hero-copy').count()).toBe(0);
  await page.context().close();
});

test('live status in neutral words when no location has served since a change', async () => {
  const page = await signedIn(h, '/');
  const status = page.getByRole('region', { name: 'Propagation in Development' });
  await expect.poll(() => status.textContent()).toContain('Live');
  await admin(h, 'PATCH', `${dev}/flags/hero-copy?force=true`, { state: 'ENABLED' });
  await expect.poll(() => status.textContent(), { timeout: 10_000 }).toContain('live on the next request');
  expect(await status.textContent()).not.toMatch(/applied by 0 of|waiting for the edge/);
  const color = await status.locator('.applied').evaluate((e) => getComputedStyle(e).color);
  const warn = await page.evaluate(() => {
    const probe = document.body.appendChild(document.createElement('span'));
    probe.style.color = 'var(--warn-text)';
    const c = getComputedStyle(probe).color;
    probe.remove();
    return c;
  });
  expect(color).not.toBe(warn);
  // once something evaluates, it says where it was applied
  await evaluate(h, 'hero-copy', { targetingKey: 'u1' });
  await expect.poll(() => status.textContent(), { timeout: 15_000 }).toMatch(/applied by [1-9]\d* of \d+ isolates?/);
  await page.context().close();
});

test('a deployment CI records arrives in the open deployments view without a reload', async () => {
  const page = await signedIn(h, '/deployments?env=development');
  await page.getByRole('article', { name: 'Deployment 5.0.0' }).waitFor();
  const marker = await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
  await admin(h, 'POST', `${dev}/deployments`, { version: '5.1.0', flags: ['dev-rollout', 'brand-new-flag'] });
  await page.getByRole('article', { name: 'Deployment 5.1.0' }).waitFor({ timeout: 15_000 });
  await expect.poll(() => page.getByRole('region', { name: /Deployed, not released/ }).textContent(), { timeout: 15_000 }).toContain('brand-new-flag');
  expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(marker);
  await page.context().close();
});

test('a string flag’s release keeps what users get now outside', async () => {
  const page = await signedIn(h, '/new-release?env=staging');
  const form = page.getByRole('form', { name: 'Plan a release' });
  await form.getByRole('combobox', { name: 'Flag to add to the release' }).selectOption('button-color');
  await form.getByRole('button', { name: '+ Add flag' }).click();
  expect(await form.getByRole('combobox', { name: 'button-color: variant outside the release' }).inputValue()).toBe('red');
  expect(await form.getByRole('combobox', { name: 'button-color: variant inside the release' }).inputValue()).toBe('blue');
  await page.context().close();
});

test('the calendar’s week shows hours; the project picker shows its whole name', async () => {
  const page = await signedIn(h, '/calendar');
  await page.getByRole('button', { name: 'Week' }).click();
  const week = page.getByRole('table');
  await week.getByRole('rowheader', { name: '08:00' }).waitFor();
  const hour = await page.evaluate(() => `${String(new Date().getHours()).padStart(2, '0')}:00`);
  await expect.poll(() => week.getByRole('row').filter({ has: page.getByRole('rowheader', { name: hour }) }).textContent()).toContain('Dev rollout starts at 5 %');
  await expectNoSeriousAxeViolations(page, 'calendar week');
  await shot(page, 'calendar-week');

  const picker = page.getByRole('combobox', { name: 'Project' });
  // as wide as its name needs: the width it has is at least the width it would take unconstrained
  const fits = await picker.evaluate((select) => {
    const s = select as HTMLSelectElement;
    const width = s.getBoundingClientRect().width;
    const style = s.getAttribute('style');
    s.style.maxWidth = 'none';
    s.style.width = 'max-content';
    const natural = s.getBoundingClientRect().width;
    if (style === null) s.removeAttribute('style');
    else s.setAttribute('style', style);
    return width + 0.5 >= natural;
  });
  expect(fits).toBe(true);
  await page.context().close();
});

test('the console watch fails a test on a warning (and is cleared here)', async () => {
  const page = await signedIn(h, '/');
  await page.evaluate(() => console.warn('a probe of the console watch'));
  await expect.poll(() => h.console.length).toBeGreaterThan(0);
  expect(h.console.splice(0)).toEqual([expect.stringContaining('warning: a probe of the console watch')]);
  await page.context().close();
});
