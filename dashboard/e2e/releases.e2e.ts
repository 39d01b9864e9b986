// Releases in real Chromium, seen over OFREP with a server key created in the dashboard: a release planned on the
// timeline, started, paused and killed, each confirmation saying how many users it affects; the dormant-code warning
// and its way through, in the list and on the flag page; a scheduled change served on time; the calendar and the
// deployments feed.
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { admin, expectNoSeriousAxeViolations, shot, signedIn, startHarness, stopHarness, type Evaluation, type Harness, expectQuietConsole } from './harness';

let h: Harness;
const dev = '/projects/default/environments/development';

beforeAll(async () => {
  h = await startHarness();
  // CI deployed code that uses checkout-v3 (created dormant); nothing deployed uses search-v2 or beta-banner
  await admin(h, 'POST', '/projects/default/flags', { key: 'search-v2', description: 'New search ranking' });
  await admin(h, 'POST', '/projects/default/flags', { key: 'beta-banner', description: 'A banner for beta users' });
  await admin(h, 'POST', `${dev}/deployments`, { version: '2.14.0', commit: 'a1b2c3d4e5f6', url: 'https://ci.example.com/builds/2140', flags: ['checkout-v3'] });
});

afterEach(() => expectQuietConsole(h));

afterAll(async () => {
  await stopHarness(h);
});

/** OFREP with `key` (the SDK key the test created in the dashboard). */
async function ofrep(key: string, flag: string, targetingKey: string): Promise<Evaluation> {
  const response = await fetch(`${h.curtain.ofrepUrl.replace(/\/$/, '')}/evaluate/flags/${flag}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ context: { targetingKey } })
  });
  return (await response.json()) as Evaluation;
}

/** The users (of `count`) the flag is on for, asked a few at a time. */
async function usersOn(key: string, flag: string, count: number): Promise<string[]> {
  const on: string[] = [];
  for (let start = 0; start < count; start += 25) {
    const users = Array.from({ length: Math.min(25, count - start) }, (_, i) => `user-${start + i}`);
    const answers = await Promise.all(users.map((u) => ofrep(key, flag, u)));
    answers.forEach((a, i) => a.value === true && on.push(users[i]));
  }
  return on;
}

async function confirm(page: Page, title: RegExp, says: RegExp, button: string) {
  const dialog = page.getByRole('dialog', { name: title });
  await dialog.waitFor();
  expect(await dialog.textContent()).toMatch(says);
  await dialog.getByRole('button', { name: button, exact: true }).click();
  await dialog.waitFor({ state: 'detached' });
}

test('a release planned on the timeline is started, paused and killed, and OFREP serves each step', async () => {
  const page = await signedIn(h);

  // A server SDK key, created in Access: its secret is shown once, with a copy button.
  await page.getByRole('link', { name: 'Access', exact: true }).click();
  const keyForm = page.getByRole('form', { name: 'Create an SDK key' });
  await keyForm.getByLabel('Key name').fill('release-watcher');
  await keyForm.getByRole('button', { name: 'Create SDK key' }).click();
  const secret = await page.getByRole('textbox', { name: 'Secret of release-watcher' }).inputValue();
  expect(secret.length).toBeGreaterThan(20);
  await expect.poll(async () => (await ofrep(secret, 'checkout-v3', 'probe')).reason, { timeout: 15_000, interval: 250 }).toBe('DISABLED');

  // Plan: 30 % for an hour, then everyone; notes in Markdown with a safe preview; a guardrail.
  await page.getByRole('link', { name: 'Releases', exact: true }).click();
  await page.getByText('Nothing is rolling out, paused or scheduled in any environment.').waitFor();
  await page.getByRole('link', { name: 'List', exact: true }).click();
  await page.getByText('No releases in Development yet.').waitFor();
  await expectNoSeriousAxeViolations(page, 'releases, empty');
  await page.getByRole('link', { name: 'Plan the first release' }).click();
  const form = page.getByRole('form', { name: 'Plan a release' });
  await form.getByLabel('Name').fill('New checkout');
  expect(await form.getByLabel('Key').inputValue()).toBe('new-checkout');
  await form.getByLabel('Owner').fill('maya');
  await form.getByRole('combobox', { name: 'Flag to add to the release' }).selectOption('checkout-v3');
  await form.getByRole('button', { name: '+ Add flag' }).click();
  expect(await form.getByRole('combobox', { name: 'checkout-v3: variant inside the release' }).inputValue()).toBe('on');
  await form.getByRole('button', { name: 'Quick: 5 % → 25 % → 100 %' }).click();
  await form.getByRole('button', { name: 'Remove step 2' }).click();
  await form.getByRole('textbox', { name: 'Step 1: share of users in percent' }).fill('30.5');
  await form.getByRole('textbox', { name: 'Step 1: holds for' }).fill('1');
  await form.getByRole('combobox', { name: 'Step 1: unit of the hold' }).selectOption('hours');
  await form.getByRole('textbox', { name: 'Step 2: share of users in percent' }).fill('20');
  expect(await form.getByText('Not below the step before').count()).toBe(1);
  await form.getByRole('textbox', { name: 'Step 2: share of users in percent' }).fill('100');
  await form.getByRole('button', { name: '+ Add threshold guardrail' }).click();
  await form.getByLabel('Release notes (Markdown)').fill('## One-page checkout\n\nFewer steps. <script>alert(1)</script> [Tell us](https://example.com/feedback)');
  await form.getByRole('button', { name: 'Preview' }).click();
  await form.getByRole('heading', { name: 'One-page checkout' }).waitFor();
  expect(await form.locator('.notes-preview script').count()).toBe(0);
  expect(await form.locator('.notes-preview').textContent()).toContain('<script>alert(1)</script>');
  expect(await form.getByRole('img', { name: /^The plan: 30.5 %, then 100 %/ }).count()).toBe(1);
  await expectNoSeriousAxeViolations(page, 'new release');
  await shot(page, 'release-plan');
  await form.getByRole('button', { name: 'Create draft' }).click();

  // The draft's page: nothing served yet; start it after a confirmation that says how many users get it.
  await page.getByRole('heading', { level: 1, name: 'New checkout' }).waitFor();
  expect(await page.getByRole('button', { name: /^Kill/ }).isDisabled()).toBe(true);
  await page.getByRole('button', { name: 'Start…' }).click();
  await confirm(page, /^Start New checkout in Development/, /Right away, about 30\.5 % of users .* get checkout-v3 → on/, 'Start');
  await expect.poll(() => page.locator('.release-state').first().textContent()).toBe('Rolling out');
  await expect.poll(() => page.getByRole('definition').first().textContent()).toContain('30.5 %');
  expect(await page.getByText(/100 % at .*\(in (59 min|1 h)\)/).count()).toBe(1);

  // Over OFREP: about 30.5 % of 400 users (binomial sd ≈ 2.3 %: ±9 % is beyond 3 sd).
  await expect.poll(async () => (await ofrep(secret, 'checkout-v3', 'probe')).reason, { timeout: 15_000, interval: 250 }).not.toBe('DISABLED');
  const rolling = await usersOn(secret, 'checkout-v3', 400);
  expect(rolling.length).toBeGreaterThan(400 * 0.215);
  expect(rolling.length).toBeLessThan(400 * 0.395);
  await expectNoSeriousAxeViolations(page, 'release, rolling out');

  // The flag list says so at a glance, in Development only; back to the release without a reload.
  await page.getByRole('link', { name: 'Flags', exact: true }).click();
  const row = page.getByRole('row', { name: /checkout-v3/ });
  await expect.poll(() => row.textContent()).toContain('Development: rolling out 30.5 % (release New checkout)');
  expect(await row.locator('.status.status-rolling_out').count()).toBe(1);
  await page.goBack();
  await page.getByRole('heading', { level: 1, name: 'New checkout' }).waitFor();

  // Pause: the same users keep it, nobody joins.
  await page.getByRole('button', { name: 'Pause…' }).click();
  await confirm(page, /^Pause New checkout/, /freezes at about 30\.5 % of users.*the next step, 100 %, will not happen/, 'Pause');
  await expect.poll(() => page.locator('.release-state').first().textContent()).toBe('Paused');
  expect(await usersOn(secret, 'checkout-v3', 400)).toEqual(rolling);

  // Kill, one obvious button away: everyone gets the outside variant within seconds.
  await page.getByRole('button', { name: /^Kill New checkout/ }).click();
  await confirm(page, /^Kill New checkout/, /Everyone gets checkout-v3 → off.*about 30\.5 % of users \(about [\d,]+ people since [^)]+\) who have it now lose it/, 'Kill it now');
  await expect.poll(() => page.locator('.release-state').first().textContent()).toBe('Killed');
  // focus rests on the release's new status, not on the page's body
  expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Killed');
  await expect.poll(async () => (await usersOn(secret, 'checkout-v3', 400)).length, { timeout: 15_000, interval: 500 }).toBe(0);
  expect(await ofrep(secret, 'checkout-v3', 'user-1')).toMatchObject({ value: false, reason: 'STATIC' });
  await expectNoSeriousAxeViolations(page, 'release, killed');
  await shot(page, 'release-killed');

  // The list, the calendar (the start and the kill today) and the history all show it.
  await page.getByRole('link', { name: '← Releases' }).click();
  await expect.poll(() => page.getByRole('row', { name: /New checkout/ }).textContent()).toContain('Killed');
  await page.getByRole('link', { name: 'Calendar' }).click();
  const today = page.locator('td.today');
  await expect.poll(() => today.textContent()).toMatch(/New checkout starts at 30.5 %.*New checkout killed/);
  await page.getByRole('button', { name: 'Week' }).click();
  // the week has hours: the kill sits in this hour's row
  const hour = await page.evaluate(() => `${String(new Date().getHours()).padStart(2, '0')}:00`);
  await expect.poll(() => page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: hour }) }).textContent()).toContain('New checkout killed');
  await expectNoSeriousAxeViolations(page, 'calendar');
  await shot(page, 'calendar');
  await page.context().close();
});

test('the dormant-code guard warns with the flags concerned, and "go ahead anyway" switches them on', async () => {
  const page = await signedIn(h);

  // The deployments feed: what was deployed, and the flags deployed but not released.
  await page.getByRole('link', { name: 'Deployments', exact: true }).click();
  const deployment = page.getByRole('article', { name: 'Deployment 2.14.0' });
  await deployment.waitFor();
  expect(await deployment.textContent()).toMatch(/a1b2c3d4e5.*Uses checkout-v3/);
  await expectNoSeriousAxeViolations(page, 'deployments');

  // In the list: switching on a flag no deployment uses is refused; the warning names it and the way through.
  await page.getByRole('link', { name: 'Flags', exact: true }).click();
  await page.getByRole('switch', { name: 'search-v2 in Development' }).click();
  const warning = page.getByRole('dialog', { name: 'Not deployed in Development' });
  await warning.waitFor();
  expect(await warning.textContent()).toMatch(/No recorded deployment in Development uses search-v2\.\s+Switching search-v2 on in Development would serve code/);
  expect(await page.getByRole('switch', { name: 'search-v2 in Development' }).isChecked()).toBe(false);
  await expectNoSeriousAxeViolations(page, 'dormant-code warning');
  await shot(page, 'dormant-warning');
  await warning.getByRole('button', { name: 'Go ahead anyway' }).click();
  await expect.poll(() => page.getByRole('switch', { name: 'search-v2 in Development' }).isChecked()).toBe(true);
  // the switch shows the change as it is sent; the server has it once the save answers
  await expect.poll(async () => (await admin<{ environments: Record<string, { state: string }> }>(h, 'GET', '/projects/default/flags/search-v2')).environments.development.state).toBe('ENABLED');

  // On the flag page: saved with the rules, the same warning, the same way through.
  await page.getByRole('link', { name: 'beta-banner', exact: true }).click();
  await page.getByRole('switch', { name: 'beta-banner enabled in Development (saved with the rules)' }).click();
  await page.getByRole('button', { name: 'Save targeting' }).click();
  const again = page.getByRole('dialog', { name: 'Not deployed in Development' });
  await again.waitFor();
  expect(await again.textContent()).toContain('beta-banner');
  await again.getByRole('button', { name: 'Go ahead anyway' }).click();
  await expect.poll(() => page.getByText('Saved at').count()).toBe(1);
  expect((await admin<{ environments: Record<string, { state: string }> }>(h, 'GET', '/projects/default/flags/beta-banner')).environments.development.state).toBe('ENABLED');
  await page.context().close();
});

test('a change scheduled on the flag page is listed, served by the edge on time, and another is cancelled', async () => {
  await admin(h, 'POST', `${dev}/deployments`, { version: '2.15.0', flags: ['checkout-v3', 'promo'] });
  const page = await signedIn(h, '/flags/promo');
  const panel = page.getByRole('region', { name: 'Scheduled changes in Development' });
  await panel.waitFor();
  expect(await panel.textContent()).toContain('Nothing scheduled');
  const local = (ms: number) => {
    const d = new Date(ms);
    const pad = (n: number) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  };
  const form = panel.getByRole('form', { name: 'Schedule a change to promo in Development' });
  // one to cancel: a split tomorrow
  await form.getByLabel('When').fill(local(Date.now() + 86_400_000));
  await form.getByLabel('Change').selectOption('split');
  await form.getByLabel('Share (%)').fill('12.5');
  await form.getByRole('button', { name: 'Schedule change' }).click();
  await expect.poll(() => panel.getByRole('listitem').count()).toBe(1);
  // a split after the flag's rules, which stay (not a replacement of them): the line says so
  expect(await panel.getByRole('listitem').textContent()).toContain('switch on, set a split after the rules (which stay): on 12.5 %, off 87.5 %');
  const scheduled = await admin<{ schedule: { split?: unknown; targeting?: unknown }[] }>(h, 'GET', `${dev}/flags/promo/schedule`);
  expect(scheduled.schedule[0]).toMatchObject({ split: [['on', 1250], ['off', 8750]] });
  expect(scheduled.schedule[0].targeting).toBeUndefined();
  // one to happen: switched on in a few seconds
  const at = Date.now() + 8_000;
  await form.getByLabel('When').fill(local(at));
  await form.getByLabel('Change').selectOption('on');
  await form.getByRole('button', { name: 'Schedule change' }).click();
  await expect.poll(() => panel.getByRole('listitem').count()).toBe(2);
  expect(await panel.getByRole('listitem').first().textContent()).toContain('switch on');
  await expectNoSeriousAxeViolations(page, 'scheduled changes');
  await shot(page, 'scheduled-changes');

  const { evaluate } = await import('./harness');
  expect((await evaluate(h, 'promo', { targetingKey: 'u1' })).reason).toBe('DISABLED');
  await expect.poll(() => evaluate(h, 'promo', { targetingKey: 'u1' }), { timeout: 20_000, interval: 500 }).toMatchObject({ value: true });
  expect(Date.now()).toBeGreaterThanOrEqual(Math.floor(at / 1000) * 1000);

  await panel.getByRole('button', { name: /^Cancel the change at/ }).last().click();
  await confirm(page, /^Cancel this scheduled change/, /would switch on, set a split after the rules \(which stay\): on 12\.5 %, off 87\.5 %/, 'Cancel the change');
  await expect.poll(async () => (await admin<{ schedule: unknown[] }>(h, 'GET', `${dev}/flags/promo/schedule`)).schedule.length).toBe(0);
  await page.context().close();
});
