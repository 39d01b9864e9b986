// The data of a release's "percentage over time" chart: the step line as it ran up to now (solid) and as planned
// from now on (dashed), computed from the plan and its start and pause times as the edge computes them.
import type { Release } from '../api-types-releases';
import { MINUTE, percentAt, planLength, planPercent, stepOffsets } from './timeline';

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
}

const ms = (iso: string | null) => (iso === null ? null : Date.parse(iso));

/** A step function as points: at each change the line goes across, then up or down. */
function stepLine(times: number[], percent: (t: number) => number): Point[] {
  const ts = [...new Set(times)].sort((a, b) => a - b);
  const points: Point[] = [];
  for (let i = 0; i < ts.length; i++) {
    const p = percent(ts[i]);
    if (points.length > 0 && points[points.length - 1].percent !== p) points.push({ t: ts[i], percent: points[points.length - 1].percent });
    points.push({ t: ts[i], percent: p });
  }
  return points;
}

export function chartModel(r: Release, now: number): ChartModel {
  const steps = r.plan.steps;
  const offsets = stepOffsets(steps);
  const running = r.state === 'rolling_out' || r.state === 'scheduled';
  const paused = r.state === 'paused' ? ms(r.pausedAt) : null;
  // where the plan's clock starts for what is still to come: a paused plan continues from now if resumed now
  const anchor = ms(r.startAt) ?? now;
  const ahead = r.state === 'draft' || running ? anchor : paused !== null ? anchor + (now - paused) : null;
  const ranFrom = r.state === 'draft' ? null : Math.min(anchor, ms(r.startedAt) ?? anchor);
  const end = ahead === null ? now : Math.max(now, ahead + planLength(steps));
  const from = Math.min(ranFrom ?? now, ahead ?? now, now);
  // a plan still to come spans at least an hour; a finished one is shown as long as it ran
  const to = Math.max(end, from + (ahead === null ? MINUTE : 60 * MINUTE));

  const marks = (start: number) => offsets.map((o) => start + o);
  const ended = ms(r.endedAt);
  const ran =
    ranFrom === null || (r.state === 'scheduled' && now < anchor)
      ? []
      : stepLine([ranFrom, ...marks(anchor).filter((t) => t <= now), ...[paused, ended, ms(r.status.releasedAt)].filter((t): t is number => t !== null && t <= now), now], (t) => percentAt(r, t));
  const planned =
    ahead === null
      ? []
      : stepLine([now, ...marks(ahead).filter((t) => t > now), end], (t) => planPercent(steps, t - ahead));
  const stepMarks = [
    ...(ranFrom === null ? [] : marks(anchor).map((at, step) => ({ step, at, percent: steps[step].percent, planned: false })).filter((s) => s.at <= Math.min(now, ended ?? now, paused ?? now))),
    ...(ahead === null ? [] : marks(ahead).map((at, step) => ({ step, at, percent: steps[step].percent, planned: true })).filter((s) => s.at > now))
  ];
  return { from, to, now, ran, planned, steps: stepMarks, pausedAt: paused };
}
