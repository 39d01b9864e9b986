// The release invariants, proven by a model-based test (issue 19): seeded random sequences of every write path run
// against the real worker in workerd (D1, KV, Durable Objects), with the clock moved, and against a small reference
// model (release-model.ts). After each command: what OFREP serves to a fixed set of users is what the model says and
// what the API's flag and release views say (I1); nothing answers 5xx and nothing stored is invalid (I2); a refused
// write wrote nothing. CURTAIN_MODEL_RUNS runs more sequences (default 25), CURTAIN_MODEL_SEED replays one.
import fc from 'fast-check';
import { env } from 'cloudflare:test';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { validateFlagSet } from '../../src/engine';
import { call, json } from '../helpers';
import { type Change, type Cfg, ENVS, type EnvKey, type MFlag, MIN, Model, type MRelease, refusal, type Rule, ruleJson, ruleOf, total, USERS } from './release-model';
import { requestCommands, requestArbitraries } from './release-model-requests';
import { modelRegressions } from './release-model-regressions';

const RUNS = Number(env.CURTAIN_MODEL_RUNS || 25);
const SEED = env.CURTAIN_MODEL_SEED ? Number(env.CURTAIN_MODEL_SEED) : 20261207;
const KEYS = ['a', 'b', 'c'];
const BOOL = { on: true, off: false };
const VARIANT_SETS: Record<string, Record<string, boolean | string>> = {
  bool: BOOL,
  boolMore: { on: true, off: false, maybe: false },
  boolRenamed: { yes: true, off: false },
  color: { red: 'red', blue: 'blue', green: 'green' },
  colorLess: { red: 'red', blue: 'blue' },
};
const STEPS = [
  [{ percent: 100, holdMinutes: 30 }],
  [{ percent: 25, holdMinutes: 30 }, { percent: 100, holdMinutes: 30 }],
  [{ percent: 10, holdMinutes: 20 }, { percent: 50, holdMinutes: 20 }, { percent: 100, holdMinutes: 20 }],
  [{ percent: 30, holdMinutes: 60 }],
];

/** The real side: one project per sequence, a server SDK key per environment, and what the run has seen. */
class Real {
  keys = {} as Record<EnvKey, string>;
  constructor(readonly project: string) {}
  path = (p: string) => `/api/v1/projects/${this.project}${p}`;
  env = (e: EnvKey, p = '') => this.path(`/environments/${e}${p}`);
  async admin(method: string, path: string, body?: unknown) {
    return this.as(null, method, path, body);
  }
  /** As one of the people (tokens) of the change-request commands; null: the bootstrap admin, who bypasses protection. */
  async as(who: Person | null, method: string, path: string, body?: unknown) {
    const res = await json(call(method, path, { ...(who ? { token: people[who] } : {}), ...(body === undefined ? {} : { body }) }));
    stats.requests++;
    if (res.status >= 500) throw new Violation(`5xx on ${method} ${path}: ${JSON.stringify(res.body)}`);
    return res;
  }
}

/** Editors and releasers (tokens), made once: production is protected, so their writes there are held for review. */
export type Person = 'alice' | 'bob' | 'rita' | 'ron';
const people = {} as Record<Person, string>;

class Violation extends Error {}
const stats = { sequences: 0, commands: 0, requests: 0, violations: 0, refusedChecked: 0, outcomes: new Map<string, number>() };
const count = (label: string) => stats.outcomes.set(label, (stats.outcomes.get(label) ?? 0) + 1);
let clockNow = Date.parse('2027-06-01T08:00:00Z');

/** The rows of one project, to prove a refused write wrote nothing. */
async function fingerprint(project: string) {
  const p = await env.DB.prepare('SELECT id FROM projects WHERE key = ?').bind(project).first<{ id: string }>();
  const q = (sql: string) => env.DB.prepare(sql).bind(p!.id).all();
  const parts = await Promise.all([
    q('SELECT * FROM flags WHERE project_id = ?1 ORDER BY id'),
    q('SELECT c.* FROM flag_configs c JOIN flags f ON f.id = c.flag_id WHERE f.project_id = ?1 ORDER BY c.flag_id, c.environment_id'),
    q('SELECT * FROM releases WHERE project_id = ?1 ORDER BY id'),
    q('SELECT s.* FROM flag_schedules s JOIN flags f ON f.id = s.flag_id WHERE f.project_id = ?1 ORDER BY s.id'),
    q('SELECT * FROM deployments WHERE project_id = ?1 ORDER BY id'),
    q('SELECT id FROM audit_log WHERE project_id = ?1 ORDER BY id'),
    q('SELECT id, version FROM environments WHERE project_id = ?1 ORDER BY id'),
  ]);
  return JSON.stringify(parts.map((x) => x.results));
}

/** Runs one write: checks the answer against the refusals the model expects (none: it must succeed). */
async function write(m: Model, r: Real, label: string, expected: string[], send: () => Promise<{ status: number; body: any }>) {
  // with nothing due that a write would record first (store/settle.ts), a refused write must leave every row as it was
  const quiet = m.unrecorded.size === 0;
  const before = quiet ? await fingerprint(r.project) : null;
  const res = await send();
  count(`${label} ${res.status < 300 ? 'ok' : res.body?.error?.code}`);
  if (expected.length === 0 && res.status >= 300) throw new Violation(`${label}: the model expects success, got ${res.status} ${JSON.stringify(res.body)}`);
  if (expected.length > 0) {
    if (res.status < 400) throw new Violation(`${label}: the model expects a refusal (${expected.join(' or ')}), got ${res.status}`);
    if (!expected.includes(res.body?.error?.code)) throw new Violation(`${label}: refused with ${res.body?.error?.code}, the model expects ${expected.join(' or ')}: ${res.body?.error?.message}`);
    if (before !== null) {
      stats.refusedChecked++;
      if ((await fingerprint(r.project)) !== before) throw new Violation(`${label}: refused, but rows changed`);
    }
  }
  return res;
}

// ---- the commands ----
type Cmd = fc.AsyncCommand<Model, Real, boolean> & { act: (m: Model, r: Real) => Promise<void> };
const cmd = (name: string, act: (m: Model, r: Real) => Promise<void>, check: (m: Model) => boolean = () => true): Cmd => ({
  check,
  act,
  run: async (m, r) => {
    stats.commands++;
    await act(m, r);
    await verify(m, r, name);
  },
  toString: () => name,
});

const envArb = fc.constantFrom<EnvKey>(...ENVS);
const keyArb = fc.constantFrom(...KEYS);
const variantOf = (f: { variants: Record<string, unknown> }, pick: number) => Object.keys(f.variants)[pick % Object.keys(f.variants).length];

const createFlag = ({ key, color }: { key: string; color: boolean }) =>
  cmd(`create ${key}${color ? ' (color)' : ''}`, async (m, r) => {
    const exists = m.flags.has(key);
    const variants = color ? VARIANT_SETS.color : BOOL;
    await write(m, r, 'create', refusal(exists && 'CONFLICT'), () => r.admin('POST', r.path('/flags'), { key, variants }));
    if (!exists) m.create(key, variants, color ? 'red' : 'on');
  });

const deleteFlag = ({ key, action }: { key: string; action?: string }) =>
  cmd(`delete ${key}${action ? ` ?releaseAction=${action}` : ''}`, async (m, r) => {
    const flag = m.flags.get(key)!;
    const owners = m.owners(flag.uid);
    const expected = refusal(owners.length > 0 && !action && 'RELEASE_OWNS_FLAG', m.drafts(flag.uid).length > 0 && 'CONFLICT');
    await write(m, r, 'delete', expected, () => r.admin('DELETE', r.path(`/flags/${key}${action ? `?releaseAction=${action}` : ''}`)));
    if (expected.length) return;
    for (const o of owners) m.end(o, action === 'kill' ? 'killed' : 'rolled_back');
    m.remove(flag);
  }, (m) => m.flags.has(key));

const archive = ({ key, on }: { key: string; on: boolean }) =>
  cmd(`${on ? 'archive' : 'unarchive'} ${key}`, async (m, r) => {
    const flag = m.flags.get(key)!;
    const expected = on && !flag.archived
      ? refusal(m.owners(flag.uid).length > 0 && 'RELEASE_OWNS_FLAG', m.pending(flag.uid).some((s) => 'state' in s.change && s.change.state === 'ENABLED') && 'CONFLICT', ENVS.some((e) => flag.cfg[e].state === 'ENABLED') && 'CONFLICT')
      : [];
    await write(m, r, 'archive', expected, () => r.admin('PATCH', r.path(`/flags/${key}`), { archived: on }));
    if (!expected.length) flag.archived = on;
  }, (m) => m.flags.has(key));

export type Patch = Partial<Cfg>;
/** A PATCH of a flag's config in one environment: the switch, the default, the rules, a promotion or a revert. */
function patchExpectation(m: Model, flag: ReturnType<Model['flags']['get']> & {}, e: EnvKey, patch: Patch, action?: string, force = false) {
  const cfg = flag.cfg[e];
  const switches = (patch.state !== undefined && patch.state !== cfg.state) || (patch.defaultVariant !== undefined && patch.defaultVariant !== cfg.defaultVariant);
  const owner = m.owner(flag.uid, e);
  const ownerBlocks = !!owner && (switches || (patch.rule !== undefined && total(patch.rule)));
  const switchesOn = patch.state === 'ENABLED' && cfg.state === 'DISABLED';
  const unknown = Model.named(patch).some((v) => !(v in flag.variants));
  return {
    owner: ownerBlocks ? owner : undefined,
    expected: refusal(patch.state === 'ENABLED' && flag.archived && 'CONFLICT', ownerBlocks && !action && 'RELEASE_OWNS_FLAG', switchesOn && m.dormant(e, flag.key) && !force && 'DORMANT_CODE', unknown && 'INVALID_DEFINITION'),
  };
}
async function sendPatch(m: Model, r: Real, label: string, key: string, e: EnvKey, patch: Patch, query: { action?: string; force?: boolean; revertOf?: number; as?: Person }) {
  const flag = m.flags.get(key)!;
  const { expected, owner } = patchExpectation(m, flag, e, patch, query.action, query.force);
  const qs = new URLSearchParams({ ...(query.action ? { releaseAction: query.action } : {}), ...(query.force ? { force: 'true' } : {}), ...(query.revertOf ? { revertOf: String(query.revertOf) } : {}) }).toString();
  const body = patchBody(patch);
  await write(m, r, label, expected, () => r.as(query.as ?? null, 'PATCH', r.env(e, `/flags/${key}${qs ? `?${qs}` : ''}`), body));
  if (!expected.length) patched(m, flag, e, patch, owner, query.action);
}
const patchBody = (patch: Patch) => ({ ...(patch.state !== undefined ? { state: patch.state } : {}), ...(patch.defaultVariant !== undefined ? { defaultVariant: patch.defaultVariant } : {}), ...(patch.rule !== undefined ? { targeting: ruleJson(patch.rule) } : {}) });
/** A config patch made, in the model (ending the owning release when it came with a release action). */
function patched(m: Model, flag: MFlag, e: EnvKey, patch: Patch, owner: MRelease | undefined, action?: string) {
  if (owner) m.end(owner, action === 'kill' ? 'killed' : 'rolled_back');
  Object.assign(flag.cfg[e], patch);
}

/** The config patch a command names: the switch, the default, or rules (for beta users; for everyone with `total-rule`). */
function patchOf(flag: MFlag, what: string, pick: number): Patch {
  const v = variantOf(flag, pick);
  return what === 'on' ? { state: 'ENABLED' } : what === 'off' ? { state: 'DISABLED' } : what === 'default' ? { defaultVariant: v } : what === 'rule' ? { rule: { beta: v } } : what === 'no-rule' ? { rule: {} } : { rule: { beta: v, rest: variantOf(flag, pick + 1) } };
}

const patchConfig = ({ key, e, what, pick, action, force }: { key: string; e: EnvKey; what: string; pick: number; action?: string; force: boolean }) =>
    cmd(`patch ${key} in ${e}: ${what}${action ? ` ?releaseAction=${action}` : ''}${force ? ' ?force' : ''}`, async (m, r) => {
      await sendPatch(m, r, 'patch', key, e, patchOf(m.flags.get(key)!, what, pick), { action, force });
    }, (m) => m.flags.has(key));

/** A write aimed at a flag a running release owns: what the release must protect, or what it may let through. */
const touchOwned = ({ pick, what, action, force, setName }: { pick: number; what: string; action?: string; force: boolean; setName: string }) =>
  cmd(`touch a flag a release owns (#${pick}): ${what}${action ? ` ?releaseAction=${action}` : ''}`, async (m, r) => {
    const owned = m.releases.filter((x) => m.owns(x)).flatMap((x) => x.flags.map((f) => ({ rel: x, f })));
    const { rel, f } = owned[pick % owned.length];
    const flag = m.flagByUid(f.uid)!;
    if (what === 'variants') return setVariants({ key: flag.key, set: setName }).act(m, r);
    if (what === 'archive') return archive({ key: flag.key, on: true }).act(m, r);
    if (what === 'delete') return deleteFlag({ key: flag.key, action }).act(m, r);
    if (what === 'schedule') return schedule({ key: flag.key, e: rel.env, what: 'off', pick, minutes: 5, force }).act(m, r);
    if (what === 'push') return push({ e: rel.env, key: flag.key, what: 'off', pick, action, force }).act(m, r);
    return patchConfig({ key: flag.key, e: rel.env, what, pick, action, force }).act(m, r);
  }, (m) => m.releases.some((x) => m.owns(x) && x.flags.some((f) => m.flagByUid(f.uid))));

const promote = ({ key, to, force }: { key: string; to: EnvKey; force: boolean }) =>
  cmd(`promote ${key} into ${to}`, async (m, r) => {
    const flag = m.flags.get(key)!;
    const from = flag.cfg[ENVS.find((x) => x !== to)!];
    await sendPatch(m, r, 'promote', key, to, { state: from.state, defaultVariant: from.defaultVariant, rule: { ...from.rule } }, { force });
  }, (m) => m.flags.has(key));

const revert = ({ key, e }: { key: string; e: EnvKey }) =>
  cmd(`revert the last change of ${key} in ${e}`, async (m, r) => {
    const entries = (await r.admin('GET', r.path(`/audit?flag=${key}&limit=50`))).body.entries as any[];
    const last = entries.find((x) => x.action === 'flag.configure' && x.resource.endsWith(`/environments/${e}/flags/${key}`) && x.before);
    if (!last) return;
    const b = last.before;
    await sendPatch(m, r, 'revert', key, e, { state: b.state, defaultVariant: b.defaultVariant, rule: ruleOf(b.targeting) }, { revertOf: last.id, force: true });
  }, (m) => m.flags.has(key));

const setVariants = ({ key, set }: { key: string; set: string }) =>
  cmd(`variants of ${key}: ${set}`, async (m, r) => {
    const flag = m.flags.get(key)!;
    const next = VARIANT_SETS[set];
    if (typeof Object.values(next)[0] !== typeof Object.values(flag.variants)[0]) return;
    const kept = (v: string) => v in next && next[v] === flag.variants[v];
    const uses = (x: MRelease) => x.flags.some((f) => f.uid === flag.uid && (!kept(f.inside) || !kept(f.outside)));
    const lacks = (names: string[]) => names.some((v) => !(v in next));
    const invalid = ENVS.some((e) => lacks(Model.named(flag.cfg[e]))) || m.pending(flag.uid).some((s) => lacks(Model.named(s.change)));
    const expected = refusal(m.owners(flag.uid).some(uses) && 'RELEASE_OWNS_FLAG', m.drafts(flag.uid).some(uses) && 'CONFLICT', invalid && 'INVALID_DEFINITION');
    await write(m, r, 'variants', expected, () => r.admin('PATCH', r.path(`/flags/${key}`), { variants: next }));
    if (!expected.length) flag.variants = next;
  }, (m) => m.flags.has(key));

const push = ({ e, key, what, pick, action, force }: { e: EnvKey; key: string; what: string; pick: number; action?: string; force: boolean }) =>
    cmd(`push to ${e}: ${key} ${what}${action ? ` ?releaseAction=${action}` : ''}${force ? ' ?force' : ''}`, async (m, r) => {
      const flag = m.flags.get(key)!;
      const file = (await r.admin('GET', r.env(e, '/flagd'))).body;
      const cfg = flag.cfg[e];
      const v = variantOf(flag, pick);
      const next: Cfg = { ...cfg, rule: { ...cfg.rule } };
      if (what === 'on') next.state = 'ENABLED';
      else if (what === 'off') next.state = 'DISABLED';
      else if (what === 'default') next.defaultVariant = v;
      else next.rule = what === 'rule' ? { beta: v } : { beta: v, rest: variantOf(flag, pick + 1) };
      const def = file.flags[key];
      def.state = next.state;
      def.defaultVariant = next.defaultVariant;
      const t = ruleJson(next.rule);
      if (t === null) delete def.targeting;
      else def.targeting = t;
      const owner = m.owner(flag.uid, e);
      const switches = next.state !== cfg.state || next.defaultVariant !== cfg.defaultVariant;
      const refusedByOwner = !!owner && (switches || (JSON.stringify(ruleJson(next.rule)) !== JSON.stringify(ruleJson(cfg.rule)) && total(next.rule)));
      const switchesOn = next.state === 'ENABLED' && cfg.state === 'DISABLED';
      const expected = refusal(refusedByOwner && !action && 'RELEASE_OWNS_FLAG', switchesOn && flag.archived && 'CONFLICT', switchesOn && m.dormant(e, key) && !force && 'DORMANT_CODE');
      const qs = new URLSearchParams({ ...(action ? { releaseAction: action } : {}), ...(force ? { force: 'true' } : {}) }).toString();
      await write(m, r, 'push', expected, () => r.admin('PUT', r.env(e, `/flagd${qs ? `?${qs}` : ''}`), file));
      if (expected.length) return;
      if (refusedByOwner) m.end(owner!, action === 'kill' ? 'killed' : 'rolled_back');
      flag.cfg[e] = next;
    }, (m) => m.flags.has(key));

/** A scheduled change as the model writes it, its body, and the refusals the model expects for it now. */
function scheduled(m: Model, key: string, e: EnvKey, what: string, pick: number, minutes: number, force: boolean) {
  const flag = m.flags.get(key)!;
  const v = variantOf(flag, pick);
  const change: Change = what === 'on' ? { state: 'ENABLED' } : what === 'off' ? { state: 'DISABLED' } : what === 'default' ? { defaultVariant: v } : what === 'rule' ? { targeting: { beta: v } } : what === 'no-rule' ? { targeting: {} } : { split: v };
  const at = m.now + minutes * MIN;
  const body: Record<string, unknown> = { at: new Date(at).toISOString() };
  if ('state' in change) body.state = change.state;
  if ('defaultVariant' in change) body.defaultVariant = change.defaultVariant;
  if ('targeting' in change) body.targeting = ruleJson(change.targeting);
  if ('split' in change) body.split = [[change.split, 1]];
  return { flag, change, body, at, expected: scheduleRefusals(m, flag, e, change, at, force) };
}
function scheduleRefusals(m: Model, flag: MFlag, e: EnvKey, change: Change, at: number, force: boolean) {
  const on = 'state' in change && change.state === 'ENABLED';
  return refusal(!(at > m.now) && 'VALIDATION_FAILED', on && flag.archived && 'CONFLICT', !!m.owner(flag.uid, e) && Model.owned(change) && 'RELEASE_OWNS_FLAG', on && m.dormant(e, flag.key) && !force && 'DORMANT_CODE');
}

const schedule = ({ key, e, what, pick, minutes, force }: { key: string; e: EnvKey; what: string; pick: number; minutes: number; force: boolean }) =>
    cmd(`schedule ${what} of ${key} in ${e} in ${minutes} min`, async (m, r) => {
      const { flag, change, body, at, expected } = scheduled(m, key, e, what, pick, minutes, force);
      const res = await write(m, r, 'schedule', expected, () => r.admin('POST', r.env(e, `/flags/${key}/schedule${force ? '?force=true' : ''}`), body));
      if (!expected.length) m.schedules.push({ id: res.body.id, uid: flag.uid, env: e, at, change });
    }, (m) => m.flags.has(key));

const cancel = ({ pick }: { pick: number }) =>
  cmd(`cancel scheduled change #${pick}`, async (m, r) => {
    const s = m.schedules[pick % m.schedules.length];
    const flag = m.flagByUid(s.uid)!;
    await write(m, r, 'cancel', [], () => r.admin('DELETE', r.env(s.env, `/flags/${flag.key}/schedule/${s.id}`)));
    m.schedules = m.schedules.filter((x) => x !== s);
  }, (m) => m.schedules.some((s) => s.at > m.now));

const deploy = ({ e, keys }: { e: EnvKey; keys: string[] }) =>
  cmd(`deployment in ${e} using ${keys.join(', ') || 'no flag'}`, async (m, r) => {
    await write(m, r, 'deploy', [], () => r.admin('POST', r.env(e, '/deployments'), { version: `v${stats.commands}`, flags: keys }));
    for (const k of keys) if (!m.flags.has(k)) m.create(k, BOOL, 'on');
    m.deployed[e] = new Set([...(m.deployed[e] ?? []), ...keys]);
  });

const createRelease = ({ n, e, keys, steps, startIn, start }: { n: number; e: EnvKey; keys: string[]; steps: number; startIn: number; start?: boolean }) =>
    cmd(`create release r${n} in ${e} of ${keys.join(', ')}${startIn ? ` starting in ${startIn} min` : ''}${start ? ', and start it' : ''}`, async (m, r) => {
      const key = `r${n}`;
      const flags = keys.map((k) => m.flags.get(k)!);
      const sides = flags.map((f) => {
        const byValue = (v: unknown) => Object.keys(f.variants).find((x) => f.variants[x] === v);
        return typeof Object.values(f.variants)[0] === 'boolean' ? { inside: byValue(true), outside: byValue(false) } : { inside: 'blue', outside: 'red' };
      });
      const exists = m.releases.some((x) => x.env === e && x.key === key);
      const expected = refusal(exists && 'CONFLICT');
      const variants = Object.fromEntries(flags.map((f, i) => [f.key, sides[i]]).filter(([, s]) => typeof (s as any).inside === 'string'));
      const startAt = startIn ? m.now + startIn * MIN : null;
      await write(m, r, 'release create', expected, () =>
        r.admin('POST', r.env(e, '/releases'), { key, name: key, flags: keys, plan: { steps: STEPS[steps] }, variants, ...(startAt ? { startAt: new Date(startAt).toISOString() } : {}) }),
      );
      if (expected.length) return;
      const row = await env.DB.prepare('SELECT r.salt FROM releases r JOIN environments e ON e.id = r.environment_id JOIN projects p ON p.id = e.project_id WHERE p.key = ? AND e.key = ? AND r.key = ?').bind(r.project, e, key).first<{ salt: string }>();
      m.addRelease({ key, env: e, salt: row!.salt, flags: flags.map((f, i) => ({ key: f.key, uid: f.uid, inside: sides[i].inside!, outside: sides[i].outside! })), steps: STEPS[steps], state: 'draft', killed: false, startAt, anchor: null, pausedAt: null });
      if (start) await startIt(m, r, m.releases[m.releases.length - 1], true, false);
    }, (m) => keys.every((k) => m.flags.has(k)));

const releaseAction = ({ n, action, force, ack, steps }: { n: number; action: string; force: boolean; ack: boolean; steps: number }) =>
    cmd(`release #${n}: ${action}${force ? ' ?force' : ''}${ack ? ' ?acknowledgeLoss' : ''}`, async (m, r) => {
      // the newest releases first: they are the ones still running
      const rel = m.releases[m.releases.length - 1 - (n % m.releases.length)];
      const s = m.current(rel);
      const base = r.env(rel.env, `/releases/${rel.key}`);
      const qs = new URLSearchParams({ ...(force ? { force: 'true' } : {}), ...(ack ? { acknowledgeLoss: 'true' } : {}) }).toString();
      const post = (a: string) => () => r.admin('POST', `${base}/${a}${qs ? `?${qs}` : ''}`);
      if (action === 'edit' || action === 'delete') {
        const expected = refusal(s !== 'draft' && s !== 'scheduled' && 'INVALID_STATE');
        await write(m, r, `release ${action}`, expected, () => (action === 'edit' ? r.admin('PATCH', base, { plan: { steps: STEPS[steps] } }) : r.admin('DELETE', base)));
        if (expected.length) return;
        if (action === 'edit') rel.steps = STEPS[steps];
        else m.releases = m.releases.filter((x) => x !== rel);
        return;
      }
      if (action === 'start') return startIt(m, r, rel, force, ack);
      if (action === 'pause' || action === 'resume') {
        const expected = action === 'pause' ? refusal(s !== 'rolling_out' && 'INVALID_STATE') : refusal(s !== 'paused' && 'INVALID_STATE', s === 'paused' && !force && rel.flags.some((f) => m.dormant(rel.env, f.key)) && 'DORMANT_CODE');
        await write(m, r, action, expected, post(action));
        if (expected.length) return;
        if (action === 'pause') {
          rel.state = 'paused';
          rel.pausedAt = m.now;
        } else {
          rel.anchor = rel.anchor! + (m.now - rel.pausedAt!);
          rel.pausedAt = null;
          rel.state = 'rolling_out';
        }
        return;
      }
      const expected = action === 'rollback' ? refusal((s === 'draft' || s === 'rolled_back') && 'INVALID_STATE') : refusal(s === 'draft' && 'INVALID_STATE');
      await write(m, r, action, expected, post(action));
      if (expected.length || (action === 'kill' && rel.killed)) return;
      m.end(rel, action === 'kill' ? 'killed' : 'rolled_back');
    }, (m) => m.releases.length > 0);

async function startIt(m: Model, r: Real, rel: MRelease, force: boolean, ack: boolean) {
  const expected = startRefusals(m, rel, force, ack);
  const qs = new URLSearchParams({ ...(force ? { force: 'true' } : {}), ...(ack ? { acknowledgeLoss: 'true' } : {}) }).toString();
  await write(m, r, 'start', expected, () => r.admin('POST', r.env(rel.env, `/releases/${rel.key}/start${qs ? `?${qs}` : ''}`)));
  if (!expected.length) started(m, rel);
}

/** A release started now, in the model. */
function started(m: Model, rel: MRelease) {
  rel.anchor = rel.startAt !== null && rel.startAt > m.now ? rel.startAt : m.now;
  rel.state = rel.anchor > m.now ? 'scheduled' : 'rolling_out';
  for (const f of rel.flags) m.flagByUid(f.uid)!.cfg[rel.env].state = 'ENABLED';
}

/** Why starting `rel` must be refused now, in the model's words (none: it starts). */
function startRefusals(m: Model, rel: MRelease, force: boolean, ack: boolean): string[] {
  if (m.current(rel) !== 'draft') return ['INVALID_STATE'];
  const codes: (string | false)[] = [!force && rel.flags.some((f) => m.dormant(rel.env, f.key)) && 'DORMANT_CODE'];
  const anchor = rel.startAt !== null && rel.startAt > m.now ? rel.startAt : m.now;
  const first = anchor > m.now ? 0 : rel.steps[0].percent;
  for (const f of rel.flags) {
    const flag = m.flagByUid(f.uid)!;
    const cfg = flag.cfg[rel.env];
    codes.push(flag.archived && 'CONFLICT', !!m.owner(f.uid, rel.env) && 'RELEASE_OWNS_FLAG', m.pending(f.uid, rel.env).some((s) => Model.owned(s.change)) && 'CONFLICT', total(cfg.rule) && 'CONFLICT');
    const servesInside = cfg.state === 'ENABLED' && cfg.defaultVariant !== null && flag.variants[cfg.defaultVariant] === flag.variants[f.inside];
    codes.push(!ack && servesInside && first < 100 && 'TAKES_FEATURE_AWAY');
  }
  return refusal(...codes);
}

const advance = ({ minutes, record }: { minutes: number; record: boolean }) =>
  cmd(`${minutes} minutes pass${record ? ', and the release clocks record what happened' : ''}`, async (m, r) => {
    const touched = m.advance(minutes * MIN);
    clockNow = m.now;
    vi.setSystemTime(new Date(clockNow));
    for (const e of touched) m.unrecorded.add(e);
    if (record) for (const e of ENVS) await wake(m, r, e);
  });

const runClock = ({ e }: { e: EnvKey }) =>
  cmd(`the release clock of ${e} records what is due`, async (m, r) => wake(m, r, e));

async function wake(m: Model, r: Real, e: EnvKey) {
  const id = (await r.admin('GET', r.env(e))).body.id as string;
  await env.RELEASE_CLOCKS.get(env.RELEASE_CLOCKS.idFromName(id)).wake(id);
  m.unrecorded.delete(e);
}

// change requests (release-model-requests.ts): the same writes, held in production for review, then applied
const requests = requestCommands({ cmd, write, patchOf, patchBody, patchExpectation, patched, sendPatch, scheduled, scheduleRefusals, startRefusals, started, variantOf });

export const builders = { touchOwned, createFlag, deleteFlag, archive, patchConfig, promote, revert, setVariants, push, schedule, cancel, deploy, createRelease, releaseAction, advance, runClock, ...requests };
export type Builders = typeof builders;

const opt = <T,>(...v: T[]) => fc.constantFrom(...v);
const commands = [
  fc.record({ key: keyArb, color: fc.boolean() }).map(createFlag),
  fc.record({ key: keyArb, action: opt<string | undefined>(undefined, 'kill', 'rollback') }).map(deleteFlag),
  fc.record({ key: keyArb, on: fc.boolean() }).map(archive),
  ...[1, 2].map(() => fc.record({ key: keyArb, e: envArb, what: opt('on', 'off', 'default', 'rule', 'no-rule', 'total-rule'), pick: fc.nat(5), action: opt<string | undefined>(undefined, undefined, 'kill', 'rollback'), force: fc.boolean() }).map(patchConfig)),
  fc.record({ key: keyArb, to: envArb, force: fc.boolean() }).map(promote),
  ...[1, 2, 3, 4].map(() => fc.record({ pick: fc.nat(5), what: opt('on', 'off', 'default', 'rule', 'total-rule', 'variants', 'archive', 'delete', 'schedule', 'push'), action: opt<string | undefined>(undefined, undefined, 'kill', 'rollback'), force: fc.boolean(), setName: opt(...Object.keys(VARIANT_SETS)) }).map(touchOwned)),
  fc.record({ key: keyArb, e: envArb }).map(revert),
  fc.record({ key: keyArb, set: opt(...Object.keys(VARIANT_SETS)) }).map(setVariants),
  fc.record({ e: envArb, key: keyArb, what: opt('on', 'off', 'default', 'rule', 'total-rule'), pick: fc.nat(5), action: opt<string | undefined>(undefined, undefined, 'rollback', 'kill'), force: fc.boolean() }).map(push),
  fc.record({ key: keyArb, e: envArb, what: opt('on', 'off', 'default', 'rule', 'no-rule', 'split'), pick: fc.nat(5), minutes: fc.integer({ min: 1, max: 90 }), force: fc.boolean() }).map(schedule),
  fc.record({ pick: fc.nat(20) }).map(cancel),
  fc.record({ e: envArb, keys: fc.subarray(KEYS) }).map(deploy),
  ...[1, 2].map(() => fc.record({ n: fc.integer({ min: 1, max: 3 }), e: envArb, keys: fc.subarray(KEYS, { minLength: 1, maxLength: 2 }), steps: fc.nat(STEPS.length - 1), startIn: opt(0, 0, 15), start: fc.boolean() }).map(createRelease)),
  ...[1, 2, 3, 4].map(() => fc.record({ n: fc.nat(2), action: opt('start', 'start', 'pause', 'resume', 'rollback', 'kill', 'edit', 'delete'), force: fc.boolean(), ack: fc.boolean(), steps: fc.nat(STEPS.length - 1) }).map(releaseAction)),
  ...[1, 2].map(() => fc.record({ minutes: fc.integer({ min: 1, max: 120 }), record: fc.boolean() }).map(advance)),
  fc.record({ e: envArb }).map(runClock),
  // requests expire after a week: once in a while, a week passes
  fc.record({ minutes: fc.constant(8 * 24 * 60), record: fc.boolean() }).map(advance),
  ...requestArbitraries(requests, keyArb),
];

// ---- the invariants ----
const asVariant = (flag: { variants: Record<string, unknown> }, served: string | null | 'DISABLED') =>
  served === 'DISABLED' ? { reason: 'DISABLED' } : served === null ? { value: undefined } : { variant: served, value: flag.variants[served] };

async function verify(m: Model, r: Real, after: string) {
  const fail = (what: string) => {
    throw new Violation(`after "${after}": ${what}`);
  };
  // I1: what the edge serves is what the model says
  for (const e of ENVS) {
    for (const user of USERS) {
      const res = await json(call('POST', '/ofrep/v1/evaluate/flags', { token: r.keys[e], body: { context: user } }));
      if (res.status !== 200) fail(`bulk OFREP in ${e} answered ${res.status}`);
      const got = new Map((res.body.flags as any[]).map((f) => [f.key, f]));
      if (got.size !== m.flags.size) fail(`OFREP in ${e} serves ${[...got.keys()].join(',')}, the model has ${[...m.flags.keys()].join(',')}`);
      for (const flag of m.flags.values()) {
        const want = asVariant(flag, m.serve(flag, e, user));
        const g = got.get(flag.key);
        const same = 'reason' in want ? g?.reason === 'DISABLED' && g.value === undefined : g?.variant === (want as any).variant && g?.value === want.value;
        if (!same) fail(`${flag.key} in ${e} for ${user.targetingKey} (${user.plan}): OFREP ${JSON.stringify(g)}, the model ${JSON.stringify(want)}`);
      }
    }
  }
  // I1: what the API says is what the edge serves (its flag views and release statuses)
  const flags = (await r.admin('GET', r.path('/flags'))).body.flags as any[];
  for (const view of flags) {
    const flag = m.flags.get(view.key);
    if (!flag) fail(`the API lists ${view.key}, which the model does not have`);
    if (view.archived !== flag!.archived || JSON.stringify(view.variants) !== JSON.stringify(flag!.variants)) fail(`${view.key}: archived/variants differ`);
    for (const e of ENVS) {
      const v = view.environments[e];
      const cfg = flag!.cfg[e];
      if (v.state !== cfg.state || v.defaultVariant !== cfg.defaultVariant || JSON.stringify(v.targeting) !== JSON.stringify(ruleJson(cfg.rule))) fail(`${view.key} in ${e}: the API says ${JSON.stringify([v.state, v.defaultVariant, v.targeting])}, the model ${JSON.stringify([cfg.state, cfg.defaultVariant, ruleJson(cfg.rule)])}`);
      if (v.warnings.length) fail(`${view.key} in ${e} has warnings: ${JSON.stringify(v.warnings)}`);
      if ((v.schedule ?? []).length !== m.pending(flag!.uid, e).length) fail(`${view.key} in ${e}: ${(v.schedule ?? []).length} pending changes, the model ${m.pending(flag!.uid, e).length}`);
      const latest = m.latest(flag!.uid, e);
      const owner = m.owner(flag!.uid, e);
      if ((v.release?.key ?? null) !== (latest?.key ?? null) || (v.release?.owns ?? false) !== !!owner) fail(`${view.key} in ${e}: the API's release ${JSON.stringify(v.release)}, the model's ${latest?.key} (owns: ${!!owner})`);
    }
  }
  if (flags.length !== m.flags.size) fail('the API lists fewer flags than the model');
  for (const e of ENVS) {
    const list = (await r.admin('GET', r.env(e, '/releases'))).body.releases as any[];
    for (const rel of m.releases.filter((x) => x.env === e)) {
      const v = list.find((x) => x.key === rel.key);
      if (!v) fail(`release ${rel.key} in ${e} missing`);
      const state = m.current(rel);
      if (v.state !== state || v.killed !== rel.killed) fail(`release ${rel.key} in ${e}: the API says ${v.state}${v.killed ? ' (killed)' : ''}, the model ${state}${rel.killed ? ' (killed)' : ''}`);
      if (Math.round(v.status.percent * 100) !== m.basisPoints(rel)) fail(`release ${rel.key} in ${e}: the API says ${v.status.percent} %, the model ${m.basisPoints(rel) / 100} %`);
    }
    // I2: nothing stored is invalid: each environment as a file passes Curtain's strict checks
    const file = (await r.admin('GET', r.env(e, '/flagd'))).body;
    const checked = validateFlagSet(file);
    if (!checked.ok) fail(`the ${e} file is not valid: ${JSON.stringify(checked.issues.slice(0, 2))}`);
  }
}

// ---- the run ----
let projects = 0;
async function setup(): Promise<{ model: Model; real: Real }> {
  const real = new Real(`m${++projects}`);
  clockNow += 7 * 24 * 60 * MIN;
  vi.setSystemTime(new Date(clockNow));
  expect((await real.admin('POST', '/api/v1/projects', { key: real.project, name: `Model ${projects}` })).status).toBe(201);
  for (const e of ENVS) real.keys[e] = (await real.admin('POST', real.env(e, '/sdk-keys'), { name: 'model', kind: 'server' })).body.secret;
  // two flags to start from (a boolean, a string); the sequences create, delete and create again
  const model = new Model(clockNow);
  for (const [key, variants, dv] of [['a', BOOL, 'on'], ['c', VARIANT_SETS.color, 'red']] as const) {
    expect((await real.admin('POST', real.path('/flags'), { key, variants })).status).toBe(201);
    model.create(key, variants, dv);
  }
  return { model, real };
}

describe('the release invariants, model-based', () => {
  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date(clockNow));
    expect((await json(call('POST', '/api/v1/bootstrap', { body: {} }))).status).toBe(200);
    for (const [name, role] of [['alice', 'editor'], ['bob', 'editor'], ['rita', 'releaser'], ['ron', 'releaser']] as const) {
      people[name] = (await json(call('POST', '/api/v1/admin-tokens', { body: { name, role } }))).body.secret;
    }
  });
  afterAll(() => vi.useRealTimers());

  it.each(modelRegressions.map((r) => [r.name, r.commands] as const))('keeps the counterexample: %s', async (_name, commands) => {
    const s = await setup();
    await fc.asyncModelRun(() => s, commands(builders));
  });

  it(`${RUNS} random sequences of every write path keep every invariant`, { timeout: 15 * 60_000 }, async (ctx) => {
    try {
      await fc.assert(
        fc.asyncProperty(fc.commands(commands, { maxCommands: 60, size: 'max' }), async (cmds) => {
          stats.sequences++;
          const s = await setup();
          await fc.asyncModelRun(() => s, cmds);
        }),
        { numRuns: RUNS, seed: SEED, verbose: 1 },
      );
    } catch (err) {
      stats.violations++;
      throw err;
    } finally {
      ctx.task.meta.reliability = { kind: 'model', sequences: stats.sequences, commands: stats.commands, violations: stats.violations, refusals: stats.refusedChecked };
      if (env.CURTAIN_MODEL_SEED || RUNS > 25) console.log([...stats.outcomes].sort().map(([k, n]) => `${k}: ${n}`).join('\n'));
      console.log(`release model: ${stats.sequences} sequences, ${stats.commands} commands, ${stats.requests} requests, ${stats.refusedChecked} refusals checked for writes, ${stats.violations} invariant violations`);
    }
  });
});
