// Measured releases in real Chromium: a sequential guardrail added in the plan editor; known traffic driven over OFREP
// with the development SDK key; once the API reports the edge's flushed counts, the release page's people inside and
// outside, its evaluations-per-minute chart and the dialogs' "about N people" (also right after an action) match them; the flag list says
// how often the flag was evaluated; the project's staleAfterDays setting saved by an admin; archiving a flag still in
// code shows the server's warning.
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { admin, evaluate, expectNoSeriousAxeViolations, expectQuietConsole, shot, signedIn, startHarness, stopHarness, type Harness } from './harness';

let h: Harness;
const project = '/projects/default';
const dev = `${project}/environments/development`;
const FLAG = 'measured-checkout';
const USERS = 240;

interface ReleaseView {
  state: string;
  guardrails: { kind?: string; metric: string; decision?: unknown }[];
  exposures?: { inside: number; outside: number; since: string };
}
interface Exposures { minutes: { at: string; variants: Record<string, { count: number; inside?: number; outside?: number }> }[] }

beforeAll(async () => {
  h = await startHarness();
  await admin(h, 'POST', `${project}/flags`, { key: FLAG, description: 'One-page checkout, measured' });
  // the code that reads it is deployed, so the start passes the dormant-code guard
  await admin(h, 'POST', `${dev}/deployments`, { version: '3.1.0', commit: 'c0ffee123456', flags: [FLAG] });
  await admin(h, 'POST', `${dev}/releases`, { key: 'measured', name: 'Measured checkout', flags: [FLAG], plan: { steps: [{ percent: 50, holdMinutes: 120 }, { percent: 100, holdMinutes: 60 }] } });
});

afterEach(() => expectQuietConsole(h));

afterAll(async () => {
  await stopHarness(h);
});

const n = (x: number) => x.toLocaleString('en-US');

/** The flag's evaluations inside and outside in the last two hours, as the exposures route counts them (exact locally). */
async function counted(): Promise<{ total: number; inside: number; outside: number }> {
  const to = new Date(Date.now() + 60_000);
  const from = new Date(to.getTime() - 2 * 3_600_000);
  const x = await admin<Exposures>(h, 'GET', `${dev}/flags/${FLAG}/exposures?from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`);
  const all = x.minutes.flatMap((m) => Object.values(m.variants));
  const sum = (f: (v: (typeof all)[number]) => number) => all.reduce((s, v) => s + f(v), 0);
  return { total: sum((v) => v.count), inside: sum((v) => v.inside ?? 0), outside: sum((v) => v.outside ?? 0) };
}

async function dialog(page: Page, title: RegExp) {
  const d = page.getByRole('dialog', { name: title });
  await d.waitFor();
  return d;
}

test('the release page and its dialogs count the people OFREP served, as the API reports them', async () => {
  const page = await signedIn(h, '/releases/measured');
  await page.getByRole('heading', { level: 1, name: 'Measured checkout' }).waitFor();

  // A sequential guardrail beside the threshold kind, in the plan editor; the API keeps it as such.
  await page.getByRole('button', { name: 'Edit plan…' }).click();
  const form = page.getByRole('form', { name: 'Edit Measured checkout' });
  await form.getByRole('button', { name: '+ Add inside vs outside guardrail' }).click();
  const g = form.getByRole('group', { name: 'Guardrail 1 (inside vs outside)' });
  await g.getByLabel('Tracking event').fill('checkout_error');
  await g.getByLabel('Min. samples a side').fill('150');
  await g.getByLabel('Then').selectOption('rollback');
  await expectNoSeriousAxeViolations(page, 'release plan with a sequential guardrail');
  await form.getByRole('button', { name: 'Save plan' }).click();
  await form.waitFor({ state: 'detached' });
  const planned = await admin<ReleaseView>(h, 'GET', `${dev}/releases/measured`);
  expect(planned.guardrails).toMatchObject([{ kind: 'sequential', metric: 'checkout_error', measure: 'rate', direction: 'increase', minSamples: 150, action: 'rollback' }]);

  // Started before any traffic: the dialog gives the share, and says that is all it knows.
  await page.getByRole('button', { name: 'Start…' }).click();
  const start = await dialog(page, /^Start Measured checkout/);
  expect(await start.textContent()).toMatch(/Right away, about 50 % of users .*No traffic is counted for this release yet, so only the share is known\./);
  await start.getByRole('button', { name: 'Start', exact: true }).click();
  await start.waitFor({ state: 'detached' });
  await expect.poll(() => page.locator('.release-state').first().textContent()).toBe('Rolling out');

  // Known traffic: USERS distinct users, once each, over OFREP with the development server key.
  let calls = 0;
  const ofrep = (targetingKey: string) => (calls++, evaluate(h, FLAG, { targetingKey }));
  await expect.poll(async () => (await ofrep('probe')).reason, { timeout: 15_000, interval: 250 }).toBe('SPLIT');
  let inside = 0;
  for (let i = 0; i < USERS; i += 40) {
    const answers = await Promise.all(Array.from({ length: 40 }, (_, j) => ofrep(`shopper-${i + j}`)));
    inside += answers.filter((a) => a.value === true).length;
  }
  // the edge flushes its counts in the background: wait until the API reports every evaluation made (the probes' too)
  await expect.poll(async () => (await counted()).total, { timeout: 30_000, interval: 500 }).toBe(calls);
  const evaluations = await counted();
  const release = await admin<ReleaseView>(h, 'GET', `${dev}/releases/measured`);
  const x = release.exposures!;
  // distinct people: HyperLogLog estimates (about 2 % error; at this size close to exact)
  expect(Math.abs(x.inside - inside) / USERS).toBeLessThan(0.1);
  expect(Math.abs(x.inside + x.outside - (USERS + 1)) / USERS).toBeLessThan(0.1);
  expect(evaluations.inside + evaluations.outside).toBe(evaluations.total);

  // The page shows the API's numbers: people on each side, the chart's evaluations per minute on each side.
  await page.reload();
  await expect.poll(() => page.getByTestId('people-inside').textContent(), { timeout: 15_000 }).toBe(n(x.inside));
  expect(await page.getByTestId('people-outside').textContent()).toBe(n(x.outside));
  const chart = page.getByRole('img', { name: `Evaluations of ${FLAG} per minute since`, exact: false });
  await expect.poll(() => chart.locator('title').textContent(), { timeout: 15_000 }).toContain(`${n(evaluations.inside)} inside the release, ${n(evaluations.outside)} outside`);
  // the guardrail, not yet decided (the release watch checks each minute) or deciding with too few samples
  const guardrails = page.getByRole('list', { name: 'Sequential guardrails: inside vs outside' });
  expect(await guardrails.textContent()).toMatch(/checkout_error.*(Not checked yet|Not enough samples yet)/);
  await expectNoSeriousAxeViolations(page, 'release with exposures');
  await shot(page, 'release-measured');

  // Each dialog says how many people the action changes, from the same counts.
  await page.getByRole('button', { name: 'Roll back…' }).click();
  const rollback = await dialog(page, /^Roll back Measured checkout/);
  expect(await rollback.textContent()).toMatch(new RegExp(`About 50 % of users \\(about ${n(x.inside)} ${x.inside === 1 ? 'person' : 'people'} since \\d`));
  await expectNoSeriousAxeViolations(page, 'rollback dialog');
  await rollback.getByRole('button', { name: 'Cancel' }).click();
  await rollback.waitFor({ state: 'detached' });
  await page.getByRole('button', { name: /^Kill Measured checkout/ }).click();
  const kill = await dialog(page, /^Kill Measured checkout/);
  expect(await kill.textContent()).toContain(`of users (about ${n(x.inside)} people since`);
  await kill.getByRole('button', { name: 'Cancel' }).click();
  await kill.waitFor({ state: 'detached' });
  // right after an action (whose answer carries no measures), the next dialog still counts the people
  await page.getByRole('button', { name: 'Pause…' }).click();
  const pause = await dialog(page, /^Pause Measured checkout/);
  expect(await pause.textContent()).toContain(`freezes at about 50 % of users (about ${n(x.inside)} people since`);
  await pause.getByRole('button', { name: 'Pause', exact: true }).click();
  await pause.waitFor({ state: 'detached' });
  await expect.poll(() => page.locator('.release-state').first().textContent()).toBe('Paused');
  await page.getByRole('button', { name: 'Roll back…' }).click();
  const after = await dialog(page, /^Roll back Measured checkout/);
  expect(await after.textContent()).toContain(`of users (about ${n(x.inside)} people since`);
  await after.getByRole('button', { name: 'Cancel' }).click();
  await after.waitFor({ state: 'detached' });

  // The flag list: how often and when, per environment, from the same counts.
  await page.getByRole('link', { name: 'Flags', exact: true }).click();
  const row = page.getByRole('row', { name: new RegExp(FLAG) });
  await expect.poll(() => row.textContent(), { timeout: 15_000 }).toContain(`${evaluations.total} in 24 h · just now`);
  expect(await row.textContent()).toContain(`Evaluated ${n(evaluations.total)} times in Development in the last 24 hours`);
  expect(await row.textContent()).toContain('not evaluated in 30 d');
  await expectNoSeriousAxeViolations(page, 'flags with usage');
  await shot(page, 'flags-usage');
});

test('an admin sets after how many days a released flag is ready to clean up', async () => {
  const page = await signedIn(h, '/keys');
  const panel = page.getByRole('region', { name: 'Project settings' });
  const days = panel.getByLabel('Ready to clean up after (days at 100 %)');
  expect(await days.inputValue()).toBe('14');
  await days.fill('30');
  await panel.getByRole('button', { name: 'Save setting' }).click();
  await expect.poll(() => panel.getByRole('status').textContent()).toContain('after 30 days at 100 %');
  expect((await admin<{ projects: { key: string; staleAfterDays: number }[] }>(h, 'GET', '/projects')).projects.find((p) => p.key === 'default')?.staleAfterDays).toBe(30);
  await expectNoSeriousAxeViolations(page, 'access with project settings');
});

test('archiving a flag the newest deployment still references shows the server’s STILL_IN_CODE warning', async () => {
  await admin(h, 'POST', `${project}/flags`, { key: 'old-banner', description: 'A banner nobody shows any more' });
  await admin(h, 'POST', `${project}/environments/staging/deployments`, { version: '9.0.0', commit: 'feedface0001', flags: ['old-banner'] });
  const page = await signedIn(h, '/flags/old-banner');
  await page.getByRole('heading', { level: 1, name: 'old-banner' }).waitFor();
  await page.getByRole('button', { name: 'Archive…' }).click();
  const d = await dialog(page, /^Archive old-banner/);
  await d.getByRole('button', { name: /^Archive old-banner/ }).click();
  await d.waitFor({ state: 'detached' });
  const warning = page.getByRole('status').filter({ hasText: 'still in code' });
  await expect.poll(() => warning.textContent(), { timeout: 15_000 }).toMatch(/^Archived, still in code in Staging: Flag 'old-banner' is archived, but the newest deployment of staging still references it/);
  expect((await admin<{ archived: boolean }>(h, 'GET', `${project}/flags/old-banner`)).archived).toBe(true);
  await expectNoSeriousAxeViolations(page, 'flag archived while still in code');
});
