// Each history entry as a sentence a person can scan ("maya switched checkout-v2 on in Production", "release New
// checkout reached step 2 of 4: 10 %"), with the flags, releases and environments it names as parts to link.
import type { AuditEntry, JsonValue } from '../api-types';
import type { ScheduledChangeInput } from '../api-types-releases';
import { describeChange } from '../flags/schedule';
import { environmentOf, flagOf, releaseOf } from './resources';

export type EntryPart =
  | { text: string }
  | { actor: string }
  | { flag: string }
  | { release: string; env: string; name: string }
  | { env: string }
  | { code: string };

/** What the sentences need from outside the entry: environment names, and releases' names and step counts. */
export interface EntryContext {
  envName: (key: string) => string;
  /** by release resource (`projects/p/environments/e/releases/k`) */
  releases: Map<string, { name: string; steps: number }>;
}

type Obj = Record<string, JsonValue>;
const obj = (v: JsonValue | null | undefined): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const t = (text: string): EntryPart => ({ text });
const onOff = (state: JsonValue | undefined) => (state === 'ENABLED' ? 'on' : 'off');

/** Each release's name and number of steps, from the entries that carry its view (its creation, edits, actions). */
export function releaseIndex(entries: AuditEntry[]): Map<string, { name: string; steps: number }> {
  const index = new Map<string, { name: string; steps: number }>();
  for (const e of [...entries].reverse()) {
    if (!releaseOf(e.resource)) continue;
    const view = obj(e.after ?? e.before);
    const steps = obj(view.plan).steps;
    if (typeof view.name === 'string') index.set(e.resource, { name: view.name, steps: Array.isArray(steps) ? steps.length : (index.get(e.resource)?.steps ?? 0) });
  }
  return index;
}

/** A flag's configuration change in words: "switched checkout on", "set … default variant to blue", "changed the rules of …". */
function configure(e: AuditEntry, flag: string, env: string): EntryPart[] {
  const before = obj(e.before);
  const after = obj(e.after);
  const cause = obj(after.cause);
  const where = [t(' in '), { env }];
  const changes: string[] = [];
  if (before.state !== after.state) changes.push(`switched ${onOff(after.state)}`);
  if (before.defaultVariant !== after.defaultVariant) changes.push(`default variant ${after.defaultVariant ?? 'none (code default)'}`);
  if (JSON.stringify(before.targeting ?? null) !== JSON.stringify(after.targeting ?? null)) changes.push(after.targeting === null ? 'rules removed' : 'new rules');
  const lead = after.scheduled ? [t('applied a scheduled change: ')] : [];
  if (changes.length === 1 && changes[0].startsWith('switched')) return [...lead, t('switched '), { flag }, t(` ${onOff(after.state)}`), ...where];
  if (changes.length === 1 && changes[0].startsWith('default')) return [...lead, t('set the default variant of '), { flag }, t(` to ${after.defaultVariant ?? 'none (code default)'}`), ...where];
  if (changes.length === 1 && changes[0] === 'new rules') return [...lead, t('changed the rules of '), { flag }, ...where];
  return [...lead, t('changed '), { flag }, ...where, ...(changes.length ? [t(`: ${changes.join(', ')}`)] : [t(' (no visible change)')])];
}

function release(e: AuditEntry, ctx: EntryContext): EntryPart[] {
  const key = releaseOf(e.resource)!;
  const env = environmentOf(e.resource) ?? '';
  const info = ctx.releases.get(e.resource);
  const name: EntryPart = { release: key, env, name: info?.name ?? key };
  const after = obj(e.after);
  const status = obj(after.status);
  const at = typeof status.percent === 'number' ? ` at ${Number(status.percent.toFixed(2))} %` : '';
  const where = [t(' in '), { env }];
  const action = e.action.slice('release.'.length);
  switch (action) {
    case 'step': {
      const step = typeof after.step === 'number' ? after.step + 1 : '?';
      return [t('the release '), name, t(` reached step ${step}${info?.steps ? ` of ${info.steps}` : ''}: ${after.percent} %`), ...where];
    }
    case 'started': return [t('the release '), name, t(' started'), ...where];
    case 'released': return [t('the release '), name, t(' was released: 100 %'), ...where];
    case 'create': return [t('planned the release '), name, ...where];
    case 'update': return [t('changed the plan of the release '), name, ...where];
    case 'delete': return [t('deleted the release '), name, ...where];
    case 'start': return [t(after.state === 'scheduled' ? 'scheduled the start of the release ' : 'started the release '), name, ...where];
    case 'pause': return [t('paused the release '), name, t(at), ...where];
    case 'resume': return [t('resumed the release '), name, t(at), ...where];
    case 'rollback': return [t('rolled back the release '), name, ...where];
    case 'kill': return [t('killed the release '), name, ...where];
  }
  return [t(`${action} the release `), name, ...where];
}

/** The entry as a sentence: who did what to which flag, release or environment. */
export function describeEntry(e: AuditEntry, ctx: EntryContext): EntryPart[] {
  const flag = flagOf(e.resource);
  const env = environmentOf(e.resource);
  const who: EntryPart = { actor: e.actor };
  const systemRelease = e.actor === 'scheduler' && releaseOf(e.resource);
  if (releaseOf(e.resource)) return systemRelease ? release(e, ctx) : [who, t(' '), ...release(e, ctx)];
  const before = obj(e.before);
  const after = obj(e.after);
  switch (e.action) {
    case 'flag.configure': {
      const cause = obj(after.cause);
      if (typeof cause.release !== 'string') return [who, t(' '), ...configure(e, flag ?? '', env ?? '')];
      // a release's start or end, written into its flag: the switch it turned on, or what the flag serves from then on
      const name: EntryPart = { release: cause.release, env: env ?? '', name: ctx.releases.get(e.resource.replace(/\/flags\/[^/]+$/, `/releases/${cause.release}`))?.name ?? cause.release };
      if (cause.action === 'start') return [who, t(' started the release '), name, t(': '), { flag: flag ?? '' }, t(` switched ${onOff(after.state)} in `), { env: env ?? '' }];
      const verb = cause.action === 'kill' ? 'killed' : cause.action === 'released' ? 'released' : 'rolled back';
      const lead = e.actor === 'scheduler' ? [t('the release '), name, t(` was ${verb}`)] : [who, t(` ${verb} the release `), name];
      return [...lead, t(': '), { flag: flag ?? '' }, t(` now serves ${after.defaultVariant ?? 'the code default'} by default in `), { env: env ?? '' }, ...(cause.action === 'kill' ? [t(', its rules cleared')] : [])];
    }
    case 'flag.create': return [who, t(' created the flag '), { flag: flag ?? '' }];
    case 'flag.delete': return [who, t(' deleted the flag '), { code: flag ?? '' }];
    case 'flag.update': {
      if (before.archived !== after.archived && typeof after.archived === 'boolean') return [who, t(after.archived ? ' archived ' : ' unarchived '), { flag: flag ?? '' }];
      const fields = ['description', 'tags', 'variants', 'clientVisible', 'metadata'].filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
      const names: Record<string, string> = { description: 'description', tags: 'tags', variants: 'variants', clientVisible: 'client visibility', metadata: 'metadata' };
      return [who, t(' changed the '), t(fields.length ? fields.map((f) => names[f]).join(', ') : 'settings'), t(' of '), { flag: flag ?? '' }];
    }
    case 'flag.schedule': {
      const change = after as unknown as ScheduledChangeInput;
      return [who, t(' scheduled '), { flag: flag ?? '' }, t(` to ${describeChange(change)}`), t(' in '), { env: env ?? '' }, t(typeof change.at === 'string' ? ` at ${new Date(change.at).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' })}` : '')];
    }
    case 'flag.unschedule': return [who, t(' cancelled a scheduled change to '), { flag: flag ?? '' }, t(' in '), { env: env ?? '' }];
    case 'deployment.record': {
      const flags = e.flags.length ? `, using ${e.flags.join(', ')}` : '';
      return [who, t(' recorded the deployment '), { code: String(after.version ?? '') }, t(' in '), { env: env ?? '' }, t(flags)];
    }
    case 'environment.import': return [who, t(' imported a flagd file into '), { env: env ?? '' }, t(e.flags.length ? ` (${e.flags.length} flag${e.flags.length === 1 ? '' : 's'})` : '')];
    case 'environment.update': {
      if (before.protected !== after.protected && typeof after.protected === 'boolean') return [who, t(after.protected ? ' protected ' : ' unprotected '), { env: env ?? '' }];
      return [who, t(' changed the shared rules or settings of '), { env: env ?? '' }];
    }
    case 'environment.create': return [who, t(' created the environment '), { env: env ?? '' }];
    case 'project.create': return [who, t(' created the project')];
    case 'sdk-key.create': return [who, t(` created the SDK key ${String(after.name ?? '')} in `), { env: env ?? '' }];
    case 'sdk-key.revoke': return [who, t(` revoked the SDK key ${String(before.name ?? after.name ?? '')} in `), { env: env ?? '' }];
    case 'sdk-key.update': return [who, t(` changed the rate limit of the SDK key ${String(after.name ?? before.name ?? '')} in `), { env: env ?? '' }];
  }
  return [who, t(` ${e.action} `), { code: e.resource.replace(/^projects\/[^/]+\//, '') }];
}

/** The sentence as text, for labels and tests. */
export function entryText(parts: EntryPart[], ctx: Pick<EntryContext, 'envName'>): string {
  return parts.map((p) => ('text' in p ? p.text : 'actor' in p ? p.actor : 'flag' in p ? p.flag : 'release' in p ? p.name : 'env' in p ? ctx.envName(p.env) : p.code)).join('');
}
