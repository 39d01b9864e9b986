// The project as the edge serves it at a time. The edge applies scheduled changes and ends release plans by the
// clock, before the release clock records them in D1: views show that state (effectiveState, pure), and writes
// first record what is due (settledState), so that no write computes from a config the edge no longer serves.
import type { Db } from './db';
import { configAfter, effectiveConfig, loadProjectState, type ProjectState } from './flag-set';
import { endedConfigs, withConfigs } from './release-end';
import { advanceReleases } from './release-progress';
import { currentState } from './release-state';
import { releasePosition } from '../engine';
import { releaseDefinition } from './release-definition';
import { applyDueChanges } from './schedule-recording';

/** Releases whose plan ran to its end by `now` whose end is not recorded yet, with when it ended. */
function endedUnrecorded(state: ProjectState, now: number) {
  return state.releases
    .filter((r) => (r.state === 'rolling_out' || r.state === 'scheduled') && currentState(r, now) === 'released')
    .map((r) => ({ row: r, at: releasePosition({ ...releaseDefinition(r)!, state: 'rolling_out' }, now).completeAt ?? now }));
}

/** The state with every scheduled change due by `now` and every plan ended by `now` applied, in time order. */
export function effectiveState(state: ProjectState, now: number): ProjectState {
  const due = state.schedules.filter((s) => s.at <= now);
  const ended = endedUnrecorded(state, now);
  if (!due.length && !ended.length) return state;
  const events = [...due.map((s) => ({ at: s.at, schedule: s })), ...ended.map((e) => ({ at: e.at, release: e.row }))].sort((a, b) => a.at - b.at);
  let next: ProjectState = { ...state, schedules: state.schedules.filter((s) => s.at > now) };
  for (const e of events) {
    if ('schedule' in e && e.schedule) {
      const flag = next.flags.find((f) => f.id === e.schedule.flagId);
      if (!flag) continue;
      const after = configAfter(effectiveConfig(flag, next.configs.get(e.schedule.environmentId)?.get(flag.id)), e.schedule.change);
      next = withConfigs(next, e.schedule.environmentId, [{ flag, before: after, after }], now);
    } else if ('release' in e && e.release) {
      const row = { ...e.release, state: 'released' as const, endedAt: e.at };
      next = withConfigs(next, row.environmentId, endedConfigs(next, e.release, 'released', now), now);
      next = { ...next, releases: next.releases.map((r) => (r.id === row.id ? row : r)) };
    }
  }
  return next;
}

/**
 * The project's state for a write to compute from, with what is due by `now` recorded first, as the release clock
 * records it. Answers the environments whose configs that changed, to publish with the write.
 */
export async function settledState(db: Db, projectId: string, now: number): Promise<{ state: ProjectState; settled: string[] }> {
  const state = await loadProjectState(db, projectId);
  const envs = [...new Set([...endedUnrecorded(state, now).map((e) => e.row.environmentId), ...state.schedules.filter((s) => s.at <= now).map((s) => s.environmentId)])];
  if (!envs.length) return { state, settled: [] };
  for (const id of envs) {
    await advanceReleases(db, id, now);
    await applyDueChanges(db, id, now);
  }
  return { state: await loadProjectState(db, projectId), settled: envs };
}
