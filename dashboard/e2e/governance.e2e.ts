// Governance in real Chromium: a change to protected Production by one person (an editor token) waits in a change
// request, another approves and applies it, and OFREP serves it; a stale apply writes nothing and shows the drift, and
// the author's edit voids the approval; a viewer sees every control disabled with the reason, and the server refuses them all the same.
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { admin, expectNoSeriousAxeViolations, expectQuietConsole, shot, startHarness, stopHarness, type Evaluation, type Harness } from './harness';

let h: Harness;
let prodKey = '';
const prod = '/projects/default/environments/production';
const token = async (name: string, role: string) => (await admin<{ secret: string }>(h, 'POST', '/admin-tokens', { name, role, projects: ['default'] })).secret;

beforeAll(async () => {
  h = await startHarness();
  prodKey = (await admin<{ secret: string }>(h, 'POST', `${prod}/sdk-keys`, { name: 'prod-watcher', kind: 'server' })).secret;
  for (const key of ['gated-checkout', 'gated-banner']) await admin(h, 'POST', '/projects/default/flags', { key });
  await admin(h, 'POST', `${prod}/deployments`, { version: '4.0.0', flags: ['gated-checkout', 'gated-banner'] });
  await admin(h, 'PATCH', prod, { protected: true, requiredApprovals: 1 });
});

afterEach(() => expectQuietConsole(h));

afterAll(async () => {
  await stopHarness(h);
});

async function inProduction(key: string): Promise<Evaluation> {
  const base = h.curtain.ofrepUrl.includes('/ofrep/v1') ? h.curtain.ofrepUrl : `${h.curtain.ofrepUrl.replace(/\/$/, '')}/ofrep/v1`;
  const response = await fetch(`${base.replace(/\/$/, '')}/evaluate/flags/${key}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${prodKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ context: { targetingKey: 'shopper-1' } })
  });
  return (await response.json()) as Evaluation;
}

async function signIn(secret: string, path = '/'): Promise<Page> {
  const context = await h.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(new URL(path, h.curtain.dashboardUrl).href);
  await page.getByLabel('Admin token').fill(secret);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('group', { name: 'Environment' }).getByRole('button', { name: 'Development' }).waitFor();
  return page;
}

test('an editor’s switch in Production waits for review; another person approves and applies it; OFREP serves it; a stale apply writes nothing; the author’s edit voids the approval', async () => {
  const ed = await signIn(await token('ed (editor)', 'editor'), '/?env=production');
  await ed.locator('.role-badge').filter({ hasText: 'editor' }).waitFor();
  const lock = ed.getByRole('group', { name: 'Environment' }).getByRole('button', { name: /Production/ }).locator('.lock');
  expect(await lock.getAttribute('title')).toBe('Production is protected: your changes there wait for 1 approval by someone else');

  await ed.getByRole('switch', { name: 'gated-checkout in Production', exact: true }).click();
  const review = ed.getByRole('dialog', { name: 'Ask for review: Switch gated-checkout on in Production' });
  await review.waitFor();
  expect(await review.textContent()).toMatch(/Switchoff → on.*Users affected: every user in Production \(100 %\)/);
  await expectNoSeriousAxeViolations(ed, 'review panel');
  await shot(ed, 'governance-review');
  const held = ed.waitForResponse((r) => r.url().includes('/flags/gated-checkout') && r.request().method() === 'PATCH');
  await review.getByRole('button', { name: 'Request review' }).click();
  expect((await held).status()).toBe(202);
  const opened = ed.getByRole('dialog', { name: 'Change request opened' });
  await opened.getByRole('status').filter({ hasText: 'waits for 1 approval by someone other than you' }).waitFor();
  expect((await inProduction('gated-checkout')).reason).toBe('DISABLED');
  expect(await ed.getByRole('switch', { name: 'gated-checkout in Production', exact: true }).isChecked()).toBe(false);

  await opened.getByRole('link', { name: 'Open the change request' }).click();
  await ed.getByRole('heading', { name: 'Change request', exact: true }).waitFor();
  const mine = ed.getByRole('article');
  await mine.getByText('0 of 1 approval').waitFor();
  const approveOwn = mine.getByRole('button', { name: /^Approve/ });
  expect(await approveOwn.isDisabled()).toBe(true);
  expect(await approveOwn.getAttribute('title')).toBe('You made this request: someone else approves it.');
  expect(await mine.getByRole('button', { name: /^Apply/ }).getAttribute('title')).toBe('It needs 1 more approval.');
  await mine.getByText('The exact change as JSON').click();
  expect(await mine.locator('pre.json').textContent()).toContain('"state": "ENABLED"');
  await expectNoSeriousAxeViolations(ed, 'change request');
  await shot(ed, 'governance-request');

  // Another person reviews it in their own dashboard, approves and applies it.
  const rita = await signIn(await token('rita (editor)', 'editor'), '/requests');
  const card = rita.getByRole('article').filter({ hasText: "flag 'gated-checkout'" });
  await card.waitFor();
  expect(await card.textContent()).toMatch(/asked by ed \(editor\).*0 of 1 approval.*Users affected: every user in Production \(100 %\)/s);
  await card.getByLabel('Comment (optional)').fill('Looks right');
  await card.getByRole('button', { name: /^Approve/ }).click();
  await card.getByText('approved (1 of 1): ready to apply').waitFor();
  await card.getByRole('button', { name: /^Apply/ }).click();
  await card.getByRole('status').filter({ hasText: 'Applied: it is live.' }).waitFor();
  await expect.poll(() => inProduction('gated-checkout'), { timeout: 15_000, interval: 250 }).toMatchObject({ value: true });
  // the history names who asked, who approved and who applied
  await rita.getByRole('link', { name: 'History' }).click();
  const entry = rita.getByRole('article').filter({ hasText: 'Through a change request' }).first();
  await entry.waitFor();
  expect(await entry.textContent()).toContain('asked by ed (editor), approved by rita (editor), applied by rita (editor)');
  await rita.getByRole('link', { name: 'Requests' }).click();

  // A second request, approved; the flag changes under it (an admin, directly); applying it writes nothing and says why.
  await ed.goto(new URL('/?env=production', h.curtain.dashboardUrl).href);
  await ed.getByRole('switch', { name: 'gated-banner in Production', exact: true }).click();
  await ed.getByRole('dialog', { name: /^Ask for review/ }).getByRole('button', { name: 'Request review' }).click();
  await ed.getByRole('dialog', { name: 'Change request opened' }).getByRole('button', { name: 'Close' }).click();
  await rita.reload();
  const second = rita.getByRole('article').filter({ hasText: "flag 'gated-banner'" });
  await second.getByRole('button', { name: /^Approve/ }).click();
  await second.getByText(/ready to apply/).waitFor();
  const now = (await admin<{ environments: Record<string, { defaultVariant: string | null }> }>(h, 'GET', '/projects/default/flags/gated-banner')).environments.production;
  await admin(h, 'PATCH', `${prod}/flags/gated-banner`, { defaultVariant: now.defaultVariant === 'on' ? 'off' : 'on' });
  await second.getByRole('button', { name: /^Apply/ }).click();
  const stale = second.getByRole('alert').filter({ hasText: 'Not applied: its target changed since the request was made.' });
  await stale.waitFor();
  expect(await stale.textContent()).toMatch(/defaultVariant/);
  await expectNoSeriousAxeViolations(rita, 'stale apply');
  await shot(rita, 'governance-stale');
  expect((await inProduction('gated-banner')).reason).toBe('DISABLED');

  // Its author edits it against the target as it is now: the approval given before is void, and the page says so first.
  await ed.goto(new URL('/requests', h.curtain.dashboardUrl).href);
  const own = ed.getByRole('article').filter({ hasText: "flag 'gated-banner'" });
  await own.getByRole('button', { name: 'Edit the change' }).click();
  const edit = own.getByRole('form', { name: /^Edit/ });
  await edit.getByText('Saving an edit voids the 1 approval given so far').waitFor();
  await edit.getByRole('button', { name: 'Save the edit' }).click();
  await own.getByRole('status').filter({ hasText: 'Edited: the 1 approval given before are void; it needs approving again.' }).waitFor();
  await own.getByText('0 of 1 approval').waitFor();
  await ed.context().close();
  await rita.context().close();
});

test('a releaser’s start of a Production release waits for review on the release page', async () => {
  await admin(h, 'POST', `${prod}/releases`, { key: 'gated-launch', name: 'Gated launch', flags: ['gated-banner'], plan: { steps: [{ percent: 50, holdMinutes: 60 }, { percent: 100, holdMinutes: 60 }] } });
  const page = await signIn(await token('rel (releaser)', 'releaser'), '/releases/gated-launch?env=production');
  await page.getByRole('heading', { name: 'Gated launch' }).waitFor();
  // the longest role, in the widest environment: the header is still one row at 1280 px
  await page.locator('.role-badge').filter({ hasText: 'releaser' }).waitFor();
  expect(await page.getByRole('banner').evaluate((e) => e.getBoundingClientRect().height)).toBeLessThan(60);
  expect(await page.locator('.release-head .lock').getAttribute('title')).toBe('Production is protected: your changes there wait for 1 approval by someone else');
  await page.getByRole('button', { name: 'Ask to start…' }).click();
  const ask = page.getByRole('dialog', { name: 'Ask to start Gated launch in Production?' });
  await ask.getByText('starting it opens a change request').waitFor();
  const held = page.waitForResponse((r) => r.url().includes('/releases/gated-launch/start') && r.request().method() === 'POST');
  await ask.getByRole('button', { name: 'Request review' }).click();
  expect((await held).status()).toBe(202);
  await page.getByRole('status').filter({ hasText: 'Held for review: nothing changed yet.' }).getByRole('link', { name: 'Open the change request' }).waitFor();
  expect((await admin<{ state: string }>(h, 'GET', `${prod}/releases/gated-launch`)).state).toBe('draft');
  await expectNoSeriousAxeViolations(page, 'held release start');
  await page.getByRole('link', { name: 'Open the change request' }).click();
  await page.getByRole('heading', { name: 'Change request', exact: true }).waitFor();
  expect(await page.getByRole('article').textContent()).toMatch(/gated-launch.*0 of 1 approval/s);
  await page.context().close();
});

test('an editor’s targeting edit on the flag page in Production opens the review panel, then links to its request', async () => {
  const page = await signIn(await token('eve (editor)', 'editor'), '/flags/gated-banner?env=production');
  const targeting = page.getByRole('region', { name: 'Targeting in Production' });
  await targeting.waitFor();
  const select = targeting.getByRole('combobox', { name: 'Default variant' });
  const now = await select.inputValue();
  await select.selectOption(now === 'on' ? 'off' : 'on');
  await targeting.getByRole('button', { name: 'Ask for review…' }).click();
  const review = page.getByRole('dialog', { name: /^Ask for review: Change gated-banner.s targeting in Production$/ });
  await review.getByText('Users affected').waitFor();
  expect(await review.textContent()).toMatch(/your change does not apply yet/);
  await review.getByRole('button', { name: 'Request review' }).click();
  await page.getByRole('dialog', { name: 'Change request opened' }).getByRole('button', { name: 'Close' }).click();
  const notice = targeting.getByRole('status').filter({ hasText: 'Held for review: nothing changed yet in Production.' });
  await notice.waitFor();
  expect((await admin<{ environments: Record<string, { defaultVariant: string | null }> }>(h, 'GET', '/projects/default/flags/gated-banner')).environments.production.defaultVariant).toBe(now);
  await notice.getByRole('link', { name: 'Open the change request' }).click();
  await page.getByRole('heading', { name: 'Change request', exact: true }).waitFor();
  expect(await page.getByRole('article').textContent()).toMatch(/asked by eve \(editor\)/);
  await page.context().close();
});

test('a viewer cannot switch anything: every control is disabled with the reason, and the server refuses them too', async () => {
  const secret = await token('val (viewer)', 'viewer');
  const page = await signIn(secret, '/?env=production');
  await page.locator('.role-badge').filter({ hasText: 'viewer' }).waitFor();
  const toggle = page.getByRole('switch', { name: 'gated-banner in Production', exact: true });
  await expect.poll(() => toggle.isDisabled()).toBe(true);
  const why = 'Your role (viewer) cannot change flags and their rules in Production: that takes editor or above.';
  expect(await toggle.getAttribute('title')).toBe(why);
  expect(await page.locator(`#${await toggle.getAttribute('aria-describedby')}`).textContent()).toBe(why);
  const create = page.getByRole('button', { name: 'New flag' });
  expect(await create.isDisabled()).toBe(true);
  expect(await create.getAttribute('title')).toMatch(/^Your role \(viewer\) cannot change flags/);
  await expectNoSeriousAxeViolations(page, 'viewer flags');

  await page.getByRole('link', { name: 'gated-banner', exact: true }).click();
  await page.getByRole('heading', { name: 'gated-banner' }).waitFor();
  expect(await page.getByRole('button', { name: 'Delete flag…' }).isDisabled()).toBe(true);
  expect(await page.getByRole('button', { name: 'Save targeting' }).isDisabled()).toBe(true);
  await page.getByText(why).first().waitFor();

  await page.getByRole('link', { name: 'Access' }).click();
  await page.getByRole('heading', { name: 'Access', exact: true }).waitFor();
  await page.getByRole('region', { name: 'You' }).getByText('with the admin token “val (viewer)”: viewer in default').waitFor();
  expect(await page.getByRole('checkbox', { name: 'Protect Production' }).isDisabled()).toBe(true);
  // the project's settings too: disabled, with why
  const staleDays = page.getByRole('region', { name: 'Project settings' }).getByLabel('Ready to clean up after (days at 100 %)');
  expect(await staleDays.isDisabled()).toBe(true);
  expect(await staleDays.getAttribute('title')).toMatch(/^Your role \(viewer\) cannot .*: that takes an admin\.$/);
  await page.getByText('Your role (viewer) cannot change keys, tokens, people or environment settings: that takes an admin.').first().waitFor();
  await expectNoSeriousAxeViolations(page, 'viewer access');
  await shot(page, 'governance-viewer');

  // The server refuses what the page disables.
  const refused = await fetch(`${h.curtain.apiUrl.replace(/\/$/, '')}${prod}/flags/gated-banner`, {
    method: 'PATCH', headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' }, body: JSON.stringify({ state: 'ENABLED' })
  });
  expect(refused.status).toBe(403);
  const settings = await fetch(`${h.curtain.apiUrl.replace(/\/$/, '')}/projects/default`, {
    method: 'PATCH', headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' }, body: JSON.stringify({ staleAfterDays: 3 })
  });
  expect(settings.status).toBe(403);
  await page.context().close();
});
