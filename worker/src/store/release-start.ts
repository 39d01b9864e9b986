// Starting a release never takes a feature away silently: users whom the flag serves the inside variant by default
// now, and whom the release would put outside at its first step, are counted, and the start is refused unless the
// request acknowledges it (409 TAKES_FEATURE_AWAY).
import { releasePosition } from '../engine';
import { ApiError } from '../errors';
import type { EnvironmentRow, ReleaseRow } from './db';
import { effectiveConfig, type ProjectState } from './flag-set';
import { releaseDefinition } from './release-definition';
import { names } from './release-ownership';

/** What starting `row` at `now` takes away: per flag, the share (%) of the users it decides for who have the inside variant now and lose it. */
export function featureTakenAway(state: ProjectState, env: EnvironmentRow, row: ReleaseRow, now: number): { flag: string; inside: string; losing: number }[] {
  const def = releaseDefinition(row);
  // the release decides only for the users the flag's own rules leave to the default: they get the default variant now
  const first = def ? releasePosition({ ...def, state: 'rolling_out' }, now).percent : 0;
  const out = [];
  for (const entry of row.flags) {
    const flag = state.flags.find((f) => names(entry, f));
    if (!flag) continue;
    const config = effectiveConfig(flag, state.configs.get(env.id)?.get(flag.id));
    const servesInside = config.state === 'ENABLED' && config.defaultVariant !== null && (config.defaultVariant === entry.inside || JSON.stringify(flag.variants[config.defaultVariant]) === JSON.stringify(flag.variants[entry.inside]));
    if (servesInside && first < 100) out.push({ flag: flag.key, inside: entry.inside, losing: Math.round((100 - first) * 100) / 100 });
  }
  return out;
}

export function assertNothingTakenAway(state: ProjectState, env: EnvironmentRow, row: ReleaseRow, now: number) {
  const lost = featureTakenAway(state, env, row, now);
  if (!lost.length) return;
  const words = lost.map((l) => `'${l.flag}' serves '${l.inside}' by default in '${env.key}' now, and ${l.losing} % of the users the release decides for would lose it`).join('; ');
  throw new ApiError(
    'TAKES_FEATURE_AWAY',
    `Starting release '${row.key}' would take the feature away from users who have it: ${words}. Switch the flag's default to the outside variant first, or repeat with ?acknowledgeLoss=true to start anyway.`,
    undefined,
    { flags: lost },
  );
}
