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

/** A flag file as a real flagd deployment may hold it: valid flags, and flags that flagd loads but Curtain's checks refuse. */
const when = (condition: unknown, extra: object = {}) => ({ state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'off', targeting: { if: [condition, 'on'] }, ...extra });
const lenientFile = {
  $schema: 'https://flagd.dev/schema/v0/flags.json',
  $evaluators: { isPro: { '==': [{ var: 'plan' }, 'pro'] } },
  flags: {
    'pro-only': when({ $ref: 'isPro' }),
    'semver-operator': when({ sem_ver: [{ var: 'version' }, '*', '2.0.0'] }),
    'semver-partial': when({ sem_ver: [{ var: 'version' }, '>=', 'v1.2'] }),
    'starts-with-arity': when({ starts_with: [{ var: 'email' }, 'a', 'b'] }),
    'missing-ref': when({ $ref: 'nope' }),
    'negative-weight': { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'off', targeting: { fractional: [['on', -10], ['off', 10]] } },
    'not-a-variant': { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'off', targeting: { if: [{ var: 'x' }, 'maybe', 'off'] } },
    'unknown-operator': when({ nope: [1] }),
  },
};
const lenientPaths = [
  '/flags/semver-operator/targeting/if/0/sem_ver/1',
  '/flags/semver-partial/targeting/if/0/sem_ver/2',
  '/flags/starts-with-arity/targeting/if/0/starts_with',
  '/flags/negative-weight/targeting/fractional/0/1',
  '/flags/not-a-variant/targeting/if/1',
  '/flags/unknown-operator/targeting/if/0/nope',
  '/flags/missing-ref/targeting/if/0/$ref',
];
const flagOf = (path: string) => path.split('/')[2];

describe('flagd files with rules that Curtain’s own checks refuse', () => {
  it('refuses them with ?strict=true, at the same paths, and writes nothing', async () => {
    const before = await dbFingerprint();
    const res = await json(call('PUT', `${path}?strict=true&prune=true`, { body: lenientFile }));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_DEFINITION');
    expect(res.body.error.issues.map((i: { path: string }) => i.path)).toEqual(lenientPaths);
    expect(await dbFingerprint()).toBe(before);
  });

  it('imports them by default, reporting each as a warning with its flag, path and message', async () => {
    const res = await json(call('PUT', `${path}?prune=true`, { body: lenientFile }));
    expect(res.status).toBe(200);
    expect(res.body.report.created.sort()).toEqual(Object.keys(lenientFile.flags).sort());
    expect(res.body.report.warnings.map((w: { flag: string; path: string }) => [w.flag, w.path]).sort()).toEqual(lenientPaths.map((p) => [flagOf(p), p]).sort());
    expect(res.body.report.warnings.every((w: { message: string }) => w.message.length > 0)).toBe(true);
  });

  it('evaluates them over OFREP as flagd does, each alone', async () => {
    const ctx = { targetingKey: 'u1', version: '1.2', email: 'ab', x: true, plan: 'pro' };
    const one = async (key: string) => {
      const r = await json(ofrep(sdkKey, key, ctx));
      return [r.status, r.body.reason ?? r.body.errorCode, r.body.value];
    };
    expect(await one('pro-only')).toEqual([200, 'TARGETING_MATCH', true]);
    expect(await one('semver-operator')).toEqual([200, 'DEFAULT', false]); // the operator yields null
    expect(await one('semver-partial')).toEqual([200, 'TARGETING_MATCH', true]); // v1.2 reads as 1.2.0
    expect(await one('starts-with-arity')).toEqual([200, 'DEFAULT', false]);
    expect(await one('missing-ref')).toEqual([400, 'PARSE_ERROR', undefined]);
    expect(await one('negative-weight')).toEqual([200, 'SPLIT', false]); // the negative weight counts 0
    expect(await one('not-a-variant')).toEqual([500, 'GENERAL', undefined]);
    expect(await one('unknown-operator')).toEqual([400, 'PARSE_ERROR', undefined]);
    const bulk = await json(ofrep(sdkKey, null, ctx));
    expect(bulk.status).toBe(200);
    const byKey = Object.fromEntries(bulk.body.flags.map((f: { key: string; reason?: string; errorCode?: string }) => [f.key, f.reason ?? f.errorCode]));
    expect(byKey).toMatchObject({ 'pro-only': 'TARGETING_MATCH', 'missing-ref': 'PARSE_ERROR', 'unknown-operator': 'PARSE_ERROR', 'negative-weight': 'SPLIT' });
  });

  it('shows the warnings on each flag, per environment', async () => {
    const flags = (await json(call('GET', '/api/v1/projects/default/flags'))).body.flags as { key: string; environments: Record<string, { warnings: { path: string; message: string }[] }> }[];
    const warnings = (key: string, env = 'development') => flags.find((f) => f.key === key)!.environments[env].warnings.map((w) => w.path);
    for (const p of lenientPaths) expect(warnings(flagOf(p))).toEqual([p]);
    expect(warnings('pro-only')).toEqual([]);
    expect(warnings('semver-operator', 'production')).toEqual([]);
    const single = (await json(call('GET', '/api/v1/projects/default/flags/missing-ref'))).body;
    expect(single.environments.development.warnings).toEqual([{ path: '/flags/missing-ref/targeting/if/0/$ref', message: expect.stringContaining('nope') }]);
  });

  it('lets the rest of the API edit other flags and shared rules, and stays strict for what an edit rewrites', async () => {
    const flagUrl = (key: string) => `/api/v1/projects/default/environments/development/flags/${key}`;
    const other = await json(call('PATCH', flagUrl('pro-only'), { body: { targeting: { if: [{ and: [{ $ref: 'isPro' }, { '!': { var: 'trial' } }] }, 'on'] } } }));
    expect(other.status).toBe(200);
    expect((await json(call('PATCH', '/api/v1/projects/default/flags/pro-only', { body: { description: 'for pro plans' } }))).status).toBe(200);
    expect((await json(call('POST', '/api/v1/projects/default/flags', { body: { key: 'added-later' } }))).status).toBe(201);
    expect((await call('DELETE', '/api/v1/projects/default/flags/added-later')).status).toBe(204);
    const env = await json(call('PATCH', '/api/v1/projects/default/environments/development', { body: { segments: { staff: { ends_with: [{ var: 'email' }, '@acme.com'] } } } }));
    expect(env.status).toBe(200);
    // switching a flag with warnings off touches only its state
    const off = await json(call('PATCH', flagUrl('unknown-operator'), { body: { state: 'DISABLED' } }));
    expect(off.status).toBe(200);
    expect(off.body.environments.development.warnings).toHaveLength(1);
    // a rule typed through the API is checked strictly, even the one the flag already had
    const before = await dbFingerprint();
    const same = await json(call('PATCH', flagUrl('semver-operator'), { body: { targeting: lenientFile.flags['semver-operator'].targeting } }));
    expect(same.status).toBe(400);
    expect(same.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['/flags/semver-operator/targeting/if/0/sem_ver/1']);
    const fresh = await json(call('PATCH', flagUrl('pro-only'), { body: { targeting: { if: [{ sem_ver: [{ var: 'v' }, '=', '1.0'] }, 'on'] } } }));
    expect(fresh.status).toBe(400);
    // removing the shared rule a flag uses is a new issue
    const dropped = await json(call('PATCH', '/api/v1/projects/default/environments/development', { body: { evaluators: {} } }));
    expect(dropped.status).toBe(400);
    expect(await dbFingerprint()).toBe(before);
  });

  it('reports a warning inside a shared rule on every flag that uses it, and on none when unused', async () => {
    const file = {
      $evaluators: { used: { nope: [1] }, unused: { sem_ver: [{ var: 'v' }, '=', '1'] } },
      segments: { beta: { $ref: 'used' } },
      flags: { a: when({ $ref: 'used' }), b: when({ segment: 'beta' }), c: when({ var: 'x' }) },
    };
    const res = await json(call('PUT', `${path}?dryRun=true&prune=true`, { body: file }));
    expect(res.status).toBe(200);
    expect(res.body.report.warnings.map((w: { flag: string | null; path: string }) => [w.flag, w.path])).toEqual([
      ['a', '/$evaluators/used/nope'],
      ['b', '/$evaluators/used/nope'],
      [null, '/$evaluators/unused/sem_ver/2'],
    ]);
  });

  it('exports such a file and imports it again as everything unchanged, with the same warnings', async () => {
    const exported = (await json(call('GET', path))).body;
    const again = await json(call('PUT', path, { body: exported }));
    expect(again.status).toBe(200);
    expect(again.body.report).toMatchObject({ created: [], updated: [], deleted: [], sharedRulesChanged: false });
    expect(again.body.report.unchanged.sort()).toEqual(Object.keys(lenientFile.flags).sort());
    expect(again.body.report.warnings.map((w: { path: string }) => w.path).sort()).toEqual([...lenientPaths].sort());
  });
});

describe('an import changes variants that other environments use', () => {
  it('is refused if another environment’s targeting would return a variant that no longer exists', async () => {
    const created = await json(call('POST', '/api/v1/projects/default/flags', {
      body: { key: 'shared-variants', variants: { x: 'X', y: 'Y' }, environments: { staging: { state: 'ENABLED', defaultVariant: 'y', targeting: { if: [{ var: 'vip' }, 'x'] } } } },
    }));
    expect(created.status).toBe(201);
    const before = await dbFingerprint();
    const res = await json(call('PUT', path, { body: { flags: { 'shared-variants': { state: 'ENABLED', variants: { y: 'Y', z: 'Z' }, defaultVariant: 'y' } } } }));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain("environment 'staging'");
    expect(res.body.error.issues).toEqual([{ path: '/flags/shared-variants/targeting/if/1', message: expect.stringContaining('"x"') }]);
    expect(await dbFingerprint()).toBe(before);
  });
});

describe('flagd files are held to the API’s key rules', () => {
  const flag = { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'on' };

  it('refuses keys that no route could read or delete, each at its path, and writes nothing', async () => {
    const before = await dbFingerprint();
    const file = JSON.parse(`{"flags": {"__proto__": ${JSON.stringify(flag)}, "has space": ${JSON.stringify(flag)}, "ünï": ${JSON.stringify(flag)}, "_x": ${JSON.stringify(flag)}, "ok": ${JSON.stringify(flag)}}}`);
    const res = await json(call('PUT', path, { rawBody: JSON.stringify(file) }));
    expect(res.status).toBe(400);
    expect(res.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['/flags/__proto__', '/flags/has space', '/flags/ünï', '/flags/_x']);
    const array = await json(call('PUT', path, { rawBody: `{"$schema": "https://flagd.dev/schema/v0/flagd.json", "flags": [{"key": "__proto__", "state": "ENABLED", "variants": {"on": true}}]}` }));
    expect(array.status).toBe(400);
    expect(array.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['/flags/0/key']);
    expect(await dbFingerprint()).toBe(before);
  });

  it('imports keys named like Object.prototype members as plain flags, evaluates them, and prunes them', async () => {
    const res = await json(call('PUT', `${path}?prune=true`, { body: { flags: { constructor: flag, toString: flag, hasOwnProperty: flag } } }));
    expect(res.status).toBe(200);
    expect(res.body.report.created.sort()).toEqual(['constructor', 'hasOwnProperty', 'toString']);
    expect((await json(ofrep(sdkKey, 'constructor'))).body).toMatchObject({ key: 'constructor', value: true });
    const pruned = await json(call('PUT', `${path}?prune=true`, { body: { flags: { other: flag } } }));
    expect(pruned.body.report.deleted.sort()).toEqual(['constructor', 'hasOwnProperty', 'toString']);
    const left = (await json(call('GET', '/api/v1/projects/default/flags'))).body.flags.map((f: { key: string }) => f.key);
    expect(left).toEqual(['other']);
  });
});

describe('limits on what a definition may hold', () => {
  /** `{"v": {"v": … }}`, `depth` levels, as JSON text (the body is built without recursion). */
  const nestedJson = (depth: number) => '{"v":'.repeat(depth - 1) + '{"leaf":true}' + '}'.repeat(depth - 1);

  it('refuses a variant nested 14,000 levels deep, through the flag API and through an import', async () => {
    const before = await dbFingerprint();
    const created = await json(call('POST', '/api/v1/projects/default/flags', { rawBody: `{"key":"deep","variants":{"a":${nestedJson(14_000)},"b":{}}}` }));
    expect(created.status).toBe(400);
    expect(created.body.error).toMatchObject({ code: 'INVALID_DEFINITION', message: expect.stringContaining('32 levels') });
    const imported = await json(call('PUT', path, { rawBody: `{"flags":{"deep":{"state":"DISABLED","variants":{"a":${nestedJson(14_000)}},"defaultVariant":"a"}}}` }));
    expect(imported.status).toBe(400);
    expect(imported.body.error.issues).toEqual([{ path: '/flags/deep/variants/a', message: expect.stringContaining('32 levels') }]);
    expect(await dbFingerprint()).toBe(before);
  });

  it('refuses variants above 64 KiB', async () => {
    const res = await json(call('POST', '/api/v1/projects/default/flags', { body: { key: 'big', variants: { a: 'x'.repeat(70_000), b: 'y' } } }));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('64 KiB');
  });

  it('refuses shared rules that double at each of 17 levels, naming the limit', async () => {
    const evaluators: Record<string, unknown> = { e0: { '==': [{ var: 'x' }, 1] } };
    for (let i = 1; i <= 17; i++) evaluators[`e${i}`] = { or: [{ $ref: `e${i - 1}` }, { $ref: `e${i - 1}` }] };
    const res = await json(call('PUT', path, { body: { $evaluators: evaluators, flags: { top: when({ $ref: 'e17' }) } } }));
    expect(res.status).toBe(400);
    expect(res.body.error.issues).toEqual([{ path: '/flags/top/targeting', message: expect.stringContaining('50000 rule nodes') }]);
  });

  it('refuses a regular expression whose counted repeats multiply', async () => {
    const res = await json(call('PATCH', '/api/v1/projects/default/environments/development/flags/other', { body: { targeting: { if: [{ regex: [{ var: 'id' }, '\\d{1,1000}\\d{1,1000}\\d{1,1000}\\d{1,1000}x'] }, 'on'] } } }));
    expect(res.status).toBe(400);
    expect(res.body.error.issues[0]).toMatchObject({ path: '/flags/other/targeting/if/0/regex/1', message: expect.stringContaining('multiply') });
  });
});

describe("a file carrying Curtain's flag attributes", () => {
  const file = (attrs: Record<string, unknown>) => ({ flags: { described: { state: 'DISABLED', variants: { on: true, off: false }, defaultVariant: 'off', ...attrs } } });

  it('sets description, tags and clientVisible with the import, all or nothing, and the export leaves them out', async () => {
    const created = await json(call('PUT', path, { body: file({ description: 'New search', tags: ['search'], clientVisible: true }) }));
    expect(created.body.report.created).toContain('described');
    expect((await json(call('GET', '/api/v1/projects/default/flags/described'))).body).toMatchObject({ description: 'New search', tags: ['search'], clientVisible: true });
    const changed = await json(call('PUT', path, { body: file({ tags: ['search', 'q4'] }) }));
    expect(changed.body.report.updated).toContain('described');
    // absent attributes stay as they are
    expect((await json(call('GET', '/api/v1/projects/default/flags/described'))).body).toMatchObject({ description: 'New search', tags: ['search', 'q4'], clientVisible: true });
    const exported = (await json(call('GET', path))).body.flags.described;
    expect(Object.keys(exported).sort()).toEqual(['defaultVariant', 'state', 'variants']);
  });

  it('refuses attributes the API would refuse, naming them, and writes nothing', async () => {
    const before = await dbFingerprint();
    const res = await json(call('PUT', path, { body: file({ tags: [''], clientVisible: 'yes' }) }));
    expect(res.status).toBe(400);
    expect(res.body.error.issues.map((i: any) => i.path)).toEqual(['/flags/described/tags', '/flags/described/clientVisible']);
    expect(await dbFingerprint()).toBe(before);
  });
});
