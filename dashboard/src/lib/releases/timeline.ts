// A release in time, in the browser: when each step of its plan starts, its percentage at any time, and its entry on
// the calendar. The same formula as the server's (a step starts at the anchor plus the holds before it); the anchor
// is the API's `startAt`, already moved on by any time spent paused.
import type { CalendarEntry, Release, ReleaseStep } from '../api-types-releases';

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

/**
 * The share of users inside the release at `t` (ms), as it happened up to `now` and as planned after: 0 before the
 * start and after a rollback or kill; frozen from a pause on; 100 once released.
 */
export function percentAt(r: Release, t: number): number {
  const anchor = ms(r.startAt);
  const ended = ms(r.endedAt);
  if (r.state === 'rolled_back' && ended !== null && t >= ended) return 0;
  if (anchor === null || t < anchor) return 0;
  const paused = ms(r.pausedAt);
  if (r.state === 'paused' && paused !== null && t >= paused) return r.status.percent;
  const released = ms(r.status.releasedAt);
  if (r.state === 'released' && released !== null && t >= released) return 100;
  return planPercent(r.plan.steps, t - anchor);
}

/** The release on the calendar, as `GET …/calendar` answers it (mirrors the server's release timeline). */
export function calendarEntry(environment: string, r: Release): CalendarEntry {
  const startAt = ms(r.startAt);
  const stop = r.state === 'paused' ? ms(r.pausedAt) : r.state === 'rolled_back' ? ms(r.endedAt) : null;
  const offsets = stepOffsets(r.plan.steps);
  const steps = r.plan.steps.map((s, step) => {
    const at = startAt === null ? null : startAt + offsets[step];
    return { step, percent: s.percent, startsAt: iso(at !== null && stop !== null && at > stop ? null : at) };
  });
  const last = r.plan.steps[r.plan.steps.length - 1];
  const planned = startAt !== null && last?.percent === 100 ? startAt + planLength(r.plan.steps) : null;
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
    startAt: iso(startAt),
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
