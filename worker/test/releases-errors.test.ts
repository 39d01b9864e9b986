// Release and deployment input that is refused: each answer a 4xx with a code, and nothing written.
import { beforeAll, describe, expect, it } from 'vitest';
import { bootstrap, dbFingerprint } from './helpers';
import { admin, createFlag, ENV } from './release-helpers';

const plan = { steps: [{ percent: 5, holdMinutes: 30 }, { percent: 100, holdMinutes: 60 }] };

beforeAll(async () => {
  await bootstrap();
  await createFlag('b1');
  await createFlag('colour', { variants: { red: 'red', blue: 'blue' } });
  await admin('POST', `${ENV}/releases`, { key: 'r1', name: 'R1', flags: ['b1'], plan });
});

describe('refused release input', () => {
  it.each([
    ['three decimals', { key: 'x', name: 'X', flags: ['b1'], plan: { steps: [{ percent: 1.005, holdMinutes: 1 }] } }, 'VALIDATION_FAILED', '/plan/steps/0/percent'],
    ['a shrinking plan', { key: 'x', name: 'X', flags: ['b1'], plan: { steps: [{ percent: 50, holdMinutes: 1 }, { percent: 10, holdMinutes: 1 }] } }, 'VALIDATION_FAILED', '/plan/steps/1/percent'],
    ['no steps', { key: 'x', name: 'X', flags: ['b1'], plan: { steps: [] } }, 'VALIDATION_FAILED', '/plan/steps'],
    ['a percent of 0', { key: 'x', name: 'X', flags: ['b1'], plan: { steps: [{ percent: 0, holdMinutes: 1 }] } }, 'VALIDATION_FAILED', '/plan/steps/0/percent'],
    ['an unknown flag', { key: 'x', name: 'X', flags: ['nope'], plan }, 'VALIDATION_FAILED', '/flags/0'],
    ['a string flag without its variants', { key: 'x', name: 'X', flags: ['colour'], plan }, 'VALIDATION_FAILED', '/variants/colour'],
    ['a variant that does not exist', { key: 'x', name: 'X', flags: ['colour'], plan, variants: { colour: { inside: 'green', outside: 'red' } } }, 'VALIDATION_FAILED', '/variants/colour/inside'],
    ['a bad start time', { key: 'x', name: 'X', flags: ['b1'], plan, startAt: 'tomorrow' }, 'VALIDATION_FAILED', '/startAt'],
    ['an unknown field', { key: 'x', name: 'X', flags: ['b1'], plan, colour: 'red' }, 'VALIDATION_FAILED', undefined],
    ['a bad guardrail', { key: 'x', name: 'X', flags: ['b1'], plan, guardrails: [{ metric: 'e', operator: '!', threshold: 1, windowMinutes: 5, action: 'pause' }] }, 'VALIDATION_FAILED', '/guardrails/0/operator'],
    ['a sequential guardrail without its measure', { key: 'x', name: 'X', flags: ['b1'], plan, guardrails: [{ kind: 'sequential', metric: 'e', direction: 'increase' }] }, 'VALIDATION_FAILED', '/guardrails/0/measure'],
    ['a sequential guardrail with a threshold', { key: 'x', name: 'X', flags: ['b1'], plan, guardrails: [{ kind: 'sequential', metric: 'e', measure: 'rate', direction: 'increase', threshold: 1 }] }, 'VALIDATION_FAILED', '/guardrails/0/threshold'],
  ])('refuses %s with 400 and writes nothing', async (_name, body, code, path) => {
    const before = await dbFingerprint();
    const res = await admin('POST', `${ENV}/releases`, body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe(code);
    if (path) expect(res.body.error.issues.map((i: any) => i.path)).toContain(path);
    expect(await dbFingerprint()).toBe(before);
  });

  it('refuses a key that exists with 409 CONFLICT', async () => {
    const res = await admin('POST', `${ENV}/releases`, { key: 'r1', name: 'again', flags: ['b1'], plan });
    expect(res).toMatchObject({ status: 409, body: { error: { code: 'CONFLICT' } } });
  });

  it('answers 404 for an unknown release, environment or project', async () => {
    expect((await admin('GET', `${ENV}/releases/nope`)).status).toBe(404);
    expect((await admin('POST', `${ENV}/releases/nope/start`)).status).toBe(404);
    expect((await admin('GET', '/api/v1/projects/default/environments/nope/releases')).status).toBe(404);
    expect((await admin('GET', '/api/v1/projects/nope/environments/development/releases')).status).toBe(404);
  });

  it('refuses actions its state does not allow with 409 INVALID_STATE, writing nothing', async () => {
    const before = await dbFingerprint();
    for (const action of ['pause', 'resume', 'rollback', 'kill']) {
      const res = await admin('POST', `${ENV}/releases/r1/${action}`);
      expect(res.status, action).toBe(409);
      expect(res.body.error.code).toBe('INVALID_STATE');
    }
    expect(await dbFingerprint()).toBe(before);
  });

  it('allows edits only before the start; a second start is refused', async () => {
    expect((await admin('PATCH', `${ENV}/releases/r1`, { name: 'Renamed', notes: 'Now with notes' })).body).toMatchObject({ name: 'Renamed', notes: 'Now with notes' });
    expect((await admin('POST', `${ENV}/releases/r1/start`)).status).toBe(200);
    expect((await admin('PATCH', `${ENV}/releases/r1`, { name: 'Too late' })).body.error.code).toBe('INVALID_STATE');
    expect((await admin('DELETE', `${ENV}/releases/r1`)).body.error.code).toBe('INVALID_STATE');
    expect((await admin('POST', `${ENV}/releases/r1/start`)).body.error.code).toBe('INVALID_STATE');
  });

  it('refuses to start a second release of a flag that is still rolling out', async () => {
    await admin('POST', `${ENV}/releases`, { key: 'r2', name: 'R2', flags: ['b1'], plan });
    const res = await admin('POST', `${ENV}/releases/r2/start`);
    expect(res).toMatchObject({ status: 409, body: { error: { code: 'RELEASE_OWNS_FLAG', release: { key: 'r1', state: 'rolling_out' } } } });
    expect(res.body.error.message).toContain("'r1'");
  });

  it('refuses a flag change that would leave a running release without its variants', async () => {
    const res = await admin('PATCH', '/api/v1/projects/default/flags/b1', { variants: { on: true, no: false } });
    expect(res).toMatchObject({ status: 409, body: { error: { code: 'RELEASE_OWNS_FLAG', flag: 'b1', release: { key: 'r1' } } } });
  });

  it('refuses malformed readings and alerts', async () => {
    expect((await admin('POST', `${ENV}/releases/r1/metrics`, { metric: 'e', value: 'high' })).status).toBe(400);
    expect((await admin('POST', `${ENV}/releases/r1/metrics`, { readings: [] })).status).toBe(400);
    expect((await admin('POST', `${ENV}/alertmanager`, { alerts: 'many' })).status).toBe(400);
  });
});
