// A flag's life in real Chromium: created with JSON variants checked as they are typed, edited, filtered in the list,
// deleted after a confirmation; fields other developers are adding (per-environment warnings, SDK key rate limits)
// shown when the API sends them and absent when it does not.
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { admin, createFlagInUi, evaluate, expectNoSeriousAxeViolations, shot, signedIn, startHarness, stopHarness, type Harness, expectQuietConsole } from './harness';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterEach(() => expectQuietConsole(h));

afterAll(async () => {
  await stopHarness(h);
});

test('an object flag is created with JSON checked as it is typed, edited, found by the filters, and deleted after a confirmation', async () => {
  const page = await signedIn(h);
  const key = `e2e-limits-${Date.now().toString(36)}`;
  await page.getByRole('button', { name: 'New flag' }).click();
  const form = page.getByRole('form', { name: 'Create a flag' });
  await form.getByLabel('Key').fill(key);
  await form.getByLabel('Type').selectOption('object');
  const value = form.getByRole('textbox', { name: 'Value of variant 1 (JSON object)' });
  await value.fill('{"limit": ');
  await expect.poll(() => form.getByText(/Not JSON|Not valid JSON/).count()).toBe(1);
  expect(await form.getByRole('button', { name: 'Create flag' }).isDisabled()).toBe(true);
  await value.fill('[1, 2]');
  await expect.poll(() => form.getByText('An object variant is a JSON object').count()).toBe(1);
  await value.fill('{"limit": 10}');
  await form.getByRole('button', { name: '+ Add variant' }).click();
  await form.getByRole('textbox', { name: 'Name of variant 2' }).fill('large');
  await form.getByRole('textbox', { name: 'Value of variant 2 (JSON object)' }).fill('{"limit": 1000, "tags": ["x"]}');
  await form.getByLabel('Tags').fill('limits, q4');
  await form.getByRole('button', { name: 'Create flag' }).click();
  await expect.poll(() => form.getByRole('status').textContent()).toContain(`Created flag ${key}`);
  await createFlagInUi(page, `${key}-other`);
  await expectNoSeriousAxeViolations(page, 'create form');

  // Filters: by text, tag, type and status in the environment.
  const rows = page.getByRole('table').getByRole('row');
  const filters = page.getByRole('search', { name: 'Filter flags' });
  await filters.getByRole('searchbox', { name: 'Search' }).fill(key);
  await expect.poll(() => rows.count()).toBe(3);
  await filters.getByRole('combobox', { name: 'Tag' }).selectOption('q4');
  await filters.getByRole('combobox', { name: 'Type' }).selectOption('object');
  await expect.poll(() => rows.count()).toBe(2);
  await filters.getByRole('combobox', { name: 'Status in Development' }).selectOption('on');
  await expect.poll(() => page.getByText('No flag matches these filters.').count()).toBe(1);
  await page.getByRole('button', { name: 'Clear the filters' }).click();

  // Edit the flag's settings: the API keeps the variants as typed.
  await page.getByRole('link', { name: key, exact: true }).click();
  const settings = page.getByRole('form', { name: /Flag settings/ });
  await settings.getByLabel('Description').fill('Request limits per plan');
  await settings.getByRole('textbox', { name: 'Value of variant 2 (JSON object)' }).fill('{"limit": 5000}');
  await settings.getByRole('button', { name: 'Save settings' }).click();
  await expect.poll(() => settings.getByRole('status').textContent()).toBe('Saved.');
  const flag = await admin<{ description: string; variants: unknown; type: string }>(h, 'GET', `/projects/default/flags/${key}`);
  expect(flag).toMatchObject({ type: 'object', description: 'Request limits per plan', variants: { default: { limit: 10 }, large: { limit: 5000 } } });

  // Delete: the dialog says what will happen; Escape cancels, the button confirms.
  await page.getByRole('button', { name: 'Delete flag…' }).click();
  const dialog = page.getByRole('dialog', { name: `Delete ${key}?` });
  expect(await dialog.textContent()).toContain('from all 3 environments');
  expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
  await expectNoSeriousAxeViolations(page, 'delete dialog');
  await shot(page, 'delete-dialog');
  await page.keyboard.press('Escape');
  await expect.poll(() => dialog.count()).toBe(0);
  expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Delete flag…');
  await page.getByRole('button', { name: 'Delete flag…' }).click();
  await dialog.getByRole('button', { name: `Delete ${key}` }).click();
  await page.getByRole('heading', { level: 1, name: /^Flags/ }).waitFor();
  expect(await page.getByRole('link', { name: key, exact: true }).count()).toBe(0);
  await expect.poll(() => evaluate(h, key, { targetingKey: 'u' }), { timeout: 15_000, interval: 250 }).toMatchObject({ errorCode: 'FLAG_NOT_FOUND' });
  await page.context().close();
});

test('per-environment warnings and SDK key rate limits show when the API sends them, and nothing when it does not', async () => {
  const key = `e2e-imported-${Date.now().toString(36)}`;
  await admin(h, 'POST', '/projects/default/flags', { key });
  const page = await signedIn(h);

  // The routes answer as a server without the fields would (they are stripped), then as one with them (added):
  // the test holds before and after those servers land.
  let withFields = false;
  await page.route('**/api/v1/projects/default/flags', async (route) => {
    if (route.request().method() !== 'GET') return route.continue();
    const response = await route.fetch();
    const body = (await response.json()) as { flags: { key: string; environments: Record<string, { warnings?: unknown }> }[] };
    for (const f of body.flags) {
      for (const config of Object.values(f.environments)) delete config.warnings;
      if (withFields && f.key === key) f.environments.development.warnings = [{ path: '/targeting/if/0/regex/1', message: 'a repeated group must not contain another repetition' }];
    }
    await route.fulfill({ response, json: body });
  });
  const patches: unknown[] = [];
  await page.route('**/api/v1/projects/default/environments/development/sdk-keys**', async (route) => {
    const request = route.request();
    if (request.method() === 'PATCH') {
      patches.push(request.postDataJSON());
      const body = request.postDataJSON() as { rateLimit: number | null };
      if (body.rateLimit === 7) return route.fulfill({ status: 400, json: { error: { code: 'VALIDATION_FAILED', message: 'rateLimit is below the minimum of 10', issues: [{ path: 'rateLimit', message: 'below 10' }] } } });
      const keys = (await (await route.fetch({ method: 'GET', url: request.url().replace(/\/[^/]+$/, '') })).json()) as { sdkKeys: { id: string }[] };
      const id = request.url().split('/').pop();
      return route.fulfill({ json: { ...keys.sdkKeys.find((k) => k.id === id), rateLimit: body.rateLimit } });
    }
    if (request.method() !== 'GET') return route.continue();
    const response = await route.fetch();
    const body = (await response.json()) as { sdkKeys: { rateLimit?: number | null }[] };
    body.sdkKeys.forEach((k, i) => (withFields ? (k.rateLimit = i === 0 ? 500 : null) : delete k.rateLimit));
    await route.fulfill({ response, json: body });
  });

  // Without the fields: no rate-limit column, no warning.
  await page.getByRole('link', { name: 'Access', exact: true }).click();
  await page.getByRole('heading', { name: /^SDK keys in/ }).waitFor();
  await page.getByRole('table').getByRole('row').nth(1).waitFor();
  expect(await page.getByRole('columnheader', { name: 'Rate limit' }).count()).toBe(0);
  await expectNoSeriousAxeViolations(page, 'keys');
  await page.getByRole('link', { name: 'Flags', exact: true }).click();
  await page.getByRole('link', { name: key, exact: true }).click();
  await page.getByRole('heading', { name: 'Targeting in Development' }).waitFor();
  expect(await page.getByRole('note', { name: 'Warnings in Development' }).count()).toBe(0);
  await page.getByRole('link', { name: 'Access', exact: true }).click();

  // With them.
  withFields = true;
  await page.reload();
  await page.getByRole('columnheader', { name: 'Rate limit' }).waitFor();
  expect(await page.getByRole('cell', { name: /500 \/ s/ }).count()).toBe(1);
  await page.getByRole('button', { name: /^Edit rate limit of/ }).first().click();
  const field = page.getByRole('textbox', { name: /^Evaluations per second per location/ });
  await field.fill('7');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect.poll(() => page.getByRole('form', { name: /^Rate limit of/ }).getByRole('alert').textContent()).toContain('below the minimum of 10');
  await field.fill('');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect.poll(() => page.getByRole('cell', { name: /500 \/ s/ }).count()).toBe(0);
  expect(patches).toEqual([{ rateLimit: 7 }, { rateLimit: null }]);
  await expectNoSeriousAxeViolations(page, 'keys with rate limits');
  await shot(page, 'sdk-keys');

  await page.getByRole('link', { name: 'Flags', exact: true }).click();
  const row = page.getByRole('row', { name: new RegExp(key) });
  await expect.poll(() => row.textContent()).toContain('⚠');
  await page.getByRole('link', { name: key, exact: true }).click();
  const warnings = page.getByRole('note', { name: 'Warnings in Development' });
  await expect.poll(() => warnings.textContent()).toContain('a repeated group must not contain another repetition');
  expect(await warnings.textContent()).toContain('/targeting/if/0/regex/1');
  await page.context().close();
});
