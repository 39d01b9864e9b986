// The reference model of the model-based test (release-model.test.ts): flags, releases, scheduled changes and
// deployments of one project in two environments, written from the rules in docs/releases.md, not from the worker's
// code. For each write it says which refusals apply (none: it must succeed) and how the state changes; `serve` says
// what each user gets. Only the bucketing hash is shared with the engine (MurmurHash3, pinned by its own vectors).
import { bucketOf, murmur3 } from '../../src/engine';

export const MIN = 60_000;
export type EnvKey = 'development' | 'production';
export const ENVS: EnvKey[] = ['development', 'production'];
export const USERS = Array.from({ length: 24 }, (_, i) => ({ targetingKey: `user-${i}`, plan: i % 4 === 0 ? 'beta' : 'free' }));

/** A flag's rules in the shapes the test writes: a variant for beta users, and/or a one-bucket split for the rest. */
export interface Rule {
  beta?: string;
  rest?: string;
}
export interface Cfg {
  state: 'ENABLED' | 'DISABLED';
  defaultVariant: string | null;
  rule: Rule;
}
export interface MFlag {
  key: string;
  /** the flag's incarnation: a flag created again under a deleted one's key is another flag */
  uid: number;
  variants: Record<string, boolean | string>;
  archived: boolean;
  cfg: Record<EnvKey, Cfg>;
}
export type Change = { state: 'ENABLED' | 'DISABLED' } | { defaultVariant: string } | { targeting: Rule } | { split: string };
export interface MSchedule {
  id: string;
  uid: number;
  env: EnvKey;
  at: number;
  change: Change;
}
export type RState = 'draft' | 'scheduled' | 'rolling_out' | 'paused' | 'released' | 'rolled_back';
export interface MRelease {
  key: string;
  env: EnvKey;
  salt: string;
  flags: { key: string; uid: number; inside: string; outside: string }[];
  steps: { percent: number; holdMinutes: number }[];
  state: RState;
  killed: boolean;
  startAt: number | null;
  anchor: number | null;
  pausedAt: number | null;
  order: number;
}

const BETA = { '==': [{ var: 'plan' }, 'beta'] };
export function ruleJson(r: Rule): unknown {
  const rest = r.rest === undefined ? null : { fractional: [[r.rest, 1]] };
  if (r.beta === undefined) return rest;
  return { if: [BETA, r.beta, rest] };
}
export function ruleOf(json: unknown): Rule {
  if (json === null || json === undefined) return {};
  const j = json as { if?: unknown[]; fractional?: [string, number][] };
  if (j.fractional) return { rest: j.fractional[0][0] };
  const [, beta, rest] = j.if as [unknown, string, { fractional: [string, number][] } | null];
  return rest ? { beta, rest: rest.fractional[0][0] } : { beta };
}
/** Rules that decide for every user leave nobody to a release. */
export const total = (r: Rule) => r.rest !== undefined;

export const refusal = (...codes: (string | false)[]) => codes.filter((c): c is string => c !== false);

export class Model {
  now: number;
  flags = new Map<string, MFlag>();
  releases: MRelease[] = [];
  schedules: MSchedule[] = [];
  deployed: Record<EnvKey, Set<string> | null> = { development: null, production: null };
  /** environments where something happened (a scheduled change, a plan's end) that the worker has not recorded yet */
  unrecorded = new Set<EnvKey>();
  private uids = 0;
  private orders = 0;

  constructor(now: number) {
    this.now = now;
  }

  // ---- releases: where a plan stands, as docs/releases.md says ----
  completeAt(r: MRelease): number | null {
    if (r.anchor === null || r.steps[r.steps.length - 1].percent !== 100) return null;
    return r.anchor + r.steps.reduce((s, x) => s + x.holdMinutes, 0) * MIN;
  }
  current(r: MRelease): RState {
    if (r.state !== 'scheduled' && r.state !== 'rolling_out') return r.state;
    if (this.now < r.anchor!) return 'scheduled';
    const done = this.completeAt(r);
    return done !== null && this.now >= done ? 'released' : 'rolling_out';
  }
  /** Share inside now, in basis points. */
  basisPoints(r: MRelease): number {
    const s = this.current(r);
    if (s === 'released') return 10_000;
    if (s !== 'rolling_out' && s !== 'paused') return 0;
    const clock = s === 'paused' ? r.pausedAt! : this.now;
    if (clock < r.anchor!) return 0;
    let offset = 0;
    let bp = 0;
    for (const step of r.steps) {
      if (r.anchor! + offset <= clock) bp = Math.round(step.percent * 100);
      offset += step.holdMinutes * MIN;
    }
    return bp;
  }
  owns = (r: MRelease) => ['scheduled', 'rolling_out', 'paused'].includes(this.current(r));
  owner(uid: number, env: EnvKey, except?: MRelease) {
    return this.releases.find((r) => r !== except && r.env === env && r.flags.some((f) => f.uid === uid) && this.owns(r));
  }
  owners(uid: number) {
    return ENVS.map((e) => this.owner(uid, e)).filter((r): r is MRelease => r !== undefined);
  }
  /** The release a flag's view names: the one that owns it, else the newest started one naming it. */
  latest(uid: number, env: EnvKey) {
    return this.owner(uid, env) ?? this.releases.filter((r) => r.state !== 'draft' && r.env === env && r.flags.some((f) => f.uid === uid)).sort((a, b) => a.anchor! - b.anchor! || a.order - b.order).pop();
  }
  drafts(uid: number) {
    return this.releases.filter((r) => r.state === 'draft' && r.flags.some((f) => f.uid === uid));
  }
  dormant(env: EnvKey, key: string) {
    const d = this.deployed[env];
    return d !== null && !d.has(key);
  }
  pending(uid: number, env?: EnvKey) {
    return this.schedules.filter((s) => s.uid === uid && (env === undefined || s.env === env));
  }
  flagByUid(uid: number) {
    return [...this.flags.values()].find((f) => f.uid === uid);
  }

  /** What `user` gets from `flag` in `env` now: a variant name, null (the code default: no value), or 'DISABLED'. */
  serve(flag: MFlag, env: EnvKey, user: (typeof USERS)[number]): string | null | 'DISABLED' {
    const cfg = flag.cfg[env];
    if (cfg.state === 'DISABLED') return 'DISABLED';
    if (user.plan === 'beta' && cfg.rule.beta !== undefined) return cfg.rule.beta;
    if (cfg.rule.rest !== undefined) return cfg.rule.rest;
    const r = this.owner(flag.uid, env);
    if (r) {
      const entry = r.flags.find((f) => f.uid === flag.uid)!;
      const bp = this.basisPoints(r);
      if (bp >= 10_000) return entry.inside;
      if (bp <= 0) return entry.outside;
      return bucketOf(murmur3(r.salt + user.targetingKey), 10_000) < bp ? entry.inside : entry.outside;
    }
    return cfg.defaultVariant;
  }

  // ---- writes ----
  create(key: string, variants: Record<string, boolean | string>, defaultVariant: string) {
    const cfg = (): Cfg => ({ state: 'DISABLED', defaultVariant, rule: {} });
    this.flags.set(key, { key, uid: ++this.uids, variants, archived: false, cfg: { development: cfg(), production: cfg() } });
  }
  remove(flag: MFlag) {
    this.flags.delete(flag.key);
    this.schedules = this.schedules.filter((s) => s.uid !== flag.uid);
  }
  /** A release's end written into its flags (release-end.ts's rule, restated). */
  end(r: MRelease, how: 'released' | 'rolled_back' | 'killed') {
    for (const e of r.flags) {
      const flag = this.flagByUid(e.uid);
      if (!flag || this.owner(e.uid, r.env, r)) continue;
      const cfg = flag.cfg[r.env];
      cfg.defaultVariant = how === 'released' ? e.inside : e.outside;
      if (how === 'killed') cfg.rule = {};
    }
    r.state = how === 'released' ? 'released' : 'rolled_back';
    if (how === 'killed') r.killed = true;
  }
  addRelease(r: Omit<MRelease, 'order'>) {
    this.releases.push({ ...r, order: ++this.orders });
  }
  apply(flag: MFlag, env: EnvKey, change: Change) {
    const cfg = flag.cfg[env];
    if ('state' in change) cfg.state = change.state;
    else if ('defaultVariant' in change) cfg.defaultVariant = change.defaultVariant;
    else if ('targeting' in change) cfg.rule = { ...change.targeting };
    else cfg.rule = { ...cfg.rule, rest: change.split };
  }

  /** Time passes: scheduled changes and plans that end happen in time order. Answers where something happened. */
  advance(ms: number): Set<EnvKey> {
    const target = this.now + ms;
    const touched = new Set<EnvKey>();
    for (;;) {
      const due = this.schedules.filter((s) => s.at <= target).sort((a, b) => a.at - b.at)[0];
      const ending = this.releases
        .filter((r) => (r.state === 'rolling_out' || r.state === 'scheduled') && this.completeAt(r) !== null && this.completeAt(r)! <= target)
        .sort((a, b) => this.completeAt(a)! - this.completeAt(b)!)[0];
      if (!due && !ending) break;
      if (due && (!ending || due.at <= this.completeAt(ending)!)) {
        this.now = Math.max(this.now, due.at);
        this.schedules = this.schedules.filter((s) => s !== due);
        touched.add(due.env);
        const flag = this.flagByUid(due.uid);
        if (flag) this.apply(flag, due.env, due.change);
      } else {
        this.now = Math.max(this.now, this.completeAt(ending)!);
        touched.add(ending.env);
        this.end(ending, 'released');
      }
    }
    this.now = target;
    return touched;
  }

  /** Variants a change names, to check they exist. */
  static named(change: Change | Partial<Cfg>): string[] {
    const c = change as Record<string, unknown>;
    const out: string[] = [];
    if (typeof c.defaultVariant === 'string') out.push(c.defaultVariant);
    const rule = (c.targeting ?? c.rule) as Rule | undefined;
    if (rule?.beta) out.push(rule.beta);
    if (rule?.rest) out.push(rule.rest);
    if (typeof c.split === 'string') out.push(c.split);
    return out;
  }
  /** Whether a scheduled change touches what a release owns. */
  static owned(change: Change) {
    return 'state' in change || 'defaultVariant' in change || 'split' in change || ('targeting' in change && total(change.targeting));
  }
}
