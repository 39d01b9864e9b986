// A release in time, in the browser: the plan's step offsets (for a plan being typed), its true step times (the API's
// `timeline`: a pause delays only the steps after it), its share of users at any time, and its calendar entry.
import type { CalendarEntry, Release, ReleaseStep, TimelineStep } from '../api-types-releases';

export const MINUTE = 60_000;

const ms = (iso: string | null) => (iso === null ? null : Date.parse(iso));
const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

/** When each step starts, in ms after the plan's start. */
export function stepOffsets(steps: ReleaseStep[]): number[] {
  let t = 0;
  return steps.map((s) => {
    const at = t;
    t += Math.max(0, s.holdMinutes) * MINUTE;
    return at;
  });
}

/** How long the whole plan runs, holds included, in ms. */
export function planLength(steps: ReleaseStep[]): number {
  return steps.reduce((sum, s) => sum + Math.max(0, s.holdMinutes) * MINUTE, 0);
}

/** The plan's percentage `elapsed` ms after its start (0 before it). */
export function planPercent(steps: ReleaseStep[], elapsed: number): number {
  if (elapsed < 0 || steps.length === 0) return 0;
  const offsets = stepOffsets(steps);
  let i = 0;
  while (i < steps.length - 1 && offsets[i + 1] <= elapsed) i++;
  return steps[i].percent;
}

/** A plan's steps in time from `startAt` (ms; null: not placed yet), for a plan that has not started. */
export function plannedTimeline(steps: ReleaseStep[], startAt: number | null): TimelineStep[] {
  const offsets = stepOffsets(steps);
  return steps.map((s, step) => ({ step, percent: s.percent, startsAt: startAt === null ? null : iso(startAt + offsets[step]) }));
}

/** The release's step times: the API's true ones, or the plan's from its start for a release shown before it exists. */
export const timelineOf = (r: Release): TimelineStep[] => r.timeline ?? plannedTimeline(r.plan.steps, ms(r.startAt));

/**
 * The share of users inside the release at `t` (ms), as it happened and as planned: the last step begun by then (0
 * before the first), 0 after a rollback or kill, 100 once released. A step waiting behind a pause has no time yet.
 */
export function percentAt(r: Release, t: number): number {
  const ended = ms(r.endedAt);
  if (r.state === 'rolled_back' && ended !== null && t >= ended) return 0;
  const released = ms(r.status.releasedAt);
  if (r.state === 'released' && released !== null && t >= released) return 100;
  let percent = 0;
  for (const s of timelineOf(r)) {
    const at = ms(s.startsAt);
    if (at !== null && at <= t) percent = s.percent;
  }
  return percent;
}

/** The release on the calendar, as `GET …/calendar` answers it, from its true step times. */
export function calendarEntry(environment: string, r: Release): CalendarEntry {
  const steps = timelineOf(r).map((s) => ({ ...s }));
  const last = steps[steps.length - 1];
  const lastStart = ms(last?.startsAt ?? null);
  const planned = lastStart !== null && last.percent === 100 ? lastStart + Math.max(0, r.plan.steps[last.step].holdMinutes) * MINUTE : null;
  const ended = ms(r.endedAt);
  const endAt = r.state === 'rolled_back' ? ended : r.state === 'released' ? (ended ?? planned) : r.state === 'paused' ? null : planned;
  return {
    environment,
    key: r.key,
    name: r.name,
    owner: r.owner,
    state: r.state,
    killed: r.killed,
    flags: r.flags.map((f) => f.key),
    startAt: r.startAt,
    pausedAt: r.state === 'paused' ? r.pausedAt : null,
    endAt: iso(endAt),
    steps
  };
}

/** Whether the entry's span (start to end; open while it runs or is paused) meets [from, to]. */
export function overlaps(entry: CalendarEntry, from: number, to: number): boolean {
  const start = ms(entry.steps[0]?.startsAt ?? entry.startAt);
  if (start === null) return false;
  const end = ms(entry.endAt);
  return start <= to && (end === null || end >= from);
}
