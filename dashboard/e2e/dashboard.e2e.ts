// The dashboard end to end in real Chromium: sign in, create a flag, switch it on, see OFREP serve it,
// see a change made elsewhere arrive live and the edge report that it applied it.
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { admin, createFlagInUi, evaluate, expectNoSeriousAxeViolations, shot, startHarness, stopHarness, type Harness, expectQuietConsole } from './harness';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterEach(() => expectQuietConsole(h));

afterAll(async () => {
  await stopHarness(h);
});

interface Propagation {
  version: number;
}

test('an admin signs in, creates a boolean flag, switches it on in development, OFREP serves it, and an edit made elsewhere arrives live with proof the edge applied it', async () => {
  const context = await h.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const key = `e2e-checkout-${Date.now().toString(36)}`;
  const ctx = { targetingKey: 'e2e-user' };

  await page.goto(h.curtain.dashboardUrl);
  await expectNoSeriousAxeViolations(page, 'sign-in');
  await page.getByLabel('Admin token').fill('not-the-token');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect.poll(() => page.locator('#sign-in-error').textContent()).not.toBe('');

  await page.getByLabel('Admin token').fill(h.curtain.adminToken);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('group', { name: 'Environment' }).getByRole('button', { name: 'Development' }).click();

  await createFlagInUi(page, key);
  const toggle = page.getByRole('switch', { name: `${key} in Development` });
  await toggle.waitFor();
  expect(await toggle.isChecked()).toBe(false);

  // A new flag is live but DISABLED once the environment's snapshot is published.
  await expect.poll(() => evaluate(h, key, ctx), { timeout: 15_000, interval: 250 }).toMatchObject({ reason: 'DISABLED' });

  await toggle.click();
  await expect.poll(() => toggle.isChecked()).toBe(true);
  await expect.poll(() => evaluate(h, key, ctx), { timeout: 15_000, interval: 250 }).toMatchObject({ value: true });

  // Creating the same key again shows the API's CONFLICT message beside the form.
  const conflict = page.waitForResponse((r) => r.url().endsWith('/flags') && r.request().method() === 'POST');
  const form = page.getByRole('form', { name: 'Create a flag' });
  await form.getByLabel('Key').fill(key);
  await form.getByRole('button', { name: 'Create flag' }).click();
  const response = await conflict;
  expect(response.status()).toBe(409);
  const { error } = (await response.json()) as { error: { code: string; message: string } };
  expect(error.code).toBe('CONFLICT');
  await expect.poll(() => form.getByRole('alert').filter({ hasText: error.message }).count()).toBe(1);
  await shot(page, 'create-conflict');

  // After the reload the switch reads its state from the server, not from the optimistic update.
  await page.reload();
  await expect.poll(() => page.getByRole('switch', { name: `${key} in Development` }).isChecked()).toBe(true);

  // Live: another admin switches the flag off through the API; the open dashboard follows, no reload.
  const status = page.getByRole('region', { name: 'Propagation in Development' });
  await expect.poll(() => status.textContent()).toContain('Live');
  const dev = '/projects/default/environments/development';
  await admin(h, 'PATCH', `${dev}/flags/${key}`, { state: 'DISABLED' });
  const { version } = await admin<Propagation>(h, 'GET', `${dev}/propagation`);
  await expect.poll(() => toggle.isChecked(), { timeout: 5_000, interval: 100 }).toBe(false);
  await expect.poll(() => status.textContent(), { timeout: 5_000 }).toContain(`v${version} committed`);

  // Proof it is in effect: once an SDK evaluates, the edge reports the version applied, and so does the dashboard.
  await expect.poll(() => evaluate(h, key, ctx), { timeout: 15_000, interval: 250 }).toMatchObject({ reason: 'DISABLED' });
  await expect
    .poll(() => status.textContent(), { timeout: 10_000 })
    .toMatch(new RegExp(`v${version} committed .*applied by [1-9]\\d* of \\d+ isolates?`));

  await expectNoSeriousAxeViolations(page, 'flags');
  await shot(page, 'flags');
  await context.close();
});

test('one origin: deep links load the dashboard, API and OFREP paths never fall back to it', async () => {
  const page = await h.browser.newPage();
  const deep = await page.goto(new URL('projects/default/some/deep/link', h.curtain.dashboardUrl).href);
  expect(deep?.status()).toBe(200);
  await page.getByLabel('Admin token').waitFor();
  await page.close();
  const api = await fetch(`${h.curtain.apiUrl}/no-such-route`, { headers: { authorization: `Bearer ${h.curtain.adminToken}` } });
  expect(api.status).toBe(404);
  expect(((await api.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  const ofrep = await fetch(`${h.curtain.ofrepUrl}/no-such-route`, { method: 'POST' });
  expect(ofrep.status).toBe(404);
  expect(ofrep.headers.get('content-type')).toContain('application/json');
});
