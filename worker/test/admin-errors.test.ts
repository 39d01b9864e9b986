// Admin API, bad input: a clear 4xx with a machine-readable code, and nothing written.
import { beforeAll, describe, expect, it } from 'vitest';
import { bootstrap, call, dbFingerprint, json } from './helpers';

beforeAll(async () => {
  await bootstrap();
  await call('POST', '/api/v1/projects/default/flags', { body: { key: 'existing', variants: { a: 'a', b: 'b' } } });
});

const refused: [string, string, string, { body?: unknown; rawBody?: string }, number, string][] = [
  ['a body that is not JSON', 'POST', '/api/v1/projects/default/flags', { rawBody: '{"key":' }, 400, 'INVALID_JSON'],
  ['a flag key with spaces', 'POST', '/api/v1/projects/default/flags', { body: { key: 'has space' } }, 400, 'VALIDATION_FAILED'],
  ['an unknown field', 'POST', '/api/v1/projects/default/flags', { body: { key: 'x', colour: 'red' } }, 400, 'VALIDATION_FAILED'],
  ['variants of mixed types', 'POST', '/api/v1/projects/default/flags', { body: { key: 'mixed', variants: { a: 1, b: 'two' } } }, 400, 'INVALID_DEFINITION'],
  ['a declared type that variants contradict', 'POST', '/api/v1/projects/default/flags', { body: { key: 'typed', type: 'boolean', variants: { a: 'a' } } }, 400, 'INVALID_DEFINITION'],
  ['a default variant that does not exist', 'POST', '/api/v1/projects/default/flags', { body: { key: 'dv', environments: { development: { defaultVariant: 'nope' } } } }, 400, 'INVALID_DEFINITION'],
  ['an environment that does not exist', 'POST', '/api/v1/projects/default/flags', { body: { key: 'ne', environments: { moon: { state: 'ENABLED' } } } }, 404, 'NOT_FOUND'],
  ['a key that already exists', 'POST', '/api/v1/projects/default/flags', { body: { key: 'existing' } }, 409, 'CONFLICT'],
  ['a state that is not ENABLED/DISABLED', 'PATCH', '/api/v1/projects/default/environments/development/flags/existing', { body: { state: 'ON' } }, 400, 'VALIDATION_FAILED'],
  ['targeting with an unknown operator', 'PATCH', '/api/v1/projects/default/environments/development/flags/existing', { body: { targeting: { frobnicate: [1] } } }, 400, 'INVALID_DEFINITION'],
  ['removing a variant that is some environment\'s default', 'PATCH', '/api/v1/projects/default/flags/existing', { body: { variants: { b: 'b' } } }, 400, 'INVALID_DEFINITION'],
  ['an unknown flag', 'PATCH', '/api/v1/projects/default/environments/development/flags/ghost', { body: { state: 'ENABLED' } }, 404, 'NOT_FOUND'],
  ['an unknown project', 'GET', '/api/v1/projects/ghost/flags', {}, 404, 'NOT_FOUND'],
  ['an unknown environment', 'POST', '/api/v1/projects/default/environments/ghost/sdk-keys', { body: { name: 'k', kind: 'server' } }, 404, 'NOT_FOUND'],
  ['an SDK key kind that does not exist', 'POST', '/api/v1/projects/default/environments/development/sdk-keys', { body: { name: 'k', kind: 'root' } }, 400, 'VALIDATION_FAILED'],
  ['a project key that exists', 'POST', '/api/v1/projects', { body: { key: 'default', name: 'again' } }, 409, 'CONFLICT'],
  ['an unknown route', 'GET', '/api/v1/nothing-here', {}, 404, 'NOT_FOUND'],
];

describe('refused writes', () => {
  it.each(refused)('%s (%s %s) is refused and writes nothing', async (_what, method, path, init, status, code) => {
    const before = await dbFingerprint();
    const res = await json(call(method, path, init));
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(typeof res.body.error.message).toBe('string');
    expect(await dbFingerprint()).toBe(before);
  });

  it('points validation issues at the offending path', async () => {
    const res = await json(call('PATCH', '/api/v1/projects/default/environments/development/flags/existing', { body: { targeting: { if: [{ frobnicate: [1] }, 'a', null] } } }));
    expect(res.status).toBe(400);
    expect(res.body.error.issues[0].path).toMatch(/^\/flags\/existing\/targeting\/if\/0/);
  });
});
