// A flagd import (a file push) against running releases: which flags of the file a release owns, what the import
// would change of them, and the refusal when that is what the release owns (the switch, default variant, the
// variants it serves, or deleting the flag). Changes to a flag's own rules are allowed and reported.
import type { FlagSetDocument } from '../engine/types';
import { ApiError } from '../errors';
import type { EnvironmentRow, ReleaseRow } from './db';
import { effectiveConfig, type ProjectState } from './flag-set';
import { canonical } from './canonical';
import { decidesEveryone, owningRelease } from './release-ownership';
import { releaseView } from './releases';

/** A flag of an import that a running release owns in some environment, and what the import does to it. */
export interface OwnedFlag {
  flag: string;
  environment: string;
  release: { key: string; state: string; percent: number };
  /** what the import changes of it: its rules only (allowed: they decide before the release), or what the release owns */
  change: 'targeting' | 'switch' | 'variants' | 'delete';
  /** refused unless the import ends the release (releaseAction) */
  refused: boolean;
}

/** Every flag of the project the import touches that a release owns, with what the import does to it. */
export function ownedByReleases(state: ProjectState, env: EnvironmentRow, doc: FlagSetDocument, prune: boolean, now: number): { entry: OwnedFlag; row: ReleaseRow }[] {
  const out: { entry: OwnedFlag; row: ReleaseRow }[] = [];
  // a change of the rules is refused only when they would decide for every user, leaving nobody to the release
  const add = (row: ReleaseRow, flag: string, e: EnvironmentRow, change: OwnedFlag['change'], total = false) => {
    const v = releaseView(row, now);
    out.push({ row, entry: { flag, environment: e.key, release: { key: row.key, state: v.state, percent: v.status.percent }, change, refused: change !== 'targeting' || total } });
  };
  for (const flag of state.flags) {
    const def = Object.hasOwn(doc.flags, flag.key) ? doc.flags[flag.key] : undefined;
    if (!def && !prune) continue;
    for (const e of state.environments) {
      const row = owningRelease(state, e.id, flag, now);
      if (!row) continue;
      if (!def) {
        add(row, flag.key, e, 'delete');
        continue;
      }
      const used = row.flags.filter((f) => f.key === flag.key).flatMap((f) => [f.inside, f.outside]);
      if (used.some((name) => !Object.hasOwn(def.variants, name) || canonical(def.variants[name]) !== canonical(flag.variants[name]))) {
        add(row, flag.key, e, 'variants');
        continue;
      }
      if (e.id !== env.id) continue;
      const current = effectiveConfig(flag, state.configs.get(e.id)?.get(flag.id));
      if (def.state !== current.state || (def.defaultVariant ?? null) !== current.defaultVariant) add(row, flag.key, e, 'switch');
      else if (canonical(def.targeting ?? null) !== canonical(current.targeting)) add(row, flag.key, e, 'targeting', decidesEveryone(def.targeting));
    }
  }
  return out;
}

const words: Record<OwnedFlag['change'], string> = { targeting: 'rules that decide for every user', switch: 'its switch or default variant', variants: 'the variants the release serves', delete: 'deleting it' };

/** 409 RELEASE_OWNS_FLAG for an import: every flag it would change behind a running release, nothing written. */
export function importOwned(refused: OwnedFlag[]): ApiError {
  const list = refused.map((o) => `'${o.flag}' (${words[o.change]}; release '${o.release.key}' ${o.release.state.replace('_', ' ')} at ${o.release.percent} % in '${o.environment}')`).join(', ');
  return new ApiError(
    'RELEASE_OWNS_FLAG',
    `The file changes what running releases own: ${list}. Nothing was written. Roll back or kill those releases first, let them finish, or repeat with ?releaseAction=rollback or ?releaseAction=kill to end them with this import.`,
    undefined,
    { flags: refused, waysForward: ['rollback', 'kill', 'finish'] },
  );
}
