// Issue 19 in real Chromium, against what OFREP serves: a running release owns its flags (the switch shows as part of it
// and never overrides it silently; the ways forward end the release with the change); the chip shows the release only
// while it owns the flag; starting never takes a feature away silently; step times are the release's true ones; the
// history filtered by a flag shows its releases and deployments; protected environments confirm; links keep their
// environment; the release page shows changes of the flags' own rules.
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { admin, expectNoSeriousAxeViolations, expectQuietConsole, shot, signedIn, startHarness, stopHarness, type Evaluation, type Harness } from './harness';

let h: Harness;
let stagingKey = '';
const staging = '/projects/default/environments/staging';
const prod = '/projects/default/environments/production';
const dev = '/projects/default/environments/development';
const steps = [{ percent: 50, holdMinutes: 60 }, { percent: 100, holdMinutes: 60 }];

interface FlagView {
  environments: Record<string, { state: string; defaultVariant: string | null; targeting: unknown }>;
}
interface ReleaseView {
  state: string;
  killed: boolean;
}

beforeAll(async () => {
  h = await startHarness();
  stagingKey = (await admin<{ secret: string }>(h, 'POST', `${staging}/sdk-keys`, { name: 'staging-watcher', kind: 'server' })).secret;
  for (const key of ['new-search', 'promo-banner', 'old-checkout', 'late-checkout', 'banner']) await admin(h, 'POST', '/projects/default/flags', { key });
  await admin(h, 'POST', '/projects/default/flags', {
    key: 'pricing', type: 'string', variants: { annual: 'annual', monthly: 'monthly', trial: 'trial' },
    environments: { staging: { state: 'ENABLED', defaultVariant: 'monthly' } }
  });
  await admin(h, 'POST', `${staging}/deployments`, { version: '3.0.0', flags: ['new-search', 'promo-banner', 'old-checkout', 'late-checkout', 'pricing', 'fresh-flag', 'banner'] });
  await admin(h, 'POST', `${prod}/deployments`, { version: '3.0.0', flags: ['banner'] });
  for (const [key, flag] of [['search-rollout', 'new-search'], ['promo', 'promo-banner']]) {
    await admin(h, 'POST', `${staging}/releases`, { key, name: key === 'promo' ? 'Promo' : 'Search rollout', flags: [flag], plan: { steps } });
    await admin(h, 'POST', `${staging}/releases/${key}/start`);
  }
  await admin(h, 'POST', `${staging}/releases`, { key: 'pricing-test', name: 'Pricing test', flags: ['pricing'], variants: { pricing: { inside: 'annual', outside: 'monthly' } }, plan: { steps } });
  await admin(h, 'POST', `${staging}/releases/pricing-test/start`);
  // the README's old flow: the flag switched on first, then a release at 1 %
  await admin(h, 'PATCH', `${staging}/flags/old-checkout`, { state: 'ENABLED' });
  await admin(h, 'PATCH', `${staging}/flags/late-checkout`, { state: 'ENABLED' });
  for (const key of ['old-checkout', 'late-checkout']) {
    await admin(h, 'POST', `${staging}/releases`, { key: `${key}-rollout`, name: `Roll out ${key}`, flags: [key], plan: { steps: [{ percent: 1, holdMinutes: 60 }, { percent: 100, holdMinutes: 60 }] } });
  }
});

afterEach(() => expectQuietConsole(h));

afterAll(async () => {
  await stopHarness(h);
});

async function ofrep(flag: string, targetingKey: string): Promise<Evaluation> {
  const response = await fetch(`${h.curtain.ofrepUrl.replace(/\/$/, '')}/evaluate/flags/${flag}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${stagingKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ context: { targetingKey } })
  });
  return (await response.json()) as Evaluation;
}

/** How many of `count` users get `true` in Staging. */
async function usersOn(flag: string, count: number): Promise<number> {
  const answers = await Promise.all(Array.from({ length: count }, (_, i) => ofrep(flag, `user-${i}`)));
  return answers.filter((a) => a.value === true).length;
}

/** The writes the page sends (method and path with query), to prove nothing went out behind a dialog. */
function writes(page: Page): string[] {
  const seen: string[] = [];
  page.on('request', (r) => {
    if (r.method() !== 'GET' && r.url().includes('/api/v1/')) seen.push(`${r.method()} ${new URL(r.url()).pathname.replace('/api/v1/projects/default', '')}${new URL(r.url()).search}`);
  });
  return seen;
}

test('a switch under a running release is part of it: flipping it explains the release and ends it with the change, never silently', async () => {
  const page = await signedIn(h, '/?env=staging');
  const sent = writes(page);
  const row = page.getByRole('row', { name: /new-search/ });
  await expect.poll(() => row.textContent()).toContain('Staging: rolling out 50 % (release Search rollout)');
  expect(await row.textContent()).toContain('in Search rollout: rolling out 50 %');
  expect(await row.getByRole('button', { name: /^Kill Search rollout/ }).count()).toBe(1);
  const before = await usersOn('new-search', 200);
  expect(before).toBeGreaterThan(60);
  expect(before).toBeLessThan(140);

  // Flipping it sends nothing: the dialog says why, and the ways forward.
  await row.getByRole('switch', { name: 'new-search in Staging, part of the release Search rollout' }).click();
  const dialog = page.getByRole('dialog', { name: 'new-search is in the release Search rollout' });
  await dialog.waitFor();
  expect(await dialog.textContent()).toMatch(/the release Search rollout decides who gets new-search \(rolling out 50 %/);
  expect(sent).toEqual([]);
  await expectNoSeriousAxeViolations(page, 'release owns the flag');
  await shot(page, 'release-owns-flag');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  expect(sent).toEqual([]);
  expect(await usersOn('new-search', 200)).toBe(before);

  // The way forward: kill the release and switch it off, in one write.
  await row.getByRole('switch', { name: /new-search in Staging/ }).click();
  await dialog.getByRole('radio', { name: /Kill/ }).check();
  await dialog.getByRole('button', { name: 'Kill the release and switch it off' }).click();
  await dialog.waitFor({ state: 'detached' });
  expect(sent).toEqual(['PATCH /environments/staging/flags/new-search?releaseAction=kill']);
  expect((await admin<FlagView>(h, 'GET', '/projects/default/flags/new-search')).environments.staging.state).toBe('DISABLED');
  expect(await admin<ReleaseView>(h, 'GET', `${staging}/releases/search-rollout`)).toMatchObject({ state: 'rolled_back', killed: true });
  await expect.poll(() => usersOn('new-search', 200), { timeout: 15_000, interval: 500 }).toBe(0);
  expect((await ofrep('new-search', 'user-1')).reason).toBe('DISABLED');

  // Once the release has ended, the chip is the flag's own status again (with how its release ended).
  await expect.poll(() => row.textContent()).toContain('Staging: Off (release Search rollout killed)');
  expect(await row.getByRole('switch', { name: 'new-search in Staging' }).isChecked()).toBe(false);
  await page.context().close();
});

test('a change the release owns that the page did not know of: the server’s 409 brings the same ways forward', async () => {
  const page = await signedIn(h, '/?env=staging');
  // a list read before the release started: the flags say nothing of it
  await page.route('**/api/v1/projects/default/flags', async (route) => {
    const response = await route.fetch();
    const body = (await response.json()) as { flags: { environments: Record<string, { release?: unknown }> }[] };
    for (const f of body.flags) for (const c of Object.values(f.environments)) c.release = null;
    await route.fulfill({ response, json: body });
  });
  await page.reload();
  const sent = writes(page);
  await page.getByRole('switch', { name: 'promo-banner in Staging' }).click();
  const dialog = page.getByRole('dialog', { name: 'promo-banner is in the release Promo' });
  await dialog.waitFor();
  expect(await dialog.textContent()).toContain('(rolling out 50 %');
  expect(await page.getByRole('switch', { name: 'promo-banner in Staging' }).isChecked()).toBe(true);
  // roll back (the default way) and switch it off
  await dialog.getByRole('button', { name: 'Roll back the release and switch it off' }).click();
  await dialog.waitFor({ state: 'detached' });
  expect(sent).toEqual(['PATCH /environments/staging/flags/promo-banner', 'PATCH /environments/staging/flags/promo-banner?releaseAction=rollback']);
  expect(await admin<ReleaseView>(h, 'GET', `${staging}/releases/promo`)).toMatchObject({ state: 'rolled_back', killed: false });
  expect((await admin<FlagView>(h, 'GET', '/projects/default/flags/promo-banner')).environments.staging.state).toBe('DISABLED');
  await page.context().close();
});

test('the flag page mentions its release; its switch and default are the release’s; its own rules may change, and the release page shows it', async () => {
  const page = await signedIn(h, '/flags/pricing?env=staging');
  const sent = writes(page);
  const notice = page.getByRole('note', { name: 'Release of pricing in Staging' });
  await expect.poll(async () => (await notice.textContent())?.replace(/\s+/g, ' ')).toMatch(/In the release Pricing test: rolling out 50 %.*annual inside, monthly outside/);
  expect(await page.getByRole('group', { name: 'What users get in Staging, in words' }).textContent()).toContain('no rules: the release Pricing test decides for everyone');

  // The default variant is the release's: saving a change of it explains, and sends nothing.
  await page.getByRole('combobox', { name: 'Default variant' }).selectOption('trial');
  await page.getByRole('button', { name: 'Save targeting' }).click();
  const dialog = page.getByRole('dialog', { name: 'pricing is in the release Pricing test' });
  await dialog.waitFor();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await page.getByRole('button', { name: 'Discard changes' }).click();
  expect(sent).toEqual([]);

  // Its own rules decide first and may change while it runs (someone adds one): the release page shows the change.
  await admin(h, 'PATCH', `${staging}/flags/pricing`, { targeting: { if: [{ in: [{ var: 'country' }, ['de', 'fr']] }, 'trial'] } });
  await page.getByRole('link', { name: 'Pricing test' }).first().click();
  await page.getByRole('heading', { level: 1, name: 'Pricing test' }).waitFor();
  const flags = page.getByRole('region', { name: 'Flags' });
  await expect.poll(() => flags.textContent()).toContain('if country is one of de, fr → trial; otherwise → the release');
  await expect.poll(() => flags.textContent()).toMatch(/pricing's own rules changed .* by bootstrap admin token/);
  expect(await flags.textContent()).toContain('Rules afterif country is one of de, fr → trial');
  await expectNoSeriousAxeViolations(page, 'release with changed rules');
  await shot(page, 'release-rules-changed');

  // Kill from the flag page: focus rests on the release's new status there.
  await page.goBack();
  await notice.getByRole('button', { name: /^Kill Pricing test/ }).click();
  await page.getByRole('dialog', { name: 'Kill Pricing test?' }).getByRole('button', { name: 'Kill it now' }).click();
  await expect.poll(() => notice.textContent()).toMatch(/Its last release here, Pricing test, killed/);
  expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Release of pricing in Staging');
  await page.context().close();
});

test('starting a release never takes a feature away silently: the dialog lists every flag and the share that would lose it', async () => {
  const page = await signedIn(h, '/releases/old-checkout-rollout?env=staging');
  const sent = writes(page);
  expect(await usersOn('old-checkout', 100)).toBe(100);
  await page.getByRole('button', { name: 'Start…' }).click();
  const dialog = page.getByRole('dialog', { name: /^Start Roll out old-checkout in Staging/ });
  await dialog.waitFor();
  expect(await dialog.getByRole('row', { name: /old-checkout/ }).textContent()).toMatch(/old-checkout.*on.*off/);
  expect(await dialog.getByRole('note', { name: 'Users who would lose the feature' }).textContent()).toContain('99 % of the users the release decides for lose old-checkout → on');
  await expectNoSeriousAxeViolations(page, 'start that takes a feature away');
  await shot(page, 'start-takes-feature-away');
  await dialog.getByRole('button', { name: 'Start anyway' }).click();
  await dialog.waitFor({ state: 'detached' });
  expect(sent).toEqual(['POST /environments/staging/releases/old-checkout-rollout/start?acknowledgeLoss=true']);
  await expect.poll(() => usersOn('old-checkout', 200), { timeout: 15_000, interval: 500 }).toBeLessThan(20);

  // What the page did not know (it read the flag as off): the server's 409 shows the loss, then "Start anyway".
  await page.route('**/api/v1/projects/default/flags', async (route) => {
    const response = await route.fetch();
    const body = (await response.json()) as { flags: { key: string; environments: Record<string, { state: string }> }[] };
    for (const f of body.flags) if (f.key === 'late-checkout') f.environments.staging.state = 'DISABLED';
    await route.fulfill({ response, json: body });
  });
  await page.goto(new URL('/releases/late-checkout-rollout?env=staging', h.curtain.dashboardUrl).href);
  await page.getByRole('button', { name: 'Start…' }).click();
  const late = page.getByRole('dialog', { name: /^Start Roll out late-checkout/ });
  await late.getByRole('button', { name: 'Start', exact: true }).click();
  await expect.poll(() => late.getByRole('note', { name: 'Users who would lose the feature' }).count()).toBe(1);
  expect(await late.getByRole('alert').textContent()).toContain('would lose it');
  await late.getByRole('button', { name: 'Start anyway' }).click();
  await late.waitFor({ state: 'detached' });
  expect(sent.slice(-2)).toEqual(['POST /environments/staging/releases/late-checkout-rollout/start', 'POST /environments/staging/releases/late-checkout-rollout/start?acknowledgeLoss=true']);
  await page.unrouteAll({ behavior: 'ignoreErrors' });
  await page.context().close();
});

test('step table and chart use the release’s true step times; a paused release’s labels never overlap', async () => {
  await admin(h, 'POST', `${dev}/deployments`, { version: '3.0.0', flags: ['steps-demo'] });
  await admin(h, 'POST', `${dev}/releases`, { key: 'steps-demo', name: 'Steps demo', flags: ['steps-demo'], plan: { steps: [{ percent: 10, holdMinutes: 60 }, { percent: 50, holdMinutes: 60 }, { percent: 100, holdMinutes: 60 }] } });
  await admin(h, 'POST', `${dev}/releases/steps-demo/start`);
  const page = await signedIn(h, '/releases/steps-demo?env=development');
  // as the API has it after a pause of 35 minutes: the second step came 35 minutes later than the plan says
  let shifted = '';
  await page.route('**/api/v1/projects/default/environments/development/releases/steps-demo', async (route) => {
    const response = await route.fetch();
    const body = (await response.json()) as { timeline: { startsAt: string | null }[]; startAt: string };
    shifted = new Date(Date.parse(body.startAt) + 95 * 60_000).toISOString();
    body.timeline[1].startsAt = shifted;
    body.timeline[2].startsAt = new Date(Date.parse(shifted) + 60 * 60_000).toISOString();
    await route.fulfill({ response, json: body });
  });
  await page.reload();
  const table = page.locator('.steps-table');
  await table.waitFor();
  await expect.poll(() => table.getByRole('row').nth(2).locator('time').getAttribute('datetime')).toBe(shifted);
  const chartStep = page.locator('.release-chart circle.planned').first();
  expect(await chartStep.locator('title').textContent()).toContain(await page.evaluate((iso) => new Date(iso).toLocaleString(), shifted));
  await page.unroute('**/api/v1/projects/default/environments/development/releases/steps-demo');

  // Paused just now: the "now" and "paused" lines are at one place, their labels are not, at the tour's sizes.
  await page.getByRole('button', { name: 'Pause…' }).click();
  await page.getByRole('dialog', { name: /^Pause Steps demo/ }).getByRole('button', { name: 'Pause', exact: true }).click();
  await expect.poll(() => page.locator('.release-chart .marker-label').count()).toBe(2);
  expect(await table.textContent()).toContain('after the pause, once resumed');
  for (const width of [1280, 960]) {
    await page.setViewportSize({ width, height: 800 });
    await expect
      .poll(() => page.locator('.release-chart .marker-label').evaluateAll((labels) => {
        const [a, b] = labels.map((l) => (l as SVGTextElement).getBoundingClientRect());
        return a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top;
      }))
      .toBe(true);
  }
  await shot(page, 'paused-chart');
  await page.context().close();
});

test('the history filtered by a flag shows its releases, schedules and deployments, in sentences', async () => {
  const page = await signedIn(h, '/history?flag=new-search');
  const sent: string[] = [];
  page.on('request', (r) => r.url().includes('/audit') && sent.push(new URL(r.url()).search));
  const entries = page.getByRole('article');
  await expect.poll(() => entries.count()).toBeGreaterThanOrEqual(5);
  const text = (await entries.allTextContents()).join('\n');
  expect(text).toContain('recorded the deployment 3.0.0 in Staging, using new-search');
  expect(text).toMatch(/started the release Search rollout in Staging/);
  expect(text).toMatch(/killed the release Search rollout in Staging/);
  expect(text).toMatch(/started the release Search rollout: new-search switched on in Staging/);
  expect(text).toMatch(/killed the release Search rollout: new-search now serves off by default in Staging/);
  expect(text).toMatch(/changed new-search in Staging: switched off/);
  expect(text).toMatch(/created the flag new-search/);
  // the exact time on hover
  expect(await entries.first().locator('time').getAttribute('title')).toMatch(/\d{4}/);
  await page.reload();
  await expect.poll(() => sent.some((q) => q.includes('flag=new-search'))).toBe(true);
  await expectNoSeriousAxeViolations(page, 'history of a flag');
  await page.context().close();
});

test('protected production: a promotion and a switch ask first with the change and the share of users; on/off is never copied from an earlier tick', async () => {
  await admin(h, 'PATCH', `${dev}/flags/banner?force=true`, { state: 'ENABLED', targeting: { fractional: [['on', 10], ['off', 90]] } });
  const page = await signedIn(h, '/flags/banner?env=development');
  const sent = writes(page);
  const promote = page.getByRole('region', { name: 'Promote' });
  await promote.getByRole('combobox', { name: 'To' }).selectOption('staging');
  await promote.getByRole('checkbox', { name: 'Also copy on/off' }).check();
  await promote.getByRole('button', { name: 'Promote to Staging' }).click();
  await expect.poll(() => promote.getByRole('status').textContent()).toBe('Promoted to Staging.');
  expect((await admin<FlagView>(h, 'GET', '/projects/default/flags/banner')).environments.staging.state).toBe('ENABLED');

  // Into production: the tick was for that promotion only; the confirmation shows the change and who it affects.
  await promote.getByRole('combobox', { name: 'To' }).selectOption('production');
  expect(await promote.getByRole('checkbox', { name: 'Also copy on/off' }).isChecked()).toBe(false);
  await promote.getByRole('button', { name: 'Promote to Production' }).click();
  const confirm = page.getByRole('dialog', { name: 'Promote banner in Production?' });
  await confirm.waitFor();
  expect(await confirm.textContent()).toContain('Production is protected');
  expect(await confirm.textContent()).toContain('Rules aftereveryone: 10 % on, 90 % off');
  expect(await confirm.textContent()).not.toContain('Switch');
  expect(await confirm.textContent()).toMatch(/Users affected: .*Production/);
  await expectNoSeriousAxeViolations(page, 'protected promotion');
  await shot(page, 'protected-promotion');
  await confirm.getByRole('button', { name: 'Promote banner in Production' }).click();
  await confirm.waitFor({ state: 'detached' });
  const promoted = (await admin<FlagView>(h, 'GET', '/projects/default/flags/banner')).environments.production;
  expect(promoted).toMatchObject({ state: 'DISABLED', targeting: { fractional: [['on', 10], ['off', 90]] } });

  // The switch in the list: asked first, with who it affects; cancelling sends nothing.
  await page.getByRole('link', { name: '← Flags' }).click();
  await page.getByRole('group', { name: 'Environment' }).getByRole('button', { name: 'Production' }).click();
  const before = sent.length;
  await page.getByRole('switch', { name: 'banner in Production', exact: true }).click();
  const ask = page.getByRole('dialog', { name: 'Switch banner on in Production?' });
  await ask.waitFor();
  expect(await ask.textContent()).toMatch(/Switchoff → on.*Users affected: every user in Production \(100 %\)/);
  await ask.getByRole('button', { name: 'Cancel' }).click();
  expect(sent.length).toBe(before);
  expect(await page.getByRole('switch', { name: 'banner in Production', exact: true }).isChecked()).toBe(false);
  await page.getByRole('switch', { name: 'banner in Production', exact: true }).click();
  await ask.getByRole('button', { name: 'Switch banner on in Production' }).click();
  await ask.waitFor({ state: 'detached' });
  expect((await admin<FlagView>(h, 'GET', '/projects/default/flags/banner')).environments.production.state).toBe('ENABLED');
  await page.context().close();
});

test('every link carries the environment it was made in, and a reload keeps it', async () => {
  const page = await signedIn(h, '/deployments?env=development');
  await page.getByRole('heading', { name: /^Deployments to Development/ }).waitFor();
  await page.getByRole('group', { name: 'Environment' }).getByRole('button', { name: 'Staging' }).click();
  await page.getByRole('heading', { name: /^Deployments to Staging/ }).waitFor();
  const release = page.getByRole('link', { name: 'Release… fresh-flag' });
  await release.waitFor();
  expect(new URL(await release.getAttribute('href') ?? '', 'http://x').searchParams.get('env')).toBe('staging');
  await release.click();
  await page.getByRole('heading', { name: 'Plan a release in Staging' }).waitFor();
  expect(new URL(page.url()).searchParams.get('env')).toBe('staging');
  await page.reload();
  await page.getByRole('heading', { name: 'Plan a release in Staging' }).waitFor();
  expect(await page.getByRole('combobox', { name: 'fresh-flag: variant inside the release' }).inputValue()).toBe('on');

  // a link to another environment's release selects that environment
  await page.goto(new URL('/overview?env=development', h.curtain.dashboardUrl).href);
  await page.getByRole('link', { name: 'Roll out old-checkout' }).click();
  await page.getByRole('heading', { level: 1, name: 'Roll out old-checkout' }).waitFor();
  expect(await page.getByRole('group', { name: 'Environment' }).getByRole('button', { name: 'Staging' }).getAttribute('aria-pressed')).toBe('true');
  // and the releases list of staging, where a Svelte warning once appeared: from a release, back, to another environment
  await page.getByRole('link', { name: '← Releases' }).click();
  await page.getByRole('heading', { name: /^Releases in Staging/ }).waitFor();
  await page.getByRole('link', { name: 'Pricing test' }).click();
  await page.getByRole('heading', { level: 1, name: 'Pricing test' }).waitFor();
  await page.goBack();
  await page.goto(new URL('/releases?env=staging', h.curtain.dashboardUrl).href);
  await page.getByRole('heading', { name: /^Releases in Staging/ }).waitFor();
  await page.getByRole('group', { name: 'Environment' }).getByRole('button', { name: 'Development' }).click();
  await page.getByRole('heading', { name: /^Releases in Development/ }).waitFor();
  await page.context().close();
});

test('deleting a flag a release owns says so and kills the release in the same change; the flag page shows where the code uses a flag', async () => {
  await admin(h, 'POST', '/projects/default/flags', { key: 'doomed' });
  await admin(h, 'POST', `${staging}/deployments`, { version: '3.1.0', flags: ['doomed'], references: [{ key: 'doomed', file: 'src/doomed.ts', line: 7 }] });
  await admin(h, 'POST', `${staging}/releases`, { key: 'doomed-rollout', name: 'Doomed rollout', flags: ['doomed'], plan: { steps } });
  await admin(h, 'POST', `${staging}/releases/doomed-rollout/start`);
  const page = await signedIn(h, '/flags/doomed?env=staging');
  const code = page.getByRole('region', { name: 'In the code' });
  await code.waitFor();
  expect(await code.textContent()).toContain('src/doomed.ts:7');
  const sent = writes(page);
  await page.getByRole('button', { name: 'Delete flag…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete doomed?' });
  expect(await dialog.textContent()).toContain('The release Doomed rollout owns it in Staging');
  await dialog.getByRole('button', { name: 'Kill Doomed rollout and delete doomed' }).click();
  await page.getByRole('heading', { name: /^Flags/ }).first().waitFor();
  expect(sent).toEqual(['DELETE /flags/doomed?releaseAction=kill']);
  expect(await admin<ReleaseView>(h, 'GET', `${staging}/releases/doomed-rollout`)).toMatchObject({ state: 'rolled_back', killed: true });
  expect((await ofrep('doomed', 'user-1')).errorCode).toBe('FLAG_NOT_FOUND');
  await page.context().close();
});
