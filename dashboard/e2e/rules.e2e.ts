// The rule builder in real Chromium: rules built with the form are saved as JsonLogic, evaluated over OFREP, and read
// back unchanged; the engine's validation issues show beside the condition they concern; a rule the builder cannot
// show opens as JSON; segments get their own editor; all of it by keyboard, with no serious axe violations.
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { admin, createFlagInUi, evaluate, expectNoSeriousAxeViolations, shot, signedIn, startHarness, stopHarness, type Harness, expectQuietConsole } from './harness';

let h: Harness;
const dev = '/projects/default/environments/development';

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

async function openFlag(page: Page, key: string) {
  await page.getByRole('link', { name: key, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: key }).waitFor();
  await page.getByRole('heading', { name: 'Targeting in Development' }).waitFor();
}

async function condition(page: Page, rule: number, attribute: string, operator: string, value: string) {
  const name = `Rule ${rule}, condition 1`;
  await page.getByLabel(`${name}: attribute`, { exact: true }).fill(attribute);
  await page.getByRole('combobox', { name: `${name}: operator` }).selectOption({ label: operator });
  const list = page.getByRole('textbox', { name: `${name}: values, separated by commas` });
  if (await list.count()) await list.fill(value);
  else await page.getByLabel(`${name}: value`, { exact: true }).fill(value);
}

test('a flag with rules built in the builder is served over OFREP as the rules say, and reads back unchanged', async () => {
  const page = await signedIn(h);
  const key = `e2e-rules-${Date.now().toString(36)}`;
  await createFlagInUi(page, key, { type: 'string' });
  await openFlag(page, key);

  await page.getByRole('button', { name: '+ Add rule' }).click();
  await condition(page, 1, 'plan', 'equals', 'pro');
  await page.getByRole('combobox', { name: 'Rule 1: serve' }).selectOption({ label: 'treatment' });

  await page.getByRole('button', { name: '+ Add rule' }).click();
  await condition(page, 2, 'country', 'is one of', 'de, fr');
  await page.getByRole('combobox', { name: 'Rule 2: serve' }).selectOption({ label: 'treatment' });

  await page.getByRole('button', { name: '+ Add rule' }).click();
  await condition(page, 3, 'version', 'version is at least', '2.0.0');
  await page.getByRole('combobox', { name: 'Rule 3: serve' }).selectOption({ label: 'treatment' });
  await page.getByRole('button', { name: '+ Condition in Rule 3' }).click();
  await page.getByLabel('Rule 3, condition 2: attribute', { exact: true }).fill('email');
  await page.getByRole('combobox', { name: 'Rule 3, condition 2: operator' }).selectOption({ label: 'ends with' });
  await page.getByLabel('Rule 3, condition 2: value', { exact: true }).fill('@acme.com');

  await page.getByRole('combobox', { name: 'Everyone else: serve' }).selectOption({ label: 'control' });
  await page.getByRole('switch', { name: `${key} enabled in Development (saved with the rules)` }).click();
  await page.getByRole('button', { name: 'Save targeting' }).click();
  await expect.poll(() => page.getByText('Saved at').count()).toBe(1);

  const expected = {
    if: [
      { '==': [{ var: 'plan' }, 'pro'] }, 'treatment',
      { in: [{ var: 'country' }, ['de', 'fr']] }, 'treatment',
      { and: [{ sem_ver: [{ var: 'version' }, '>=', '2.0.0'] }, { ends_with: [{ var: 'email' }, '@acme.com'] }] }, 'treatment',
      'control'
    ]
  };
  const saved = await admin<FlagView>(h, 'GET', `/projects/default/flags/${key}`);
  expect(saved.environments.development).toMatchObject({ state: 'ENABLED', targeting: expected });

  const serves = (context: Record<string, unknown>) => evaluate(h, key, { targetingKey: 'u1', ...context });
  await expect.poll(() => serves({ plan: 'pro' }), { timeout: 15_000, interval: 250 }).toMatchObject({ value: 'treatment', reason: 'TARGETING_MATCH' });
  expect(await serves({ country: 'fr' })).toMatchObject({ value: 'treatment', reason: 'TARGETING_MATCH' });
  expect(await serves({ version: '2.1.0', email: 'ann@acme.com' })).toMatchObject({ value: 'treatment' });
  expect(await serves({ version: '2.1.0', email: 'ann@example.com' })).toMatchObject({ value: 'control', reason: 'TARGETING_MATCH' });
  expect(await serves({ plan: 'free', country: 'us' })).toMatchObject({ value: 'control' });

  // Read back: the builder shows the saved rules as forms, and saving untouched changes nothing.
  await page.reload();
  await page.getByRole('heading', { name: 'Targeting in Development' }).waitFor();
  expect(await page.getByRole('textbox', { name: 'Rule 2, condition 1: values, separated by commas' }).inputValue()).toBe('de, fr');
  expect(await page.getByRole('combobox', { name: 'Rule 3, condition 1: operator' }).inputValue()).toBe('sem_ver:>=');
  expect(await page.getByRole('button', { name: 'Save targeting' }).isDisabled()).toBe(true);
  expect(await page.getByText('shown as JSON').count()).toBe(0);

  await expectNoSeriousAxeViolations(page, 'flag page with rules');
  await shot(page, 'flag-rules');

  // The engine refuses an unsafe pattern: its message shows beside that condition, and nothing is saved.
  await page.getByRole('combobox', { name: 'Rule 1, condition 1: operator' }).selectOption({ label: 'matches the pattern' });
  await page.getByLabel('Rule 1, condition 1: value', { exact: true }).fill('(a+)+$');
  const refused = page.waitForResponse((r) => r.url().includes(`/flags/${key}`) && r.request().method() === 'PATCH');
  await page.getByRole('button', { name: 'Save targeting' }).click();
  const response = await refused;
  expect(response.status()).toBe(400);
  const body = (await response.json()) as { error: { code: string; issues: { path: string; message: string }[] } };
  expect(body.error.code).toBe('INVALID_DEFINITION');
  const issue = body.error.issues.find((i) => i.path.startsWith(`/flags/${key}/targeting/if/0`));
  expect(issue).toBeDefined();
  const row = page.getByRole('group', { name: 'Rule 1, condition 1' });
  await expect.poll(() => row.getByRole('alert').textContent()).toContain(issue!.message);
  await shot(page, 'flag-rule-issue');
  expect((await admin<FlagView>(h, 'GET', `/projects/default/flags/${key}`)).environments.development.targeting).toEqual(expected);
  await page.getByRole('button', { name: 'Discard changes' }).click();
  await page.context().close();
});

test('a rule the builder cannot show opens as JSON with the engine’s messages in place, and is saved exactly as written', async () => {
  const key = `e2e-json-${Date.now().toString(36)}`;
  const targeting = { if: [{ '==': [{ var: ['plan', 'free'] }, 'pro'] }, 'on', { var: 'pick' }] };
  await admin(h, 'POST', '/projects/default/flags', { key, environments: { development: { state: 'ENABLED', targeting } } });
  const page = await signedIn(h);
  await openFlag(page, key);
  expect(await page.getByText('2 parts of these rules have no form in the builder').count()).toBe(1);
  const part = page.getByRole('textbox', { name: 'Rule 1, condition 1 as JSON' });
  expect(JSON.parse(await part.inputValue())).toEqual(targeting.if[0]);

  // As it is typed, text that is not JSON is flagged beside the field and blocks the save.
  await part.fill('{"==": [{"var": "plan"}, ');
  await expect.poll(() => page.getByText(/Not valid JSON/).count()).toBeGreaterThan(0);
  expect(await page.getByRole('button', { name: 'Save targeting' }).isDisabled()).toBe(true);

  // The whole targeting in the advanced editor: an unknown operator comes back from the engine beside it.
  await page.getByRole('button', { name: 'Edit as JSON' }).click();
  const whole = page.getByRole('textbox', { name: 'Targeting (JsonLogic)' });
  expect(JSON.parse(await whole.inputValue())).toEqual(targeting);
  await whole.fill(JSON.stringify({ if: [{ no_such_op: [1] }, 'on', 'off'] }));
  await page.getByRole('button', { name: 'Save targeting' }).click();
  await expect.poll(() => page.locator('.json-editor .issues').textContent()).toContain('unknown operator "no_such_op"');
  await expect.poll(() => page.locator('.json-editor .issues').textContent()).toContain('/if/0/no_such_op');
  await expectNoSeriousAxeViolations(page, 'advanced JSON editor');
  await shot(page, 'flag-advanced-json');
  await page.context().close();
});

test('segments get their own editor; a flag rule uses one; all of it reachable by keyboard', async () => {
  const page = await signedIn(h);
  // Keyboard only: Tab to the section link and follow it.
  for (let i = 0; i < 30 && !(await page.evaluate(() => document.activeElement?.textContent === 'Segments')); i++) await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => ({ text: document.activeElement?.textContent, outline: getComputedStyle(document.activeElement!).outlineStyle }));
  expect(focused).toEqual({ text: 'Segments', outline: 'solid' });
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: /Segments & shared rules in/ }).waitFor();
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('view-title');

  const segments = page.getByRole('form', { name: /Segments/ });
  await segments.getByRole('button', { name: '+ Add segment' }).focus();
  await page.keyboard.press('Enter');
  await segments.getByRole('textbox', { name: 'Name' }).fill('staff');
  await page.getByLabel('staff, condition 1: attribute', { exact: true }).fill('email');
  await page.getByRole('combobox', { name: 'staff, condition 1: operator' }).selectOption({ label: 'ends with' });
  await page.getByLabel('staff, condition 1: value', { exact: true }).fill('@acme.com');
  await segments.getByRole('button', { name: 'Save segments' }).focus();
  await page.keyboard.press('Enter');
  await expect.poll(() => segments.getByRole('status').textContent()).toContain('Saved');
  const env = await admin<{ segments: Record<string, unknown> }>(h, 'GET', dev);
  expect(env.segments).toEqual({ staff: { ends_with: [{ var: 'email' }, '@acme.com'] } });
  await expectNoSeriousAxeViolations(page, 'shared rules');
  await shot(page, 'shared-rules');

  // A reference to a segment that does not exist: the engine's message shows beside that segment.
  await segments.getByRole('button', { name: '+ Add segment' }).click();
  await segments.getByRole('textbox', { name: 'Name' }).nth(1).fill('inner');
  await page.getByRole('combobox', { name: 'inner, condition 1: operator' }).selectOption({ label: 'is in the segment' });
  await page.getByLabel('inner, condition 1: value', { exact: true }).fill('nobody');
  await segments.getByRole('button', { name: 'Save segments' }).click();
  await expect.poll(() => page.getByRole('group', { name: 'inner, condition 1' }).textContent()).toContain('no segment "nobody"');

  // The flag uses the segment: staff get "on".
  const key = `e2e-segment-${Date.now().toString(36)}`;
  await admin(h, 'POST', '/projects/default/flags', { key, environments: { development: { state: 'ENABLED', defaultVariant: 'off' } } });
  await page.getByRole('link', { name: 'Flags', exact: true }).click();
  await page.getByRole('link', { name: key, exact: true }).click();
  await page.getByRole('button', { name: '+ Add rule' }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('combobox', { name: 'Rule 1, condition 1: operator' }).selectOption({ label: 'is in the segment' });
  await page.getByLabel('Rule 1, condition 1: value', { exact: true }).fill('staff');
  await page.getByRole('combobox', { name: 'Rule 1: serve' }).selectOption({ label: 'on' });
  await page.getByRole('button', { name: 'Save targeting' }).focus();
  await page.keyboard.press('Enter');
  await expect.poll(() => evaluate(h, key, { targetingKey: 'u', email: 'bo@acme.com' }), { timeout: 15_000, interval: 250 }).toMatchObject({ value: true });
  expect(await evaluate(h, key, { targetingKey: 'u', email: 'bo@example.com' })).toMatchObject({ value: false, reason: 'DEFAULT' });
  await page.context().close();
});
