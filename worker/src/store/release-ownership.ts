// A running release owns its flags: which release decides a flag in an environment, and the refusal (409
// RELEASE_OWNS_FLAG) of a write that would change what the flag serves there behind the release's back.
import { ApiError } from '../errors';
import type { FlagRow, FlagScheduleRow, ReleaseRow } from './db';
import type { ProjectState } from './flag-set';
import { currentState, releaseView } from './releases';
import type { ReleaseFlag, ReleaseRowState } from './schema';

/** The states in which a release decides its flags at the edge and so owns them. */
export const OWNING_STATES: readonly ReleaseRowState[] = ['scheduled', 'rolling_out', 'paused'];

/** The release actions a write may perform together with a change to a flag that a release owns. */
export type EndingAction = 'rollback' | 'kill';
export const ENDING_ACTIONS: readonly EndingAction[] = ['rollback', 'kill'];

/** Whether a release's entry names this flag: by id, or by key for an entry written before ids were kept. */
export const names = (entry: ReleaseFlag, flag: Pick<FlagRow, 'id' | 'key'>) => (entry.flagId !== undefined ? entry.flagId === flag.id : entry.key === flag.key);

export const namesFlag = (row: ReleaseRow, flag: Pick<FlagRow, 'id' | 'key'>) => row.flags.some((f) => names(f, flag));

/** The release that owns `flag` in the environment at `now` (scheduled, rolling out or paused), if any. */
export function owningRelease(state: ProjectState, environmentId: string, flag: Pick<FlagRow, 'id' | 'key'>, now: number): ReleaseRow | undefined {
  return state.releases.find((r) => r.environmentId === environmentId && namesFlag(r, flag) && OWNING_STATES.includes(currentState(r, now)));
}

/** The release that decides `flag` in the environment now, else the newest started or scheduled one naming it. */
export function latestRelease(state: ProjectState, environmentId: string, flag: Pick<FlagRow, 'id' | 'key'>, now: number): ReleaseRow | undefined {
  let latest: ReleaseRow | undefined;
  for (const r of state.releases) if (r.environmentId === environmentId && namesFlag(r, flag)) latest = r; // oldest start first
  return owningRelease(state, environmentId, flag, now) ?? latest;
}

const stateWords = (row: ReleaseRow, now: number) => {
  const v = releaseView(row, now);
  return v.state === 'rolling_out' ? `rolling out, ${v.status.percent} %` : v.state === 'scheduled' ? `scheduled for ${v.startAt}` : `paused at ${v.status.percent} %`;
};

/**
 * 409 RELEASE_OWNS_FLAG: `doing` (e.g. "switching 'x' off") would change what users of a flag get behind a running
 * release. Names the release, its state and the ways forward; `details` carry them for programs.
 */
export function releaseOwnsFlag(row: ReleaseRow, flagKey: string, envKey: string, doing: string, now: number): ApiError {
  const v = releaseView(row, now);
  return new ApiError(
    'RELEASE_OWNS_FLAG',
    `Flag '${flagKey}' is in release '${row.key}' (${stateWords(row, now)}) in environment '${envKey}': ${doing} would change what its users get behind the release. ` +
      `Roll back or kill the release first, let it finish, or repeat with ?releaseAction=rollback or ?releaseAction=kill to end it together with this change.`,
    undefined,
    {
      flag: flagKey,
      environment: envKey,
      release: { key: row.key, name: row.name, state: v.state, percent: v.status.percent, nextStepAt: v.status.nextStepAt },
      waysForward: ['rollback', 'kill', 'finish'],
    },
  );
}

/**
 * Refuses `doing` to `flag` in the environment while a release owns it there, unless the request ends that release
 * with `endingAction` (then the caller performs both in one batch: see release-end.ts). Answers the owning release
 * the caller must end, if any.
 */
export function assertNotOwned(state: ProjectState, env: { id: string; key: string }, flag: Pick<FlagRow, 'id' | 'key'>, doing: string, now: number, endingAction?: EndingAction): ReleaseRow | undefined {
  const owner = owningRelease(state, env.id, flag, now);
  if (owner && !endingAction) throw releaseOwnsFlag(owner, flag.key, env.key, doing, now);
  return owner;
}

/**
 * What a flag's view says of its release in one environment: the one that owns it, else the newest started or
 * scheduled release naming it, with where it stands, and whether it owns the flag (decides it at the edge) or has ended (its outcome is now the
 * flag's own configuration). Null when no release has named the flag there.
 */
export function releaseSummary(state: ProjectState, environmentId: string, flag: Pick<FlagRow, 'id' | 'key'>, now: number) {
  const row = latestRelease(state, environmentId, flag, now);
  if (!row) return null;
  const v = releaseView(row, now);
  const entry = row.flags.find((f) => names(f, flag))!;
  return { key: row.key, name: row.name, state: v.state as Exclude<ReleaseRowState, 'draft'>, killed: v.killed, percent: v.status.percent, nextStepAt: v.status.nextStepAt, inside: entry.inside, outside: entry.outside, owns: OWNING_STATES.includes(v.state) };
}

/**
 * Whether rules decide for every user, leaving none to the default (and so none to a release): a constant variant,
 * a split, or an `if` chain whose last `else` is one of those. Other rules may return null, so they leave some.
 */
export function decidesEveryone(targeting: unknown): boolean {
  if (targeting === null || targeting === undefined) return false;
  if (typeof targeting !== 'object') return true;
  if (Array.isArray(targeting)) return false;
  const o = targeting as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length !== 1) return false;
  if (keys[0] === 'fractional') return true;
  if (keys[0] !== 'if' || !Array.isArray(o.if) || o.if.length % 2 === 0) return false;
  return decidesEveryone(o.if[o.if.length - 1]);
}

/** Whether a scheduled change would change what a release that owns the flag serves: its switch, default, or rules that leave nobody to it. */
export const changesWhatReleaseOwns = (change: FlagScheduleRow['change']) =>
  change.state !== undefined || change.defaultVariant !== undefined || change.split !== undefined || (change.targeting !== undefined && decidesEveryone(change.targeting));
