// The release overview: every environment's releases that need someone's eye now — paused (by a person or a
// guardrail), rolling out, scheduled — soonest first, and what CI shipped that no release has shown to users yet.
import type { AuditEntry } from '../api-types';
import type { Release } from '../api-types-releases';

export interface OverviewRow {
  env: string;
  release: Release;
  /** the guardrail that paused it, when one did ("guardrail error_rate (readings)") */
  pausedBy: string | null;
}

export interface OverviewGroups {
  paused: OverviewRow[];
  rollingOut: OverviewRow[];
  scheduled: OverviewRow[];
}

const soonest = (r: Release) => Date.parse(r.status.nextStepAt ?? r.startAt ?? '') || Number.MAX_SAFE_INTEGER;

/** Who paused each paused release, from the newest pause entries of the history (by release resource). */
export function pausedBy(entries: AuditEntry[]): Map<string, string> {
  const by = new Map<string, string>();
  for (const e of entries) if (e.action === 'release.pause' && !by.has(e.resource)) by.set(e.resource, e.actor);
  return by;
}

export function overviewGroups(byEnv: { env: string; releases: Release[] }[], pauses: Map<string, string>, project: string): OverviewGroups {
  const rows = byEnv.flatMap(({ env, releases }) =>
    releases.map((release) => {
      const actor = pauses.get(`projects/${project}/environments/${env}/releases/${release.key}`) ?? null;
      return { env, release, pausedBy: release.state === 'paused' && actor?.startsWith('guardrail') ? actor : null };
    })
  );
  const of = (state: Release['state']) => rows.filter((r) => r.release.state === state && !r.release.killed).sort((a, b) => soonest(a.release) - soonest(b.release));
  return { paused: of('paused'), rollingOut: of('rolling_out'), scheduled: of('scheduled') };
}
