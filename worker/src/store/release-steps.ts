// When each step of a release began or begins, in true time: a pause delays only the steps after it, so resuming
// never rewrites the times of steps already taken (the anchor, which the edge reads, moves on by each pause).
import type { ReleaseRow } from './db';

type Timed = Pick<ReleaseRow, 'anchorAt' | 'steps' | 'pauses'>;

/** The plan's first instant in true time: the anchor less every pause that has ended. */
export function originOf(row: Timed): number | null {
  if (row.anchorAt === null) return null;
  return row.anchorAt - row.pauses.reduce((sum, p) => sum + (p.to === null ? 0 : p.to - p.from), 0);
}

/**
 * The start of each step (ms), in true time; null for a step that waits behind a pause still going on. A step
 * begins at its offset on the plan's clock plus every pause that began (on that clock) before it.
 */
export function stepStarts(row: Timed): (number | null)[] {
  const origin = originOf(row);
  if (origin === null) return row.steps.map(() => null);
  // each pause at its place on the plan's clock: true time since the origin less the pauses before it
  let paused = 0;
  const pauses = row.pauses.map((p) => {
    const at = p.from - origin - paused;
    const length = p.to === null ? null : p.to - p.from;
    if (length !== null) paused += length;
    return { at, length };
  });
  let offset = 0;
  return row.steps.map((s) => {
    let t: number | null = origin + offset;
    for (const p of pauses) if (p.at < offset) t = p.length === null || t === null ? null : t + p.length;
    offset += s.holdMinutes * 60_000;
    return t;
  });
}
