// The model-based test's change-request commands (issue 20): production is protected, so an editor's config patch and
// a releaser's scheduled change or release start there are held (202) and change nothing users get until another person
// approves and someone applies them; an edit voids approvals; the author never approves; a target that changed since
// the request makes the apply refuse with CHANGE_REQUEST_STALE; requests expire. Applying is checked against the same
// refusals and the same model change as the direct write at that moment, so every invariant of release-model.test.ts holds.
import fc from 'fast-check';
import type { Change, EnvKey, MFlag, MRelease, Model } from './release-model';
import { refusal, ruleJson } from './release-model';
import type { Patch, Person } from './release-model.test';

const PROD: EnvKey = 'production';
const WEEK = 7 * 24 * 60 * 60_000;

interface MRequest {
  id: string;
  kind: 'patch' | 'schedule' | 'start';
  author: Person;
  key: string;
  patch?: Patch;
  change?: Change;
  at?: number;
  release?: MRelease;
  force: boolean;
  base: string;
  approvals: Set<Person>;
  state: 'open' | 'applied' | 'rejected';
  expiresAt: number;
}

type Any = any;
/** What the test file lends: its command maker, write check, and the direct writes' expectations and model changes. */
export interface Kit {
  cmd: (name: string, act: (m: Model, r: Any) => Promise<void>, check?: (m: Model) => boolean) => Any;
  write: (m: Model, r: Any, label: string, expected: string[], send: () => Promise<{ status: number; body: any }>) => Promise<{ status: number; body: any }>;
  patchOf: (flag: MFlag, what: string, pick: number) => Patch;
  patchBody: (patch: Patch) => Record<string, unknown>;
  patchExpectation: (m: Model, flag: MFlag, e: EnvKey, patch: Patch, action?: string, force?: boolean) => { expected: string[]; owner?: MRelease };
  patched: (m: Model, flag: MFlag, e: EnvKey, patch: Patch, owner: MRelease | undefined, action?: string) => void;
  sendPatch: (m: Model, r: Any, label: string, key: string, e: EnvKey, patch: Patch, query: { force?: boolean; as?: Person }) => Promise<void>;
  scheduled: (m: Model, key: string, e: EnvKey, what: string, pick: number, minutes: number, force: boolean) => { flag: MFlag; change: Change; body: Record<string, unknown>; at: number; expected: string[] };
  scheduleRefusals: (m: Model, flag: MFlag, e: EnvKey, change: Change, at: number, force: boolean) => string[];
  startRefusals: (m: Model, rel: MRelease, force: boolean, ack: boolean) => string[];
  started: (m: Model, rel: MRelease) => void;
  variantOf: (f: { variants: Record<string, unknown> }, pick: number) => string;
}

const all = new WeakMap<Model, MRequest[]>();
const requestsOf = (m: Model) => all.get(m) ?? (all.set(m, []), all.get(m)!);

/** What a held write was made from, in the model's terms (the worker's base: the flag's definition and production config, or the release and its flags'). */
function flagBase(m: Model, key: string): unknown {
  const f = m.flags.get(key);
  return f ? { uid: f.uid, variants: f.variants, archived: f.archived, state: f.cfg[PROD].state, dv: f.cfg[PROD].defaultVariant, rule: ruleJson(f.cfg[PROD].rule), schedule: m.pending(f.uid, PROD).map((s) => s.id) } : null;
}
function baseOf(m: Model, q: Pick<MRequest, 'kind' | 'key' | 'release'>): string {
  if (q.kind !== 'start') return JSON.stringify(flagBase(m, q.key));
  const rel = q.release!;
  const gone = !m.releases.includes(rel);
  return JSON.stringify(gone ? null : { steps: rel.steps, startAt: rel.startAt, state: m.current(rel), killed: rel.killed, pausedAt: rel.pausedAt, flags: rel.flags.map((f) => flagBase(m, f.key)) });
}
function stateOf(m: Model, q: MRequest) {
  if (q.state !== 'open') return q.state;
  if (m.now >= q.expiresAt) return 'expired';
  return q.approvals.size >= 1 ? 'approved' : 'open';
}
/** Who may review it: the held write's own permission (flags for a patch; releases for a schedule or a start). */
const mayReview = (q: MRequest, who: Person) => q.kind === 'patch' || who === 'rita' || who === 'ron';

export function requestCommands(k: Kit) {
  const { cmd, write } = k;
  const pickRequest = (m: Model, pick: number) => requestsOf(m)[pick % requestsOf(m).length];
  const base = (r: Any) => `/api/v1/projects/${r.project}/change-requests`;

  const held = async (m: Model, r: Any, label: string, q: Omit<MRequest, 'id' | 'base' | 'approvals' | 'state'>, send: () => Promise<{ status: number; body: any }>) => {
    const res = await write(m, r, label, [], send);
    if (res.status !== 202) throw new Error(`${label}: production is protected, so the model expects 202, got ${res.status}`);
    requestsOf(m).push({ ...q, id: res.body.changeRequest.id, base: baseOf(m, q), approvals: new Set(), state: 'open' });
  };

  const openPatch = ({ key, what, pick, force }: { key: string; what: string; pick: number; force: boolean }) =>
    cmd(`alice (editor) asks to patch ${key} in production: ${what}`, async (m, r) => {
      const patch = k.patchOf(m.flags.get(key)!, what, pick);
      await held(m, r, 'request patch', { kind: 'patch', author: 'alice', key, patch, force, expiresAt: m.now + WEEK }, () => r.as('alice', 'PATCH', r.env(PROD, `/flags/${key}${force ? '?force=true' : ''}`), k.patchBody(patch)));
    }, (m) => m.flags.has(key));

  const openSchedule = ({ key, what, pick, minutes, force }: { key: string; what: string; pick: number; minutes: number; force: boolean }) =>
    cmd(`rita (releaser) asks to schedule ${what} of ${key} in production in ${minutes} min`, async (m, r) => {
      const { change, body, at } = k.scheduled(m, key, PROD, what, pick, minutes, force);
      await held(m, r, 'request schedule', { kind: 'schedule', author: 'rita', key, change, at, force, expiresAt: Math.min(m.now + WEEK, at) }, () => r.as('rita', 'POST', r.env(PROD, `/flags/${key}/schedule${force ? '?force=true' : ''}`), body));
    }, (m) => m.flags.has(key));

  const openStart = ({ n, force }: { n: number; force: boolean }) =>
    cmd(`rita (releaser) asks to start production draft #${n}`, async (m, r) => {
      const drafts = m.releases.filter((x) => x.env === PROD && x.state === 'draft');
      const rel = drafts[n % drafts.length];
      const ahead = rel.startAt !== null && rel.startAt > m.now ? rel.startAt : Infinity;
      await held(m, r, 'request start', { kind: 'start', author: 'rita', key: rel.key, release: rel, force, expiresAt: Math.min(m.now + WEEK, ahead) }, () => r.as('rita', 'POST', r.env(PROD, `/releases/${rel.key}/start${force ? '?force=true&acknowledgeLoss=true' : '?acknowledgeLoss=true'}`)));
    }, (m) => m.releases.some((x) => x.env === PROD && x.state === 'draft'));

  const review = ({ pick, who, verdict }: { pick: number; who: Person; verdict: 'approve' | 'reject' }) =>
    cmd(`${who} ${verdict}s request #${pick}`, async (m, r) => {
      const q = pickRequest(m, pick);
      const s = stateOf(m, q);
      const withdraws = verdict === 'reject' && who === q.author;
      const open = s === 'open' || s === 'approved';
      // the route's order: who may review, then where the request stands, then the author's own approval
      const expected = withdraws ? refusal(!open && 'INVALID_STATE') : refusal(!mayReview(q, who) ? 'FORBIDDEN' : !open ? 'INVALID_STATE' : verdict === 'approve' && who === q.author && 'FORBIDDEN');
      await write(m, r, `request ${verdict}`, expected, () => r.as(who, 'POST', `${base(r)}/${q.id}/${verdict}`, {}));
      if (expected.length) return;
      if (verdict === 'approve') q.approvals.add(who);
      else q.state = 'rejected';
    }, (m) => requestsOf(m).length > 0);

  const edit = ({ pick, what, p }: { pick: number; what: string; p: number }) =>
    cmd(`alice edits request #${pick}: ${what}`, async (m, r) => {
      const q = requestsOf(m).filter((x) => x.kind === 'patch')[pick % requestsOf(m).filter((x) => x.kind === 'patch').length];
      const flag = m.flags.get(q.key);
      const patch = flag ? k.patchOf(flag, what, p) : { state: 'ENABLED' as const };
      const s = stateOf(m, q);
      const expected = refusal(s !== 'open' && s !== 'approved' && 'INVALID_STATE');
      const res = await write(m, r, 'request edit', expected, () => r.as('alice', 'PATCH', `${base(r)}/${q.id}`, { body: k.patchBody(patch) }));
      if (expected.length) return;
      if (res.body.changeRequest.approvals.length !== 0) throw new Error('an edited request kept its approvals');
      Object.assign(q, { patch, approvals: new Set(), base: baseOf(m, q), expiresAt: m.now + WEEK });
    }, (m) => requestsOf(m).some((x) => x.kind === 'patch'));

  const apply = ({ pick }: { pick: number }) =>
    cmd(`the author applies request #${pick}`, async (m, r) => {
      const q = pickRequest(m, pick);
      const s = stateOf(m, q);
      const stale = baseOf(m, q) !== q.base;
      let expected = refusal(s !== 'approved' && 'INVALID_STATE', s === 'approved' && stale && 'CHANGE_REQUEST_STALE');
      let then = () => {};
      if (!expected.length) {
        // as the direct write would be answered now
        if (q.kind === 'patch') {
          const flag = m.flags.get(q.key)!;
          const { expected: e, owner } = k.patchExpectation(m, flag, PROD, q.patch!, undefined, q.force);
          expected = e;
          then = () => k.patched(m, flag, PROD, q.patch!, owner);
        } else if (q.kind === 'schedule') {
          const flag = m.flags.get(q.key)!;
          expected = k.scheduleRefusals(m, flag, PROD, q.change!, q.at!, q.force);
          then = () => m.schedules.push({ id: res!.body.result.id, uid: flag.uid, env: PROD, at: q.at!, change: q.change! });
        } else {
          expected = k.startRefusals(m, q.release!, q.force, true);
          then = () => k.started(m, q.release!);
        }
      }
      let res: { status: number; body: any } | undefined;
      res = await write(m, r, `apply ${q.kind}`, expected, () => r.as(q.author, 'POST', `${base(r)}/${q.id}/apply`));
      if (expected.length) return;
      then();
      q.state = 'applied';
    }, (m) => requestsOf(m).length > 0);

  const safetyOff = ({ key }: { key: string }) =>
    cmd(`rita (releaser) switches ${key} off in production: a safety action, never held`, async (m, r) => k.sendPatch(m, r, 'safety off', key, PROD, { state: 'DISABLED' }, { as: 'rita' }), (m) => m.flags.has(key));

  return { openPatch, openSchedule, openStart, review, edit, apply, safetyOff };
}

export function requestArbitraries(b: ReturnType<typeof requestCommands>, keyArb: fc.Arbitrary<string>) {
  const who = fc.constantFrom<Person>('alice', 'bob', 'rita', 'ron');
  return [
    ...[1, 2].map(() => fc.record({ key: keyArb, what: fc.constantFrom('on', 'off', 'default', 'rule', 'no-rule', 'total-rule'), pick: fc.nat(5), force: fc.boolean() }).map(b.openPatch)),
    fc.record({ key: keyArb, what: fc.constantFrom('on', 'off', 'default', 'rule', 'split'), pick: fc.nat(5), minutes: fc.integer({ min: 5, max: 90 }), force: fc.boolean() }).map(b.openSchedule),
    fc.record({ n: fc.nat(3), force: fc.boolean() }).map(b.openStart),
    ...[1, 2, 3].map(() => fc.record({ pick: fc.nat(10), who, verdict: fc.constantFrom<'approve' | 'reject'>('approve', 'approve', 'approve', 'reject') }).map(b.review)),
    fc.record({ pick: fc.nat(10), what: fc.constantFrom('on', 'off', 'default', 'rule'), p: fc.nat(5) }).map(b.edit),
    ...[1, 2].map(() => fc.record({ pick: fc.nat(10) }).map(b.apply)),
    fc.record({ key: keyArb }).map(b.safetyOff),
  ];
}
