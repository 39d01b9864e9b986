// Where a release stands at a time, from its row: the same clock and formula as the edge.
import { releasePosition } from '../engine';
import type { ReleaseRow } from './db';
import { releaseDefinition } from './release-definition';
import type { ReleaseRowState } from './schema';

/** The state a release is in at `now`: a scheduled start that has come is rolling out; a finished plan is released. */
export function currentState(row: ReleaseRow, now: number): ReleaseRowState {
  const def = releaseDefinition(row);
  if (!def) return row.state;
  const due = row.anchorAt !== null && now >= row.anchorAt;
  if (row.state === 'scheduled' && !due) return 'scheduled';
  if (row.state === 'scheduled' || row.state === 'rolling_out') {
    const { completeAt } = releasePosition({ ...def, state: 'rolling_out' }, now);
    return completeAt !== null && now >= completeAt ? 'released' : 'rolling_out';
  }
  return row.state;
}
