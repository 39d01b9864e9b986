// Limits that protect the service (docs/limits.md): each answers a 4xx that names it and writes nothing.
import { beforeAll, describe, expect, it } from 'vitest';
import { bootstrap, call, dbFingerprint, json } from './helpers';
import { MAX_FLAGS_PER_PROJECT } from '../src/store/limits';

beforeAll(async () => {
  await bootstrap();
});

describe('limits', { timeout: 60_000 }, () => {
  it('refuses an admin body over 1 MiB with 413 PAYLOAD_TOO_LARGE, writing nothing', async () => {
    const before = await dbFingerprint();
    const res = await json(call('POST', '/api/v1/projects/default/flags', { rawBody: JSON.stringify({ key: 'big', description: 'x'.repeat(1024 * 1024) }) }));
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', message: expect.stringContaining('1 MiB') });
    expect(await dbFingerprint()).toBe(before);
  });

  it('takes a large flagd file (up to 32 MiB), but not past it', async () => {
    const flags = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`f${i}`, { state: 'DISABLED', variants: { on: true, off: false }, defaultVariant: 'off', metadata: { note: 'n'.repeat(300) } }]));
    const file = JSON.stringify({ flags });
    expect(file.length).toBeGreaterThan(1024 * 1024);
    const ok = await json(call('PUT', '/api/v1/projects/default/environments/development/flagd?dryRun=true', { rawBody: file }));
    expect(ok.status).toBe(200);
    const huge = await json(call('PUT', '/api/v1/projects/default/environments/development/flagd', { rawBody: ' '.repeat(32 * 1024 * 1024 + 1) }));
    expect(huge).toMatchObject({ status: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE' } } });
  });

  it('keeps the 32 MiB limit to the flagd import: a 5 MiB PATCH of a flag named "flagd" is refused with 413, unread', async () => {
    const before = await dbFingerprint();
    const body = JSON.stringify({ state: 'ENABLED', description: 'x'.repeat(5 * 1024 * 1024) });
    const patch = await json(call('PATCH', '/api/v1/projects/default/environments/development/flags/flagd', { rawBody: body }));
    expect(patch).toMatchObject({ status: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE', message: expect.stringContaining('1 MiB') } } });
    const post = await json(call('POST', '/api/v1/projects/default/environments/development/flagd', { rawBody: body }));
    expect(post).toMatchObject({ status: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE', message: expect.stringContaining('1 MiB') } } });
    expect(await dbFingerprint()).toBe(before);
  });

  it('refuses a flag whose worst case is over the per-flag limit (a regex multiplied by `some`), naming the part, writing nothing', async () => {
    expect((await call('POST', '/api/v1/projects/default/flags', { body: { key: 'emails-check', clientVisible: true } })).status).toBe(201);
    const before = await dbFingerprint();
    const targeting = { if: [{ some: [{ var: 'emails' }, { regex: [{ var: '' }, '^[a-z]*[a-y]*b'] }] }, 'on', 'off'] };
    const res = await json(call('PATCH', '/api/v1/projects/default/environments/development/flags/emails-check', { body: { state: 'ENABLED', targeting } }));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'INVALID_DEFINITION', message: expect.stringMatching(/\/targeting\/if\/0\/some .*over the limit/) });
    expect(await dbFingerprint()).toBe(before);
    // the same pattern on one attribute is within the limit
    const one = await json(call('PATCH', '/api/v1/projects/default/environments/development/flags/emails-check', { body: { state: 'ENABLED', targeting: { if: [{ regex: [{ var: 'email' }, '^[a-z]*[a-y]*b'] }, 'on', 'off'] } } }));
    expect(one.status).toBe(200);
  });

  it(`refuses a write that would take a project past ${MAX_FLAGS_PER_PROJECT} flags with 409 LIMIT_EXCEEDED naming the limit`, async () => {
    const before = await dbFingerprint();
    const flags = Object.fromEntries(Array.from({ length: MAX_FLAGS_PER_PROJECT + 1 }, (_, i) => [`f${i}`, { state: 'DISABLED', variants: { on: true }, defaultVariant: 'on' }]));
    const res = await json(call('PUT', '/api/v1/projects/default/environments/development/flagd', { rawBody: JSON.stringify({ flags }) }));
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'flagsPerProject', max: MAX_FLAGS_PER_PROJECT });
    expect(await dbFingerprint()).toBe(before);
  });
});
