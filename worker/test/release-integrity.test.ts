// One truth about what users get (issue 19): each case a release manager or a new team hit, as a regression test.
// A running release owns its flags; an ended one has written its outcome into them; nothing stored is invalid.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { env, runDurableObjectAlarm } from 'cloudflare:test';
import { bootstrap, dbFingerprint, json, ofrep } from './helpers';
import { admin, createFlag, ENV, servedTo, users } from './release-helpers';

let sdkKey: string;
const T0 = Date.parse('2027-05-03T09:00:00Z');
const MIN = 60_000;
const at = (ms: number) => vi.setSystemTime(new Date(ms));
const people = users(200);
const FLAGS = '/api/v1/projects/default/flags';
const STAGING = '/api/v1/projects/default/environments/staging';

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  at(T0 - 10 * MIN);
  sdkKey = await bootstrap();
});
afterEach(() => at(T0 - 10 * MIN));

async function startRelease(key: string, flag: string, steps = [{ percent: 30, holdMinutes: 60 }, { percent: 100, holdMinutes: 60 }], query = '') {
  const created = await admin('POST', `${ENV}/releases`, { key, name: key, flags: [flag], plan: { steps } });
  if (created.status !== 201) throw new Error(JSON.stringify(created.body));
  return admin('POST', `${ENV}/releases/${key}/start${query}`);
}

const clock = async () => {
  const id = (await admin('GET', ENV)).body.id;
  return runDurableObjectAlarm(env.RELEASE_CLOCKS.get(env.RELEASE_CLOCKS.idFromName(id)));
};

describe('a running release owns its flags', { timeout: 30_000 }, () => {
  it('refuses the switch, names the release and its ways forward, and writes nothing (seen 1)', async () => {
    await createFlag('owned-1');
    at(T0);
    expect((await startRelease('r-owned-1', 'owned-1')).status).toBe(200);
    const inside = await servedTo(sdkKey, 'owned-1', people);
    const before = await dbFingerprint();
    const off = await admin('PATCH', `${ENV}/flags/owned-1`, { state: 'DISABLED' });
    expect(off).toMatchObject({ status: 409, body: { error: { code: 'RELEASE_OWNS_FLAG', flag: 'owned-1', environment: 'development', release: { key: 'r-owned-1', state: 'rolling_out', percent: 30 }, waysForward: ['rollback', 'kill', 'finish'] } } });
    expect(off.body.error.message).toMatch(/rolling out, 30 %/);
    expect((await admin('PATCH', `${ENV}/flags/owned-1`, { defaultVariant: 'off' })).body.error.code).toBe('RELEASE_OWNS_FLAG');
    expect(await dbFingerprint()).toBe(before);
    expect(await servedTo(sdkKey, 'owned-1', people)).toEqual(inside);
    // the flag's view says what the edge serves: the release decides, at 30 %
    const flag = await admin('GET', `${FLAGS}/owned-1`);
    expect(flag.body.environments.development.release).toMatchObject({ key: 'r-owned-1', state: 'rolling_out', percent: 30, owns: true });
  });

  it('lets the flag’s own rules change during the release (they decide first, by design), recorded in the flag’s history', async () => {
    const rule = { if: [{ '==': [{ var: 'plan' }, 'beta'] }, 'on', null] };
    expect((await admin('PATCH', `${ENV}/flags/owned-1`, { targeting: rule })).status).toBe(200);
    expect((await json(ofrep(sdkKey, 'owned-1', { targetingKey: 'zz-outside', plan: 'beta' }))).body.value).toBe(true);
    const history = await admin('GET', '/api/v1/projects/default/audit?flag=owned-1');
    expect(history.body.entries.map((e: any) => e.action)).toEqual(expect.arrayContaining(['flag.configure', 'release.start', 'release.create']));
  });

  it('refuses rules that would decide for every user, leaving nobody to the release, now or scheduled', async () => {
    const total = { if: [{ '==': [{ var: 'plan' }, 'beta'] }, 'on', { fractional: [['on', 50], ['off', 50]] }] };
    expect((await admin('PATCH', `${ENV}/flags/owned-1`, { targeting: total })).body.error).toMatchObject({ code: 'RELEASE_OWNS_FLAG', release: { key: 'r-owned-1' } });
    const split = await admin('POST', `${ENV}/flags/owned-1/schedule`, { at: new Date(T0 + 5 * MIN).toISOString(), split: [['on', 1]] });
    expect(split.body.error.code).toBe('RELEASE_OWNS_FLAG');
    // and a release cannot start on a flag whose rules already decide for everyone
    await createFlag('total-rules', { environments: { development: { targeting: { fractional: [['on', 50], ['off', 50]] } } } });
    const res = await startRelease('r-total', 'total-rules');
    expect(res.body.error).toMatchObject({ code: 'CONFLICT', flag: 'total-rules' });
  });

  it('switches off with ?releaseAction=kill: the release is killed and the flag off, both audited, and every status agrees', async () => {
    const res = await admin('PATCH', `${ENV}/flags/owned-1?releaseAction=kill`, { state: 'DISABLED' });
    expect(res.status).toBe(200);
    expect(res.body.environments.development).toMatchObject({ state: 'DISABLED', release: { key: 'r-owned-1', state: 'rolled_back', killed: true, owns: false } });
    expect((await admin('GET', `${ENV}/releases/r-owned-1`)).body).toMatchObject({ state: 'rolled_back', killed: true });
    expect((await json(ofrep(sdkKey, 'owned-1', { targetingKey: people[0] }))).body.reason).toBe('DISABLED');
    const actions = (await admin('GET', '/api/v1/projects/default/audit?flag=owned-1&limit=5')).body.entries.map((e: any) => e.action);
    expect(actions.slice(0, 3)).toEqual(['flag.configure', 'flag.configure', 'release.kill']);
  });

  it('refuses to change the variants a running release serves, and a draft’s (seen 7’s variant half)', async () => {
    await createFlag('owned-2', { variants: { on: true, off: false } });
    at(T0);
    await startRelease('r-owned-2', 'owned-2');
    const res = await admin('PATCH', `${FLAGS}/owned-2`, { variants: { yes: true, off: false } });
    expect(res.body.error).toMatchObject({ code: 'RELEASE_OWNS_FLAG', release: { key: 'r-owned-2' } });
    // a new variant is fine: the release serves on and off
    expect((await admin('PATCH', `${FLAGS}/owned-2`, { variants: { on: true, off: false, maybe: false } })).status).toBe(200);
  });
});

describe('deleting and creating again (seen 7)', { timeout: 30_000 }, () => {
  it('refuses to delete a flag a running release owns, and a recreated key never inherits an old release', async () => {
    await createFlag('phoenix');
    at(T0);
    await startRelease('r-phoenix', 'phoenix');
    expect((await admin('DELETE', `${FLAGS}/phoenix`)).body.error).toMatchObject({ code: 'RELEASE_OWNS_FLAG', release: { key: 'r-phoenix' } });
    expect((await admin('DELETE', `${FLAGS}/phoenix?releaseAction=kill`)).status).toBe(204);
    expect((await admin('GET', `${ENV}/releases/r-phoenix`)).body).toMatchObject({ state: 'rolled_back', killed: true });
    // created again with other variants, switched on: no old release decides it, nobody is refused
    expect((await admin('POST', FLAGS, { key: 'phoenix', variants: { red: 'red', blue: 'blue' }, environments: { development: { state: 'ENABLED', defaultVariant: 'red' } } })).status).toBe(201);
    expect(await servedTo(sdkKey, 'phoenix', people, 'red')).toHaveLength(people.length);
    const view = await admin('GET', `${FLAGS}/phoenix`);
    expect(view.body.environments.development.release).toBeNull();
  });

  it('refuses to delete a flag a draft names, naming the draft', async () => {
    await createFlag('drafted');
    await admin('POST', `${ENV}/releases`, { key: 'r-draft', name: 'Draft', flags: ['drafted'], plan: { steps: [{ percent: 10, holdMinutes: 1 }] } });
    expect((await admin('DELETE', `${FLAGS}/drafted`)).body.error).toMatchObject({ code: 'CONFLICT', release: { key: 'r-draft', state: 'draft' } });
  });
});

describe('an ended release writes its outcome into its flags', { timeout: 30_000 }, () => {
  it('released: the default variant becomes the inside one, and a later change is an ordinary flag change', async () => {
    await createFlag('done-1');
    at(T0);
    await startRelease('r-done-1', 'done-1', [{ percent: 100, holdMinutes: 30 }]);
    at(T0 + 31 * MIN);
    expect(await clock()).toBe(true);
    const flag = (await admin('GET', `${FLAGS}/done-1`)).body.environments.development;
    expect(flag).toMatchObject({ state: 'ENABLED', defaultVariant: 'on', release: { key: 'r-done-1', state: 'released', owns: false } });
    expect(await servedTo(sdkKey, 'done-1', people.slice(0, 50))).toHaveLength(50);
    // not owned any more: switching it off is a plain write, and the edge follows
    expect((await admin('PATCH', `${ENV}/flags/done-1`, { defaultVariant: 'off' })).status).toBe(200);
    expect(await servedTo(sdkKey, 'done-1', people.slice(0, 50))).toEqual([]);
  });

  it('a write right after the plan ends, before the clock records it, reads the outcome first (no release is overwritten)', async () => {
    await createFlag('done-2');
    at(T0);
    await startRelease('r-done-2', 'done-2', [{ percent: 100, holdMinutes: 30 }]);
    at(T0 + 31 * MIN);
    const res = await admin('PATCH', `${ENV}/flags/done-2`, { targeting: { if: [{ '==': [{ var: 'country' }, 'DE'] }, 'off', null] } });
    expect(res.body.environments.development).toMatchObject({ defaultVariant: 'on', release: { state: 'released', owns: false } });
    expect((await admin('GET', `${ENV}/releases/r-done-2`)).body.state).toBe('released');
    expect(await servedTo(sdkKey, 'done-2', people.slice(0, 50))).toHaveLength(50);
  });

  it('rolled back: the outside variant by default, the rules kept; killed: the outside variant for everyone, the rules in the history', async () => {
    const rule = { if: [{ '==': [{ var: 'plan' }, 'beta'] }, 'on', null] };
    await createFlag('ended-3', { environments: { development: { targeting: rule } } });
    at(T0);
    await startRelease('r-ended-3', 'ended-3');
    expect((await admin('POST', `${ENV}/releases/r-ended-3/rollback`)).status).toBe(200);
    let cfg = (await admin('GET', `${FLAGS}/ended-3`)).body.environments.development;
    expect(cfg).toMatchObject({ state: 'ENABLED', defaultVariant: 'off', targeting: rule });
    expect((await json(ofrep(sdkKey, 'ended-3', { targetingKey: 'b', plan: 'beta' }))).body.value).toBe(true);
    expect((await admin('POST', `${ENV}/releases/r-ended-3/kill`)).status).toBe(200);
    cfg = (await admin('GET', `${FLAGS}/ended-3`)).body.environments.development;
    expect(cfg).toMatchObject({ state: 'ENABLED', defaultVariant: 'off', targeting: null });
    expect((await json(ofrep(sdkKey, 'ended-3', { targetingKey: 'b', plan: 'beta' }))).body.value).toBe(false);
    const entry = (await admin('GET', '/api/v1/projects/default/audit?flag=ended-3&limit=3')).body.entries.find((e: any) => e.action === 'flag.configure');
    expect(entry).toMatchObject({ before: { targeting: rule }, after: { targeting: null, cause: { release: 'r-ended-3', action: 'kill' } } });
  });
});

describe('starting a release never takes a feature away silently (seen 3)', { timeout: 30_000 }, () => {
  it('answers 409 TAKES_FEATURE_AWAY with the share that would lose it, unless acknowledged', async () => {
    await createFlag('on-already', { environments: { development: { state: 'ENABLED' } } });
    expect(await servedTo(sdkKey, 'on-already', people.slice(0, 20))).toHaveLength(20);
    at(T0);
    const before = await dbFingerprint();
    const res = await startRelease('r-on-already', 'on-already', [{ percent: 1, holdMinutes: 60 }, { percent: 100, holdMinutes: 60 }]);
    expect(res).toMatchObject({ status: 409, body: { error: { code: 'TAKES_FEATURE_AWAY', flags: [{ flag: 'on-already', inside: 'on', losing: 99 }] } } });
    expect(await servedTo(sdkKey, 'on-already', people.slice(0, 20))).toHaveLength(20);
    const afterCreate = await dbFingerprint();
    expect(afterCreate).not.toBe(before); // only the draft's creation
    expect((await admin('POST', `${ENV}/releases/r-on-already/start?acknowledgeLoss=true`)).status).toBe(200);
  });
});

describe('nothing stored is invalid (seen 4, 5, 6)', { timeout: 30_000 }, () => {
  it('refuses a variants change that a pending scheduled change depends on, naming it', async () => {
    await createFlag('sched-a', { variants: { a: 'a', b: 'b' } });
    expect((await admin('POST', `${ENV}/flags/sched-a/schedule`, { at: new Date(T0 + 5 * MIN).toISOString(), defaultVariant: 'b' })).status).toBe(201);
    const before = await dbFingerprint();
    const res = await admin('PATCH', `${FLAGS}/sched-a`, { variants: { a: 'a', c: 'c' } });
    expect(res).toMatchObject({ status: 400, body: { error: { code: 'INVALID_DEFINITION' } } });
    expect(res.body.error.message).toContain('the change scheduled for');
    expect(res.body.error.issues[0].path).toBe('/flags/sched-a/schedule/0/defaultVariant');
    expect(await dbFingerprint()).toBe(before);
  });

  it('refuses to archive a flag scheduled to switch on, naming the change', async () => {
    await createFlag('sched-b');
    await admin('POST', `${ENV}/flags/sched-b/schedule`, { at: new Date(T0 + 5 * MIN).toISOString(), state: 'ENABLED' });
    const res = await admin('PATCH', `${FLAGS}/sched-b`, { archived: true });
    expect(res).toMatchObject({ status: 409, body: { error: { code: 'CONFLICT', schedule: { state: 'ENABLED' } } } });
  });

  it('a scheduled split keeps the flag’s rules; targeting replaces them', async () => {
    const rule = { if: [{ in: [{ var: 'country' }, ['DE', 'FR']] }, 'blue', null] };
    await createFlag('sched-c', { variants: { blue: 'blue', red: 'red', green: 'green' }, environments: { development: { targeting: rule, defaultVariant: 'red' } } });
    at(T0);
    const s = await admin('POST', `${ENV}/flags/sched-c/schedule`, { at: new Date(T0 + 5 * MIN).toISOString(), state: 'ENABLED', split: [['red', 90], ['green', 10]] });
    expect(s.body).toMatchObject({ state: 'ENABLED', split: [['red', 90], ['green', 10]] });
    expect((await admin('POST', `${ENV}/flags/sched-c/schedule`, { at: new Date(T0 + 6 * MIN).toISOString(), targeting: rule, split: [['red', 1]] })).status).toBe(400);
    at(T0 + 6 * MIN);
    expect((await json(ofrep(sdkKey, 'sched-c', { targetingKey: 'x', country: 'DE' }))).body.value).toBe('blue');
    const rest = await Promise.all(people.map(async (u) => (await json(ofrep(sdkKey, 'sched-c', { targetingKey: u, country: 'US' }))).body.value));
    expect(new Set(rest)).toEqual(new Set(['red', 'green']));
    // recorded by the clock into the stored config, with the rule still first
    expect(await clock()).toBe(true);
    const cfg = (await admin('GET', `${FLAGS}/sched-c`)).body.environments.development;
    expect(cfg.targeting).toEqual({ if: [{ in: [{ var: 'country' }, ['DE', 'FR']] }, 'blue', { fractional: [['red', 90], ['green', 10]] }] });
    expect((await json(ofrep(sdkKey, 'sched-c', { targetingKey: 'x', country: 'FR' }))).body.value).toBe('blue');
  });

  it('refuses to schedule the switch of a flag a release owns', async () => {
    await createFlag('sched-d');
    at(T0);
    await startRelease('r-sched-d', 'sched-d');
    const res = await admin('POST', `${ENV}/flags/sched-d/schedule`, { at: new Date(T0 + 5 * MIN).toISOString(), state: 'DISABLED' });
    expect(res.body.error).toMatchObject({ code: 'RELEASE_OWNS_FLAG', release: { key: 'r-sched-d' } });
  });

  it('refuses to start a release over a pending change of the flag’s switch, naming it', async () => {
    await createFlag('sched-e');
    await admin('POST', `${ENV}/flags/sched-e/schedule`, { at: new Date(T0 + 50 * MIN).toISOString(), state: 'DISABLED' });
    at(T0);
    const res = await startRelease('r-sched-e', 'sched-e');
    expect(res.body.error).toMatchObject({ code: 'CONFLICT', flag: 'sched-e', schedule: { state: 'DISABLED' } });
  });
});

describe('file pushes and imports (seen 2)', { timeout: 30_000 }, () => {
  const file = (state: string, extra: Record<string, unknown> = {}) => ({ flags: { 'pushed-1': { state, variants: { on: true, off: false }, defaultVariant: 'on', ...extra } } });

  it('say in a dry run which flags a release owns, refuse a change of what it owns, apply a change of the rules', async () => {
    await createFlag('pushed-1');
    at(T0);
    await startRelease('r-pushed-1', 'pushed-1');
    const dry = await admin('PUT', `${ENV}/flagd?dryRun=true`, file('DISABLED'));
    expect(dry.body.report.releases).toEqual([{ flag: 'pushed-1', environment: 'development', release: { key: 'r-pushed-1', state: 'rolling_out', percent: 30 }, change: 'switch', refused: true }]);
    const before = await dbFingerprint();
    expect((await admin('PUT', `${ENV}/flagd`, file('DISABLED'))).body.error).toMatchObject({ code: 'RELEASE_OWNS_FLAG', flags: [{ flag: 'pushed-1', change: 'switch' }] });
    expect(await dbFingerprint()).toBe(before);
    const rules = await admin('PUT', `${ENV}/flagd`, file('ENABLED', { targeting: { if: [{ '==': [{ var: 'plan' }, 'beta'] }, 'on', null] } }));
    expect(rules.body.report).toMatchObject({ updated: ['pushed-1'], releases: [{ change: 'targeting', refused: false }] });
    expect((await admin('PUT', `${ENV}/flagd?releaseAction=rollback`, file('DISABLED'))).status).toBe(200);
    expect((await admin('GET', `${ENV}/releases/r-pushed-1`)).body.state).toBe('rolled_back');
  });

  it('keep the dormant-code guard: a pushed flag that no deployment uses is not switched on', async () => {
    expect((await admin('POST', `${STAGING}/deployments`, { version: '1.0.0', flags: ['deployed-flag'] })).status).toBe(201);
    const push = { flags: { 'not-deployed': { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'on' } } };
    expect((await admin('PUT', `${STAGING}/flagd?dryRun=true`, push)).body.report.dormant).toEqual(['not-deployed']);
    expect((await admin('PUT', `${STAGING}/flagd`, push)).body.error).toMatchObject({ code: 'DORMANT_CODE', flags: ['not-deployed'] });
    expect((await admin('PUT', `${STAGING}/flagd?force=true`, push)).status).toBe(200);
  });
});

describe('the record is true (seen 8, 9)', { timeout: 30_000 }, () => {
  it('resume keeps the times of steps already taken', async () => {
    await createFlag('timed');
    at(T0);
    await startRelease('r-timed', 'timed', [{ percent: 10, holdMinutes: 60 }, { percent: 50, holdMinutes: 60 }, { percent: 100, holdMinutes: 60 }]);
    at(T0 + 70 * MIN);
    await admin('POST', `${ENV}/releases/r-timed/pause`);
    at(T0 + 130 * MIN);
    const resumed = await admin('POST', `${ENV}/releases/r-timed/resume`);
    const iso = (ms: number) => new Date(ms).toISOString();
    // step 3 was due 50 minutes after the pause began: it comes 50 minutes after the resume
    expect(resumed.body.timeline).toEqual([
      { step: 0, percent: 10, startsAt: iso(T0) },
      { step: 1, percent: 50, startsAt: iso(T0 + 60 * MIN) },
      { step: 2, percent: 100, startsAt: iso(T0 + 180 * MIN) },
    ]);
    expect(resumed.body.startAt).toBe(iso(T0));
    const cal = await admin('GET', `${ENV}/calendar?from=${iso(T0 - 60 * MIN)}&to=${iso(T0 + 600 * MIN)}`);
    expect(cal.body.releases.find((r: any) => r.key === 'r-timed').steps.map((s: any) => s.startsAt)).toEqual([iso(T0), iso(T0 + 60 * MIN), iso(T0 + 180 * MIN)]);
  });

  it('the history filtered by a flag shows its releases, scheduled changes and deployments', async () => {
    await admin('POST', `${ENV}/deployments`, { version: '2.0.0', flags: ['timed'] });
    expect((await admin('POST', `${ENV}/flags/timed/schedule`, { at: new Date(T0 + 900 * MIN).toISOString(), targeting: null })).body).toMatchObject({ targeting: null });
    const actions = (await admin('GET', '/api/v1/projects/default/audit?flag=timed')).body.entries.map((e: any) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['flag.create', 'release.create', 'release.start', 'release.pause', 'release.resume', 'deployment.record', 'flag.schedule']));
    expect(actions).not.toContain('environment.update');
  });

  it('a revert is labelled with the entry it reverts', async () => {
    const change = await admin('PATCH', `${STAGING}/flags/timed`, { targeting: { if: [{ '==': [{ var: 'a' }, 1] }, 'on', null] } });
    expect(change.status).toBe(200);
    const entry = (await admin('GET', '/api/v1/projects/default/audit?flag=timed&limit=1')).body.entries[0];
    const revert = await admin('PATCH', `${STAGING}/flags/timed?revertOf=${entry.id}`, { targeting: null });
    expect(revert.status).toBe(200);
    expect((await admin('GET', '/api/v1/projects/default/audit?flag=timed&limit=1')).body.entries[0]).toMatchObject({ action: 'flag.configure', revertOf: entry.id });
    // an entry of another flag is not a revert of this one
    expect((await admin('PATCH', `${STAGING}/flags/owned-1?revertOf=${entry.id}`, { targeting: null })).body.error.code).toBe('VALIDATION_FAILED');
  });
});
