// flagd files in and out of an environment, over the admin API: round trip, report, all or nothing,
// and Curtain's extensions evaluated at the edge.
import { describe, expect, it } from 'vitest';
import example from '../src/engine/testdata/flagd/flags/positive/example.flagd.json';
import { bootstrap, call, dbFingerprint, json, ofrep } from './helpers';

const sdkKey = await bootstrap();
const path = '/api/v1/projects/default/environments/development/flagd';

describe('flagd import and export', () => {
  it('imports flagd’s own example, reports what it created, and exports it back unchanged', async () => {
    const imported = await json(call('PUT', path, { body: example }));
    expect(imported.status).toBe(200);
    expect(imported.body.report.created.sort()).toEqual(Object.keys(example.flags).sort());
    const exported = (await json(call('GET', path))).body;
    const again = await json(call('PUT', path, { body: exported }));
    expect(again.body.report).toMatchObject({ created: [], updated: [], deleted: [] });
    expect(again.body.report.unchanged.sort()).toEqual(Object.keys(example.flags).sort());
    expect((await json(call('GET', path))).body).toEqual(exported);
  });

  it('previews with dryRun without writing, then applies; absent flags stay unless pruned', async () => {
    const current = (await json(call('GET', path))).body;
    const [first, ...rest] = Object.keys(current.flags);
    const file = { ...current, flags: Object.fromEntries(rest.map((k) => [k, current.flags[k]])) };
    file.flags[rest[0]] = { ...file.flags[rest[0]], state: 'DISABLED' };

    const before = await dbFingerprint();
    const preview = await json(call('PUT', `${path}?dryRun=true`, { body: file }));
    expect(preview.body).toMatchObject({ dryRun: true, report: { updated: [rest[0]], notInFile: [first] } });
    expect(await dbFingerprint()).toBe(before);

    const pruned = await json(call('PUT', `${path}?prune=true`, { body: file }));
    expect(pruned.body.report).toMatchObject({ updated: [rest[0]], deleted: [first] });
    expect(Object.keys((await json(call('GET', path))).body.flags)).not.toContain(first);
  });

  it('refuses an invalid file as a whole, pointing at the offending path, and writes nothing', async () => {
    const before = await dbFingerprint();
    const res = await json(
      call('PUT', path, {
        body: { flags: { good: { state: 'ENABLED', variants: { on: true }, defaultVariant: 'on' }, bad: { state: 'ENABLED', variants: { a: 1 }, defaultVariant: 'missing' } } },
      }),
    );
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_DEFINITION');
    expect(res.body.error.issues.some((i: { path: string }) => i.path.startsWith('/flags/bad'))).toBe(true);
    expect(await dbFingerprint()).toBe(before);
  });

  it('writes one audit entry for an import', async () => {
    const audit = (await json(call('GET', '/api/v1/projects/default/audit?limit=1'))).body.entries[0];
    expect(audit).toMatchObject({ action: 'environment.import', resource: 'projects/default/environments/development' });
  });
});

describe("Curtain's extensions, imported and evaluated at the edge", () => {
  it('evaluates segments, prerequisites, regex, dates and IP ranges', async () => {
    const file = {
      segments: { staff: { regex: [{ var: 'email' }, '^[^@]+@acme\\.com$'] } },
      flags: {
        'new-checkout': { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'off', targeting: { if: [{ segment: 'staff' }, 'on', null] } },
        'checkout-banner': {
          state: 'ENABLED',
          variants: { show: 'show', hide: 'hide' },
          defaultVariant: 'hide',
          targeting: { if: [{ and: [{ prerequisite: ['new-checkout', 'on'] }, { after: '2020-01-01T00:00:00Z' }] }, 'show', null] },
        },
        'office-only': { state: 'ENABLED', variants: { yes: true, no: false }, defaultVariant: 'no', targeting: { if: [{ ip_in: [{ var: 'ip' }, ['10.0.0.0/8', '2001:db8::/32']] }, 'yes', null] } },
      },
    };
    const imported = await json(call('PUT', `${path}?prune=true`, { body: file }));
    expect(imported.status).toBe(200);
    const value = async (key: string, context: object) => (await json(ofrep(sdkKey, key, { targetingKey: 'u', ...context }))).body;
    expect(await value('new-checkout', { email: 'ann@acme.com' })).toMatchObject({ value: true, reason: 'TARGETING_MATCH' });
    expect(await value('new-checkout', { email: 'ann@other.com' })).toMatchObject({ value: false, reason: 'DEFAULT' });
    expect(await value('checkout-banner', { email: 'ann@acme.com' })).toMatchObject({ value: 'show' });
    expect(await value('checkout-banner', { email: 'bo@else.org' })).toMatchObject({ value: 'hide' });
    expect(await value('office-only', { ip: '10.1.2.3' })).toMatchObject({ value: true });
    expect(await value('office-only', { ip: '2001:db8::1' })).toMatchObject({ value: true });
    expect(await value('office-only', { ip: '192.168.1.1' })).toMatchObject({ value: false });
  });

  it('edits segments through the environment, validated against its flags, live at once, audited', async () => {
    const env = '/api/v1/projects/default/environments/development';
    const current = (await json(call('GET', env))).body;
    expect(current.segments).toHaveProperty('staff');
    const widened = await json(call('PATCH', env, { body: { segments: { staff: { ends_with: [{ var: 'email' }, '@acme.com'] } } } }));
    expect(widened.status).toBe(200);
    expect(widened.body.version).toBe(current.version + 1);
    expect((await json(ofrep(sdkKey, 'new-checkout', { targetingKey: 'u', email: 'x@acme.com' }))).body.value).toBe(true);
    const audit = (await json(call('GET', '/api/v1/projects/default/audit?limit=1'))).body.entries[0];
    expect(audit).toMatchObject({ action: 'environment.update', before: { segments: current.segments } });

    const before = await dbFingerprint();
    const dropped = await json(call('PATCH', env, { body: { segments: {} } })); // new-checkout uses "staff"
    expect(dropped.status).toBe(400);
    expect(dropped.body.error.code).toBe('INVALID_DEFINITION');
    expect(await dbFingerprint()).toBe(before);
    expect((await call('PATCH', env, { body: { segments: 'nope' } })).status).toBe(400);
  });

  it('refuses a catastrophic regular expression when saved', async () => {
    const res = await json(call('PATCH', '/api/v1/projects/default/environments/development/flags/office-only', { body: { targeting: { if: [{ regex: [{ var: 'email' }, '^(a+)+$'] }, 'yes', null] } } }));
    expect(res.status).toBe(400);
    expect(res.body.error.issues[0].path).toMatch(/^\/flags\/office-only\/targeting/);
  });

  it('refuses a prerequisite on a flag that does not exist, and deleting a flag others depend on', async () => {
    const missing = await json(call('PATCH', '/api/v1/projects/default/environments/development/flags/office-only', { body: { targeting: { if: [{ prerequisite: ['ghost', 'on'] }, 'yes', null] } } }));
    expect(missing.status).toBe(400);
    const del = await json(call('DELETE', '/api/v1/projects/default/flags/new-checkout'));
    expect(del.status).toBe(400);
    expect(del.body.error.code).toBe('INVALID_DEFINITION');
  });
});
