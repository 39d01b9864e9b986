// A release in time, for the feed and the calendar: each step's start computed from the plan, its end, and when it
// last changed — with the state from the same clock and formula as the edge (currentState).
import type { ReleaseRow } from './db';
import { currentState } from './release-state';
import { originOf, stepStarts } from './release-steps';
import type { ReleaseRowState } from './schema';

export interface ReleaseTimeline {
  state: ReleaseRowState;
  /** when the plan starts or started (its anchor); a draft's planned start; null for a draft without one */
  startAt: number | null;
  /**
   * each step's start in true time (release-steps.ts): a step taken keeps its time through pauses; null for a step
   * that waits behind a pause still going on, that will not come (after a rollback), and for a draft without a start
   */
  steps: { step: number; percent: number; startsAt: number | null }[];
  pausedAt: number | null;
  /** released or rolled back at; for a plan still to run to 100 %, when it will be released; else null */
  endAt: number | null;
  /** the latest thing that happened to it up to `now`: an edit, its start, a step, a pause, its end */
  changedAt: number;
}

export function releaseTimeline(row: ReleaseRow, now: number): ReleaseTimeline {
  const state = currentState(row, now);
  const startAt = row.anchorAt === null ? row.startAt : originOf(row);
  const stop = state === 'rolled_back' ? row.endedAt : null;
  const starts = row.anchorAt === null ? plannedStarts(row.startAt, row.steps) : stepStarts(row);
  const steps = row.steps.map((s, step) => {
    const at = starts[step];
    return { step, percent: s.percent, startsAt: at !== null && stop !== null && at > stop ? null : at };
  });
  const reachesAll = row.steps.length > 0 && row.steps[row.steps.length - 1].percent === 100;
  const lastStart = starts[starts.length - 1];
  const planned = reachesAll && lastStart !== null && lastStart !== undefined ? lastStart + row.steps[row.steps.length - 1].holdMinutes * 60_000 : null;
  const endAt = state === 'rolled_back' ? row.endedAt : state === 'released' ? (row.endedAt ?? planned) : state === 'paused' ? null : planned;
  const events = [row.updatedAt, row.startedAt, state === 'paused' ? row.pausedAt : null, endAt, ...steps.map((s) => (state === 'draft' ? null : s.startsAt))];
  const changedAt = events.reduce<number>((latest, t) => (t !== null && t <= now && t > latest ? t : latest), row.createdAt);
  return { state, startAt, steps, pausedAt: state === 'paused' ? row.pausedAt : null, endAt, changedAt };
}

/** A draft's steps from its planned start (null without one). */
function plannedStarts(startAt: number | null, steps: ReleaseRow['steps']): (number | null)[] {
  let t = startAt;
  return steps.map((s) => {
    const at = t;
    if (t !== null) t += s.holdMinutes * 60_000;
    return at;
  });
}

/** Whether the release's span (its start to its end, open while it runs or is paused) meets [from, to]. */
export function overlaps(t: ReleaseTimeline, from: number, to: number): boolean {
  if (t.startAt === null) return false;
  const first = t.steps[0]?.startsAt ?? t.startAt;
  return first <= to && (t.endAt === null || t.endAt >= from);
}
