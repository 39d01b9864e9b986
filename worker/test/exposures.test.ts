// Exposures over HTTP in workerd: OFREP evaluations counted per flag, variant, side and minute, read back exactly
// (the offline backend), a release's users inside and outside, the flag list's usage, and bad ranges refused.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { bootstrap, json, ofrep } from './helpers';
import { HLL_REGISTERS } from '../src/measure/hyperloglog';
import { admin, createFlag, ENV, servedTo, users } from './release-helpers';

const T0 = Date.parse('2027-03-01T09:00:00Z');
const MIN = 60_000;
const at = (ms: number) => vi.setSystemTime(new Date(ms));
let sdkKey: string;

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  at(T0);
  sdkKey = await bootstrap();
  await createFlag('banner', { variants: { red: 'red', blue: 'blue' }, environments: { development: { state: 'ENABLED', defaultVariant: 'red' } } });
  await createFlag('checkout-v2');
});

const exposures = (flag: string, query = '') => admin('GET', `${ENV}/flags/${flag}/exposures${query}`);

describe('exposures', { timeout: 30_000 }, () => {
  it('counts every evaluation, single and bulk, per variant and minute', async () => {
    for (let i = 0; i < 7; i++) expect((await ofrep(sdkKey, 'banner', { targetingKey: `u${i}` })).status).toBe(200);
    at(T0 + MIN + 5_000);
    for (let i = 0; i < 3; i++) expect((await ofrep(sdkKey, null, { targetingKey: `u${i}` })).status).toBe(200);
    // an unknown flag is not counted
    expect((await ofrep(sdkKey, 'nope')).status).toBe(404);
    const res = await exposures('banner', `?from=${new Date(T0 - MIN).toISOString()}&to=${new Date(T0 + 2 * MIN).toISOString()}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      flag: 'banner',
      environment: 'development',
      from: new Date(T0 - MIN).toISOString(),
      to: new Date(T0 + 2 * MIN).toISOString(),
      minutes: [
        { at: new Date(T0).toISOString(), variants: { red: { count: 7 } } },
        { at: new Date(T0 + MIN).toISOString(), variants: { red: { count: 3 } } },
      ],
    });
    // the bulk evaluations counted the switched-off flag too
    const off = await exposures('checkout-v2', `?from=${new Date(T0).toISOString()}&to=${new Date(T0 + 2 * MIN).toISOString()}`);
    expect(off.body.minutes).toEqual([{ at: new Date(T0 + MIN).toISOString(), variants: { '(disabled)': { count: 3 } } }]);
  });

  it('shows usage in the flag list and view', async () => {
    const list = await admin('GET', '/api/v1/projects/default/flags');
    const banner = list.body.flags.find((f: { key: string }) => f.key === 'banner');
    expect(banner.environments.development.usage).toEqual({ lastEvaluatedAt: new Date(T0 + MIN).toISOString(), evaluations24h: 10 });
    expect(banner.environments.production.usage).toEqual({ lastEvaluatedAt: null, evaluations24h: 0 });
    expect((await admin('GET', '/api/v1/projects/default/flags/banner')).body.environments.development.usage.evaluations24h).toBe(10);
  });

  it('splits a released flag inside and outside, and the release view counts its users each side', async () => {
    at(T0 + 10 * MIN);
    await admin('POST', `${ENV}/releases`, { key: 'checkout', name: 'New checkout', flags: ['checkout-v2'], plan: { steps: [{ percent: 30, holdMinutes: 60 }, { percent: 100, holdMinutes: 60 }] } });
    expect((await admin('POST', `${ENV}/releases/checkout/start`)).status).toBe(200);
    const people = users(300);
    const inside = await servedTo(sdkKey, 'checkout-v2', people);
    // the same users again, in bulk: evaluations double, distinct users do not
    for (const u of people) expect((await ofrep(sdkKey, null, { targetingKey: u })).status).toBe(200);
    const counts = await exposures('checkout-v2', `?from=${new Date(T0 + 10 * MIN).toISOString()}&to=${new Date(T0 + 11 * MIN).toISOString()}`);
    expect(counts.body.minutes).toEqual([
      { at: new Date(T0 + 10 * MIN).toISOString(), variants: { on: { count: 2 * inside.length, inside: 2 * inside.length }, off: { count: 2 * (300 - inside.length), outside: 2 * (300 - inside.length) } } },
    ]);
    const view = await admin('GET', `${ENV}/releases/checkout`);
    expect(view.body.exposures.since).toBe(new Date(T0 + 10 * MIN).toISOString());
    // HyperLogLog below a few thousand users is linear counting: its standard deviation for n users in m registers is
    // √(m(e^(n/m) − n/m − 1)), about 1.4 users at 90 and 3.3 at 210. The release's salt (and so which users are inside)
    // differs run to run, so allow four of them rather than a fixed couple of users.
    const sigma = (n: number) => Math.sqrt(HLL_REGISTERS * (Math.exp(n / HLL_REGISTERS) - n / HLL_REGISTERS - 1));
    expect(Math.abs(view.body.exposures.inside - inside.length)).toBeLessThanOrEqual(4 * sigma(inside.length));
    expect(Math.abs(view.body.exposures.outside - (300 - inside.length))).toBeLessThanOrEqual(4 * sigma(300 - inside.length));
  });

  it('refuses a range that is backwards or longer than a day, and an unknown flag', async () => {
    const t = (ms: number) => new Date(ms).toISOString();
    expect((await exposures('banner', `?from=${t(T0)}&to=${t(T0 - MIN)}`)).body.error.code).toBe('VALIDATION_FAILED');
    const long = await exposures('banner', `?from=${t(T0)}&to=${t(T0 + 25 * 60 * MIN)}`);
    expect([long.status, long.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect((await exposures('banner', '?from=yesterday')).status).toBe(400);
    expect((await exposures('nope')).status).toBe(404);
  });
});
