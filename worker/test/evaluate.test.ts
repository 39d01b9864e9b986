// POST …/environments/{env}/evaluate: every flag for one context, the same answer as the edge (OFREP) plus the rule
// that matched; bad input refused with 400, unknown environments with 404, and nothing written.
import { beforeAll, describe, expect, it } from 'vitest';
import { bootstrap, dbFingerprint, json, ofrep } from './helpers';
import { admin, createFlag, ENV } from './release-helpers';

let sdkKey: string;

const checkout = {
  if: [
    { $ref: 'isStaff' }, 'on',
    { segment: 'beta' }, 'on',
    { '==': [{ var: 'country' }, 'xx'] }, 'off',
    { fractional: [['on', 50], ['off', 50]] },
  ],
};

beforeAll(async () => {
  sdkKey = await bootstrap();
  await admin('PATCH', ENV, { evaluators: { isStaff: { ends_with: [{ var: 'email' }, '@acme.com'] } }, segments: { beta: { in: [{ var: 'email' }, ['ann@example.com']] } } });
  await createFlag('checkout', { environments: { development: { state: 'ENABLED', defaultVariant: 'off', targeting: checkout } } });
  await createFlag('ranking', { type: 'string', variants: { classic: 'classic', semantic: 'semantic' }, environments: { development: { state: 'ENABLED', defaultVariant: 'classic', targeting: { if: [{ prerequisite: ['checkout', 'on'] }, 'semantic'] } } } });
  await createFlag('dark');
});

const evaluateAs = (context: unknown, env = 'development') => admin('POST', `/api/v1/projects/default/environments/${env}/evaluate`, { context });

describe('evaluate as', () => {
  it.each([
    ['staff (a shared rule)', { targetingKey: 'u1', email: 'bo@acme.com' }, 0],
    ['a beta tester (a segment)', { targetingKey: 'u2', email: 'ann@example.com' }, 1],
    ['a blocked country', { targetingKey: 'u3', country: 'xx' }, 2],
    ['everyone else (the split)', { targetingKey: 'u4', country: 'de' }, null],
  ])('answers as the edge does for %s, with the rule that matched', async (_who, context, branch) => {
    const res = await evaluateAs(context);
    expect(res.status).toBe(200);
    const byKey = Object.fromEntries(res.body.results.map((r: any) => [r.key, r]));
    expect(Object.keys(byKey).sort()).toEqual(['checkout', 'dark', 'ranking']);
    expect(byKey.checkout.matched).toEqual({ branch });
    expect(byKey.dark).toEqual({ key: 'dark', reason: 'DISABLED', matched: { branch: null } });
    for (const key of ['checkout', 'ranking']) {
      const edge = (await json(ofrep(sdkKey, key, context))).body;
      const { matched: _m, ...answer } = byKey[key];
      expect(answer, key).toEqual({ key: edge.key, value: edge.value, variant: edge.variant, reason: edge.reason });
    }
    // the prerequisite follows checkout's answer for the same context
    expect(byKey.ranking.matched.branch).toBe(byKey.checkout.variant === 'on' ? 0 : null);
  });

  it('sees a running release as the edge does: the flag’s own rules first', async () => {
    await createFlag('search-v2', { environments: { development: { targeting: { if: [{ '==': [{ var: 'plan' }, 'pro'] }, 'on'] } } } });
    expect((await admin('POST', `${ENV}/releases`, { key: 'search', name: 'Search', flags: ['search-v2'], plan: { steps: [{ percent: 50, holdMinutes: 60 }] } })).status).toBe(201);
    expect((await admin('POST', `${ENV}/releases/search/start`)).status).toBe(200);
    for (const context of [{ targetingKey: 'pro-1', plan: 'pro' }, { targetingKey: 'u-7' }, { targetingKey: 'u-8' }]) {
      const mine = (await evaluateAs(context)).body.results.find((r: any) => r.key === 'search-v2');
      const edge = (await json(ofrep(sdkKey, 'search-v2', context))).body;
      expect({ value: mine.value, reason: mine.reason }).toEqual({ value: edge.value, reason: edge.reason });
      expect(mine.matched.branch).toBe(context.plan === 'pro' ? 0 : null);
    }
  });

  it('answers another environment from its own configuration', async () => {
    const res = await evaluateAs({ targetingKey: 'u1', email: 'bo@acme.com' }, 'staging');
    expect(res.body.results.find((r: any) => r.key === 'checkout')).toEqual({ key: 'checkout', reason: 'DISABLED', matched: { branch: null } });
  });

  it('refuses a bad body with 400 and an unknown environment with 404, writing nothing', async () => {
    const before = await dbFingerprint();
    for (const body of [{}, { context: 'u1' }, { context: { targetingKey: 7 } }, { context: {}, extra: 1 }]) {
      const res = await admin('POST', `${ENV}/evaluate`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    const missing = await evaluateAs({}, 'nowhere');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('NOT_FOUND');
    expect(await dbFingerprint()).toBe(before);
  });
});
