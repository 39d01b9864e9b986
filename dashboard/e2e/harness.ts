// What the browser tests share: a running Curtain, Chromium, signing in, OFREP and admin calls, axe checks, screenshots.
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { startCurtain, type RunningCurtain } from '../../scripts/curtain-server';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
/** Screenshots are test artifacts (git-ignored). */
export const SHOTS = join(repoRoot, 'test-results', 'e2e');

export interface Harness {
  curtain: RunningCurtain;
  browser: Browser;
  /** every console error or warning (and uncaught error) of every page since the last check */
  console: string[];
}

/**
 * A console message no test may leave: any error or warning (a Svelte warning, an exception), except the browser's own
 * line for an API answer a test provokes on purpose (a 4xx: a refused switch, a wrong token), which says only that.
 */
function unexpected(msg: ConsoleMessage): boolean {
  if (msg.type() !== 'error' && msg.type() !== 'warning') return false;
  const provoked = /^Failed to load resource: the server responded with a status of 4\d\d/.test(msg.text()) && msg.location().url.includes('/api/v1/');
  return !provoked;
}

function watch(page: Page, seen: string[]) {
  page.on('console', (msg) => unexpected(msg) && seen.push(`${msg.type()}: ${msg.text()} (at ${page.url()})`));
  page.on('pageerror', (error) => seen.push(`uncaught: ${error.message} (at ${page.url()})`));
}

/** Every page the browser opens is watched for console errors and warnings. */
function watchConsole(browser: Browser, seen: string[]) {
  const newContext = browser.newContext.bind(browser);
  const newPage = browser.newPage.bind(browser);
  browser.newContext = async (...args: Parameters<Browser['newContext']>): Promise<BrowserContext> => {
    const context = await newContext(...args);
    context.on('page', (page) => watch(page, seen));
    return context;
  };
  browser.newPage = async (...args: Parameters<Browser['newPage']>): Promise<Page> => {
    const page = await newPage(...args);
    watch(page, seen);
    return page;
  };
}

/** Fails the test on any console error or warning its pages logged (call it in afterEach). */
export function expectQuietConsole(h: Harness | undefined) {
  if (!h) return;
  const seen = h.console.splice(0);
  expect(seen, 'console errors and warnings in the browser').toEqual([]);
}

export async function startHarness(): Promise<Harness> {
  const curtain = await startCurtain();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
  });
  await mkdir(SHOTS, { recursive: true });
  const seen: string[] = [];
  watchConsole(browser, seen);
  return { curtain, browser, console: seen };
}

export async function stopHarness(h: Partial<Harness> | undefined) {
  await h?.browser?.close();
  await h?.curtain?.stop();
}

/** A signed-in page at 1280×800 (the laptop screen the dashboard must fit). */
export async function signedIn(h: Harness, path = '/'): Promise<Page> {
  const context = await h.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(new URL(path, h.curtain.dashboardUrl).href);
  await page.getByLabel('Admin token').fill(h.curtain.adminToken);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('group', { name: 'Environment' }).getByRole('button', { name: 'Development' }).waitFor();
  return page;
}

export interface Evaluation {
  key?: string;
  value?: unknown;
  variant?: string;
  reason?: string;
  errorCode?: string;
}

/** POST /ofrep/v1/evaluate/flags/{key} with the development server key. */
export async function evaluate(h: Harness, key: string, context: Record<string, unknown>): Promise<Evaluation> {
  const base = h.curtain.ofrepUrl.includes('/ofrep/v1') ? h.curtain.ofrepUrl : `${h.curtain.ofrepUrl.replace(/\/$/, '')}/ofrep/v1`;
  const response = await fetch(`${base.replace(/\/$/, '')}/evaluate/flags/${key}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${h.curtain.sdkKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ context })
  });
  return (await response.json()) as Evaluation;
}

/** A call to the admin API made outside the browser, as another admin or CI would. */
export async function admin<T>(h: Harness, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${h.curtain.apiUrl.replace(/\/$/, '')}${path}`, {
    method,
    headers: { authorization: `Bearer ${h.curtain.adminToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body)
  });
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
  return (response.status === 204 ? undefined : await response.json()) as T;
}

let axeSource: string | null = null;

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Runs axe-core in the page; fails on any violation of serious or critical impact. */
export async function expectNoSeriousAxeViolations(page: Page, view: string) {
  axeSource ??= await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document);
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  });
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${view}: ${v.id} (${v.impact}) ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`)).toEqual([]);
  return violations;
}

export async function shot(page: Page, name: string) {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** Creates a flag through the "New flag" form on the flags page. */
export async function createFlagInUi(page: Page, key: string, options: { type?: string; variants?: string[] } = {}) {
  const open = page.getByRole('button', { name: 'New flag' });
  if (await open.isVisible()) await open.click();
  const form = page.getByRole('form', { name: 'Create a flag' });
  await form.getByLabel('Key').fill(key);
  await form.getByLabel('Description').fill('Created by the browser test');
  if (options.type) await form.getByLabel('Type').selectOption(options.type);
  await form.getByRole('button', { name: 'Create flag' }).click();
  await expect.poll(() => form.getByRole('status').textContent()).toContain(`Created flag ${key}`);
  return form;
}
