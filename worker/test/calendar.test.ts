// The release calendar of an environment and of a project: releases whose span meets the range, with their states
// and each step's start computed from the plan; refused ranges.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { bootstrap } from './helpers';
import { admin, createFlag, ENV } from './release-helpers';

const T0 = Date.parse('2027-03-01T09:00:00Z');
const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const at = (ms: number) => vi.setSystemTime(new Date(ms));
const iso = (ms: number) => new Date(ms).toISOString();
const STAGING = '/api/v1/projects/default/environments/staging';
const plan = { steps: [{ percent: 10, holdMinutes: 60 }, { percent: 50, holdMinutes: 60 }, { percent: 100, holdMinutes: 60 }] };
const range = (from: number, to: number) => `from=${encodeURIComponent(iso(from))}&to=${encodeURIComponent(iso(to))}`;

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  at(T0 - 10 * MIN);
  await bootstrap();
  for (const f of ['checkout-v2', 'search-v2', 'pay-v2', 'feed-v2']) await createFlag(f);
  const create = async (path: string, body: Record<string, unknown>) => expect((await admin('POST', `${path}/releases`, { plan, ...body })).status).toBe(201);
  await create(ENV, { key: 'checkout', name: 'Checkout', flags: ['checkout-v2'] });
  await create(ENV, { key: 'search', name: 'Search', flags: ['search-v2'], startAt: iso(T0 + 7 * DAY), plan: { steps: [{ percent: 100, holdMinutes: 30 }] } });
  await create(ENV, { key: 'pay', name: 'Payments', flags: ['pay-v2'], startAt: iso(T0 + 3 * DAY) });
  await create(ENV, { key: 'someday', name: 'Someday', flags: ['feed-v2'] });
  await create(STAGING, { key: 'old', name: 'Old', flags: ['feed-v2'] });
  at(T0);
  for (const [path, key] of [[ENV, 'checkout'], [ENV, 'search'], [STAGING, 'old']]) expect((await admin('POST', `${path}/releases/${key}/start`)).status).toBe(200);
  at(T0 + 10 * MIN);
  expect((await admin('POST', `${STAGING}/releases/old/rollback`)).status).toBe(200);
  at(T0 + 30 * MIN);
});

describe('the release calendar', () => {
  it('of an environment: past and upcoming releases in the range, by start, with each step’s start from the plan', async () => {
    const res = await admin('GET', `${ENV}/calendar?${range(T0 - DAY, T0 + 10 * DAY)}`);
    expect(res.status).toBe(200);
    expect(res.body.from).toBe(iso(T0 - DAY));
    expect(res.body.releases.map((r: any) => [r.key, r.state])).toEqual([
      ['checkout', 'rolling_out'],
      ['pay', 'draft'],
      ['search', 'scheduled'],
    ]);
    expect(res.body.releases[0]).toMatchObject({
      environment: 'development',
      flags: ['checkout-v2'],
      startAt: iso(T0),
      endAt: iso(T0 + 180 * MIN),
      steps: [
        { step: 0, percent: 10, startsAt: iso(T0) },
        { step: 1, percent: 50, startsAt: iso(T0 + 60 * MIN) },
        { step: 2, percent: 100, startsAt: iso(T0 + 120 * MIN) },
      ],
    });
    expect(res.body.releases[2]).toMatchObject({ startAt: iso(T0 + 7 * DAY), endAt: iso(T0 + 7 * DAY + 30 * MIN), steps: [{ step: 0, percent: 100, startsAt: iso(T0 + 7 * DAY) }] });
  });

  it('leaves out releases whose span is outside the range, and drafts without a start', async () => {
    const later = await admin('GET', `${ENV}/calendar?${range(T0 + 4 * DAY, T0 + 10 * DAY)}`);
    expect(later.body.releases.map((r: any) => r.key)).toEqual(['search']);
    const earlier = await admin('GET', `${ENV}/calendar?${range(T0 - 10 * DAY, T0 - DAY)}`);
    expect(earlier.body.releases).toEqual([]);
  });

  it('of a project: every environment; a rolled-back release keeps the steps it reached', async () => {
    const res = await admin('GET', `/api/v1/projects/default/calendar?${range(T0 - DAY, T0 + DAY)}`);
    expect(res.body.releases.map((r: any) => `${r.environment}/${r.key}`)).toEqual(['development/checkout', 'staging/old']);
    expect(res.body.releases[1]).toMatchObject({ state: 'rolled_back', endAt: iso(T0 + 10 * MIN), steps: [{ startsAt: iso(T0) }, { startsAt: null }, { startsAt: null }] });
  });

  it('marks the steps a pause holds back as not planned', async () => {
    expect((await admin('POST', `${ENV}/releases/checkout/pause`)).status).toBe(200);
    const res = await admin('GET', `${ENV}/calendar?${range(T0 - DAY, T0 + DAY)}`);
    expect(res.body.releases[0]).toMatchObject({ key: 'checkout', state: 'paused', pausedAt: iso(T0 + 30 * MIN), endAt: null, steps: [{ startsAt: iso(T0) }, { startsAt: null }, { startsAt: null }] });
  });

  it('defaults to 30 days back and 90 ahead', async () => {
    const res = await admin('GET', `${ENV}/calendar`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ from: iso(T0 + 30 * MIN - 30 * DAY), to: iso(T0 + 30 * MIN + 90 * DAY) });
    expect(res.body.releases.map((r: any) => r.key)).toEqual(['checkout', 'pay', 'search']);
  });

  it.each([
    ['a range that ends before it starts', range(T0, T0 - DAY), 400],
    ['a range over 366 days', range(T0, T0 + 367 * DAY), 400],
    ['a from that is not a date-time', 'from=yesterday', 400],
  ])('refuses %s', async (_what, query, status) => {
    const res = await admin('GET', `${ENV}/calendar?${query}`);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('answers 404 for an unknown project or environment', async () => {
    expect((await admin('GET', '/api/v1/projects/nope/calendar')).status).toBe(404);
    expect((await admin('GET', '/api/v1/projects/default/environments/nope/calendar')).status).toBe(404);
  });
});
