// The dashboard end to end in real Chromium: sign in, create a flag, switch it on, see OFREP serve it,
// see a change made elsewhere arrive live and the edge report that it applied it.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startCurtain, type RunningCurtain } from '../../scripts/curtain-server';

let curtain: RunningCurtain;
let browser: Browser;

beforeAll(async () => {
  curtain = await startCurtain();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run'
    ]
  });
});

afterAll(async () => {
  await browser?.close();
  await curtain?.stop();
});

/** POST /ofrep/v1/evaluate/flags/{key} with the development SDK key. */
async function evaluate(key: string): Promise<{ value?: unknown; reason?: string; errorCode?: string }> {
  const base = curtain.ofrepUrl.includes('/ofrep/v1') ? curtain.ofrepUrl : `${curtain.ofrepUrl.replace(/\/$/, '')}/ofrep/v1`;
  const response = await fetch(`${base.replace(/\/$/, '')}/evaluate/flags/${key}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${curtain.sdkKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ context: { targetingKey: 'e2e-user' } })
  });
  return response.json();
}

/** A call to the admin API made outside the browser, as another admin or CI would. */
async function admin<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${curtain.apiUrl.replace(/\/$/, '')}${path}`, {
    method,
    headers: { authorization: `Bearer ${curtain.adminToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body)
  });
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

interface Propagation {
  version: number;
}

async function createFlag(page: Page, key: string) {
  const form = page.getByRole('form', { name: 'Create a flag' });
  await form.getByLabel('Key').fill(key);
  await form.getByLabel('Description').fill('Created by the browser test');
  await form.getByRole('button', { name: 'Create flag' }).click();
  return form;
}

test('an admin signs in, creates a boolean flag, switches it on in development, OFREP serves it, and an edit made elsewhere arrives live with proof the edge applied it', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const key = `e2e-checkout-${Date.now().toString(36)}`;

  await page.goto(curtain.dashboardUrl);
  await page.getByLabel('Admin token').fill('not-the-token');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect.poll(() => page.locator('#sign-in-error').textContent()).not.toBe('');

  await page.getByLabel('Admin token').fill(curtain.adminToken);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('group', { name: 'Environment' }).getByRole('button', { name: 'Development' }).click();

  await page.getByRole('button', { name: 'New flag' }).click();
  await createFlag(page, key);
  const toggle = page.getByRole('switch', { name: `${key} in Development` });
  await toggle.waitFor();
  expect(await toggle.isChecked()).toBe(false);

  // A new flag is live but DISABLED once the environment's snapshot is published.
  await expect.poll(() => evaluate(key), { timeout: 15_000, interval: 250 }).toMatchObject({ reason: 'DISABLED' });

  await toggle.click();
  await expect.poll(() => toggle.isChecked()).toBe(true);
  await expect.poll(() => evaluate(key), { timeout: 15_000, interval: 250 }).toMatchObject({ value: true });

  // Creating the same key again shows the API's CONFLICT message beside the form.
  const conflict = page.waitForResponse((r) => r.url().endsWith('/flags') && r.request().method() === 'POST');
  const form = await createFlag(page, key);
  const response = await conflict;
  expect(response.status()).toBe(409);
  const { error } = (await response.json()) as { error: { code: string; message: string } };
  expect(error.code).toBe('CONFLICT');
  await expect.poll(() => form.getByRole('alert').textContent()).toContain(error.message);
  const shots = await mkdtemp(join(tmpdir(), 'curtain-e2e-shots-'));
  await page.screenshot({ path: join(shots, 'conflict.png'), fullPage: true });

  // After the reload the switch reads its state from the server, not from the optimistic update.
  await page.reload();
  await expect.poll(() => page.getByRole('switch', { name: `${key} in Development` }).isChecked()).toBe(true);

  // Live: another admin switches the flag off through the API; the open dashboard follows, no reload.
  const status = page.getByRole('region', { name: 'Propagation in Development' });
  await expect.poll(() => status.textContent()).toContain('Live');
  const dev = '/projects/default/environments/development';
  await admin('PATCH', `${dev}/flags/${key}`, { state: 'DISABLED' });
  const { version } = await admin<Propagation>('GET', `${dev}/propagation`);
  await expect.poll(() => toggle.isChecked(), { timeout: 5_000, interval: 100 }).toBe(false);
  await expect.poll(() => status.textContent(), { timeout: 5_000 }).toContain(`v${version} committed`);

  // Proof it is in effect: once an SDK evaluates, the edge reports the version applied, and so does the dashboard.
  await expect.poll(() => evaluate(key), { timeout: 15_000, interval: 250 }).toMatchObject({ reason: 'DISABLED' });
  await expect
    .poll(() => status.textContent(), { timeout: 10_000 })
    .toMatch(new RegExp(`v${version} committed .*applied by [1-9]\\d* of \\d+ isolates?`));

  await page.getByRole('button', { name: `Details of ${key}` }).click();
  await page.screenshot({ path: join(shots, 'dashboard.png'), fullPage: true });
  console.info(`screenshots in ${shots}`);
  await context.close();
});

test('one origin: deep links load the dashboard, API and OFREP paths never fall back to it', async () => {
  const page = await browser.newPage();
  const deep = await page.goto(new URL('projects/default/some/deep/link', curtain.dashboardUrl).href);
  expect(deep?.status()).toBe(200);
  await page.getByLabel('Admin token').waitFor();
  await page.close();
  const api = await fetch(`${curtain.apiUrl}/no-such-route`, { headers: { authorization: `Bearer ${curtain.adminToken}` } });
  expect(api.status).toBe(404);
  expect(((await api.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  const ofrep = await fetch(`${curtain.ofrepUrl}/no-such-route`, { method: 'POST' });
  expect(ofrep.status).toBe(404);
  expect(ofrep.headers.get('content-type')).toContain('application/json');
});
