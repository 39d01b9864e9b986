// The data of a release's "share of users over time" chart, from its true step times (the API's `timeline`): the
// step line as it ran up to now (solid) and as planned from now on (dashed); where its labels go so they never overlap.
import type { Release } from '../api-types-releases';
import { MINUTE, percentAt, planLength, plannedTimeline, timelineOf } from './timeline';

export interface Point {
  t: number;
  percent: number;
}

export interface ChartModel {
  from: number;
  to: number;
  now: number;
  /** what happened, up to now */
  ran: Point[];
  /** what the plan will do from now on (for a paused release: if resumed now) */
  planned: Point[];
  /** when each step starts (or started), on the line it belongs to */
  steps: { step: number; at: number; percent: number; planned: boolean }[];
  pausedAt: number | null;
  /** the plan starts later than the chart shows before it: the chart begins shortly before the start */
  startsLater: boolean;
}

const ms = (iso: string | null) => (iso === null ? null : Date.parse(iso));

/** A step function as points: at each change the line goes across, then up or down. */
function stepLine(times: number[], percent: (t: number) => number): Point[] {
  const ts = [...new Set(times)].sort((a, b) => a - b);
  const points: Point[] = [];
  for (const t of ts) {
    const p = percent(t);
    if (points.length > 0 && points[points.length - 1].percent !== p) points.push({ t, percent: points[points.length - 1].percent });
    points.push({ t, percent: p });
  }
  return points;
}

/** The steps still to come, in time: as timed (running, scheduled), as if resumed now (paused), from the start (draft). */
function upcoming(r: Release, now: number): { step: number; at: number; percent: number }[] {
  const steps = r.plan.steps;
  const holds = (from: number, at: number) => steps.slice(from).map((s, i) => ({ step: from + i, percent: s.percent, at: at + steps.slice(from, from + i).reduce((sum, x) => sum + x.holdMinutes * MINUTE, 0) }));
  if (r.state === 'draft') return holds(0, Math.max(ms(r.startAt) ?? now, now));
  if (r.state === 'paused') {
    const current = r.status.step ?? 0;
    const began = ms(timelineOf(r)[current]?.startsAt ?? null) ?? now;
    const paused = ms(r.pausedAt) ?? now;
    const left = Math.max(0, began + steps[current].holdMinutes * MINUTE - paused);
    return current + 1 < steps.length ? holds(current + 1, now + left) : [];
  }
  if (r.state !== 'rolling_out' && r.state !== 'scheduled') return [];
  return timelineOf(r).flatMap((s) => (s.startsAt !== null && Date.parse(s.startsAt) > now ? [{ step: s.step, percent: s.percent, at: Date.parse(s.startsAt) }] : []));
}

export function chartModel(r: Release, now: number): ChartModel {
  const steps = r.plan.steps;
  const taken = timelineOf(r).flatMap((s) => (s.startsAt !== null && Date.parse(s.startsAt) <= now && r.state !== 'draft' ? [{ step: s.step, percent: s.percent, at: Date.parse(s.startsAt) }] : []));
  const ahead = upcoming(r, now);
  const last = ahead[ahead.length - 1];
  const end = last ? last.at + steps[last.step].holdMinutes * MINUTE : now;
  const ranFrom = taken.length ? Math.min(taken[0].at, ms(r.startedAt) ?? taken[0].at) : null;
  // a plan starting well after now is drawn from shortly before its start, not squeezed at the right of the chart
  const lead = ahead.length ? Math.max(10 * MINUTE, (end - ahead[0].at) * 0.08) : 0;
  const startsLater = ranFrom === null && ahead.length > 0 && ahead[0].at - lead > now;
  const from = startsLater ? ahead[0].at - lead : Math.min(ranFrom ?? now, now);
  const to = Math.max(end, now, from + (ahead.length ? 60 * MINUTE : MINUTE));

  const ended = ms(r.endedAt);
  const paused = r.state === 'paused' ? ms(r.pausedAt) : null;
  const marks = [ranFrom, ...taken.map((s) => s.at), paused, ended, ms(r.status.releasedAt), now].filter((t): t is number => t !== null && t <= now);
  const ran = ranFrom === null ? [] : stepLine(marks.filter((t) => t >= ranFrom), (t) => percentAt(r, t));
  const current = ran.length ? ran[ran.length - 1].percent : 0;
  const planned = ahead.length ? stepLine([startsLater ? from : now, ...ahead.map((s) => s.at), end], (t) => (t < ahead[0].at ? current : ahead.filter((s) => s.at <= t).pop()!.percent)) : [];
  const stepMarks = [
    ...taken.filter((s) => ended === null || s.at <= ended).map((s) => ({ ...s, planned: false })),
    ...ahead.map((s) => ({ ...s, planned: true }))
  ];
  return { from, to, now, ran, planned, steps: stepMarks, pausedAt: paused, startsLater };
}

/** A plan being typed, as a release that has not started (for the planner's preview). */
export function previewModel(steps: Release['plan']['steps'], startAt: string | null, now: number): ChartModel {
  const release = { state: 'draft', plan: { steps }, startAt, timeline: plannedTimeline(steps, startAt === null ? null : Date.parse(startAt)), status: { percent: 0, step: null, nextStepAt: null, releasedAt: null }, startedAt: null, pausedAt: null, endedAt: null } as unknown as Release;
  return chartModel(release, now);
}

export interface Label {
  /** where its line is */
  x: number;
  text: string;
}

export interface PlacedLabel extends Label {
  anchor: 'start' | 'end';
  /** where its text is anchored */
  textX: number;
  /** the box it takes, left to right */
  box: [number, number];
  /** 0 for the first row under the top, 1 for the next… */
  row: number;
}

/** About how wide a label of the chart's 11 px font is. */
export const labelWidth = (text: string) => text.length * 6.5 + 4;

/**
 * Places labels beside their lines so that none overlap: right of its line, or left of it near the right edge (and
 * left of a line whose label would run into the next one's), else on the next row down.
 */
export function placeLabels(labels: Label[], width: number, gap = 4): PlacedLabel[] {
  const rows: [number, number][][] = [];
  return [...labels].sort((a, b) => a.x - b.x).map((l) => {
    const w = labelWidth(l.text);
    const options: ['start' | 'end', number, number][] = [['start', l.x + gap, l.x + gap + w], ['end', l.x - gap - w, l.x - gap]];
    const fits = options.filter(([, x0, x1]) => x0 >= 0 && x1 <= width);
    const choices = fits.length ? fits : [options[l.x + w > width ? 1 : 0]];
    for (let row = 0; ; row++) {
      const taken = rows[row] ?? (rows[row] = []);
      const free = choices.find(([, x0, x1]) => taken.every(([a, b]) => x1 <= a || x0 >= b));
      if (free) {
        taken.push([free[1], free[2]]);
        return { ...l, anchor: free[0], textX: free[0] === 'start' ? free[1] : free[2], box: [free[1], free[2]], row };
      }
    }
  });
}

export { planLength };
