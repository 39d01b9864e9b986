// A flag's evaluations per minute inside and outside its release (from `GET …/flags/{flag}/exposures`), as two
// series over every minute of the window (minutes the API leaves out, with no evaluations, count 0).
import type { FlagExposures } from '../api-types-releases';

export const MINUTE = 60_000;

export interface ExposurePoint {
  /** the minute's start, ms */
  t: number;
  inside: number;
  outside: number;
}

export interface ExposureSeries {
  from: number;
  to: number;
  points: ExposurePoint[];
  inside: number;
  outside: number;
  /** the largest count of one side in one minute (the chart's top) */
  peak: number;
}

/**
 * The series of [from, to): each minute's evaluations inside and outside, summed over variants. A variant without a
 * side (a flag its release does not decide then) counts on neither side.
 */
export function exposureSeries(x: Pick<FlagExposures, 'minutes'>, from: number, to: number): ExposureSeries {
  const start = Math.floor(from / MINUTE) * MINUTE;
  const byMinute = new Map<number, ExposurePoint>();
  for (let t = start; t < to; t += MINUTE) byMinute.set(t, { t, inside: 0, outside: 0 });
  for (const m of x.minutes) {
    const t = Math.floor(Date.parse(m.at) / MINUTE) * MINUTE;
    const point = byMinute.get(t);
    if (!point) continue;
    for (const v of Object.values(m.variants)) {
      point.inside += v.inside ?? 0;
      point.outside += v.outside ?? 0;
    }
  }
  const points = [...byMinute.values()];
  const sum = (side: 'inside' | 'outside') => points.reduce((s, p) => s + p[side], 0);
  return { from: start, to, points, inside: sum('inside'), outside: sum('outside'), peak: Math.max(0, ...points.map((p) => Math.max(p.inside, p.outside))) };
}

/** The window the release page charts: the last hour, or since the release started if later; null before it starts. */
export function exposureWindow(startedAt: string | null, now: number): { from: number; to: number } | null {
  if (!startedAt) return null;
  return { from: Math.max(Date.parse(startedAt), now - 60 * MINUTE), to: now };
}

/** A chart's summary in words: "Evaluations of checkout-v2 per minute since 14:02: 1,203 inside, 8,950 outside". */
export function seriesSummary(flag: string, s: ExposureSeries, window: string): string {
  const n = (x: number) => x.toLocaleString('en-US');
  return `Evaluations of ${flag} per minute ${window}: ${n(s.inside)} inside the release, ${n(s.outside)} outside`;
}
