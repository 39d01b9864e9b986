// What a flag-level write (variants, archiving, deletion) must not break: the releases that own or plan to use the
// flag, and the scheduled changes pending on it. Each refusal names what depends on the flag.
import { ApiError } from '../errors';
import type { FlagRow, ReleaseRow } from './db';
import { scheduleView, type ProjectState } from './flag-set';
import { namesFlag, owningRelease, releaseOwnsFlag, type EndingAction } from './release-ownership';

const sameValue = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The releases (in any environment) that own `flag` now; refused unless the write ends them with `endingAction`. */
function owners(state: ProjectState, flag: FlagRow, doing: string, now: number, endingAction?: EndingAction): ReleaseRow[] {
  const out: ReleaseRow[] = [];
  for (const env of state.environments) {
    const owner = owningRelease(state, env.id, flag, now);
    if (!owner) continue;
    if (!endingAction) throw releaseOwnsFlag(owner, flag.key, env.key, doing, now);
    out.push(owner);
  }
  return out;
}

const draftUses = (draft: ReleaseRow, env: string, flag: FlagRow, what: string) =>
  new ApiError('CONFLICT', `Release '${draft.key}' (a draft in '${env}') ${what}: edit or delete the draft first`, undefined, { flag: flag.key, release: { key: draft.key, state: 'draft' } });

const envKey = (state: ProjectState, id: string) => state.environments.find((e) => e.id === id)?.key ?? id;

/**
 * A change of the flag's variants must keep every variant a release uses with its value: refused while a release
 * owns the flag (unless it ends it), and while a draft names a variant it removes.
 */
export function assertVariantsKept(state: ProjectState, drafts: ReleaseRow[], flag: FlagRow, next: Record<string, unknown>, now: number, endingAction?: EndingAction): ReleaseRow[] {
  const kept = (name: string) => Object.hasOwn(next, name) && sameValue(next[name], flag.variants[name]);
  const breaks = (r: ReleaseRow) => r.flags.some((f) => f.key === flag.key && namesFlag(r, flag) && (!kept(f.inside) || !kept(f.outside)));
  const ending = owners({ ...state, releases: state.releases.filter(breaks) }, flag, `changing the variants '${flag.key}' serves in it`, now, endingAction);
  for (const d of drafts) if (breaks(d)) throw draftUses(d, envKey(state, d.environmentId), flag, `serves variants of '${flag.key}' that this change removes or changes`);
  return ending;
}

/** Archiving: no release may own the flag, and no scheduled change may switch it on. */
export function assertArchivable(state: ProjectState, flag: FlagRow, now: number) {
  owners(state, flag, `archiving '${flag.key}'`, now);
  const on = state.schedules.find((s) => s.flagId === flag.id && s.change.state === 'ENABLED');
  if (on) {
    throw new ApiError(
      'CONFLICT',
      `Flag '${flag.key}' is scheduled to switch on in '${envKey(state, on.environmentId)}' at ${new Date(on.at).toISOString()}: cancel that change before archiving it`,
      undefined,
      { flag: flag.key, schedule: scheduleView(on) },
    );
  }
}

/** Deleting: no release may own the flag (unless the write ends it) nor plan to use it; ended releases keep their record. */
export function assertDeletable(state: ProjectState, drafts: ReleaseRow[], flag: FlagRow, now: number, endingAction?: EndingAction): ReleaseRow[] {
  const ending = owners(state, flag, `deleting '${flag.key}'`, now, endingAction);
  for (const d of drafts) if (namesFlag(d, flag)) throw draftUses(d, envKey(state, d.environmentId), flag, `releases '${flag.key}'`);
  return ending;
}
