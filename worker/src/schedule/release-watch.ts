// The release clock's watch, once a minute per environment with a release rolling out: each sequential guardrail's
// test (inside vs outside, always valid), the sample-ratio check and the no-traffic check. A failure pauses (or rolls
// back) the release through the same audited action as any guardrail; never on a request's path.
import { and, eq } from 'drizzle-orm';
import { MINUTE, minuteOf } from '../measure/exposure-types';
import { HLL_ERROR } from '../measure/hyperloglog';
import { compare, meanSample, rateSample, SRM_CHI2, type Sample } from '../measure/sequential';
import type { Db, ReleaseRow } from '../store/db';
import { act, type Ctx } from '../store/release-guardrails';
import { currentState, releaseView } from '../store/releases';
import { environments, isSequential, projects, releases, type SequentialGuardrail } from '../store/schema';
import type { Decision, DecisionLedger, PausedReason } from './decision-ledger';
import type { ExposureLedger } from './exposure-ledger';
import type { TrackLedger } from './track-ledger';

/** Users a step needs before its inside share is checked against the plan. */
export const SRM_MIN_USERS = 1000;
/** A release whose flags are not evaluated for this long, while the environment evaluates others, has no traffic. */
export const NO_TRAFFIC_MINUTES = 30;
/** Evaluations the environment must have had in that time for silence to mean something. */
export const NO_TRAFFIC_MIN_EVALUATIONS = 1000;

interface Ledgers {
  exposures: ExposureLedger;
  tracked: TrackLedger;
  decisions: DecisionLedger;
}

/** Watches the environment's releases rolling out; answers the environments whose snapshot an action changed, and whether any is still rolling out. */
export async function watchReleases(db: Db, environmentId: string, ledgers: Ledgers, now: number): Promise<{ affected: string[]; rolling: boolean }> {
  const rows = (await db.query.releases.findMany({ where: and(eq(releases.environmentId, environmentId), eq(releases.state, 'rolling_out')) })).filter((r) => currentState(r, now) === 'rolling_out');
  if (rows.length === 0) return { affected: [], rolling: false };
  const env = (await db.query.environments.findFirst({ where: eq(environments.id, environmentId) }))!;
  const project = (await db.query.projects.findFirst({ where: eq(projects.id, env.projectId) }))!;
  const c: Ctx = { db, actor: { id: 'guardrail', name: 'release watch' }, project, env, now };
  const affected = new Set<string>();
  let rolling = false;
  for (const row of rows) {
    const finding = check(row, ledgers, now);
    if (!finding) {
      rolling = true;
      continue;
    }
    const done = await act(c, row, finding.action, { id: 'guardrail', name: `release watch (${finding.reason.replace(/_/g, ' ')})` }, { watch: finding.reason, message: finding.message, ...finding.cause });
    if (!done) continue;
    ledgers.decisions.setPause(row.key, { at: now, reason: finding.reason, message: finding.message });
    done.affected.forEach((id) => affected.add(id));
  }
  return { affected: [...affected], rolling };
}

interface Finding {
  reason: PausedReason;
  action: 'pause' | 'rollback';
  message: string;
  cause: Record<string, unknown>;
}

function check(row: ReleaseRow, l: Ledgers, now: number): Finding | null {
  for (const [i, g] of row.guardrails.entries()) {
    if (!isSequential(g)) continue;
    const d = decide(row, g, l, now);
    l.decisions.setDecision(row.key, i, d);
    if (d.outcome === 'regression') return { reason: 'guardrail', action: g.action, message: d.reason, cause: { guardrail: g, decision: d } };
  }
  const view = releaseView(row, now);
  const step = view.status.step;
  const percent = view.status.percent;
  const stepStart = step === null ? null : view.timeline[step]?.startsAt;
  if (stepStart && percent > 0 && percent < 100) {
    // whole minutes of this step only: a minute that began in the step before mixes two shares
    const users = l.exposures.users(row.key, minuteOf(Date.parse(stepStart)) + MINUTE, ['inside-random', 'outside-random']);
    const inside = users['inside-random'] ?? 0;
    const total = inside + (users['outside-random'] ?? 0);
    if (total >= SRM_MIN_USERS && sampleRatioZ2(inside, total, percent / 100) > SRM_CHI2) {
      const share = ((100 * inside) / total).toFixed(1);
      return { reason: 'sample_ratio_mismatch', action: 'pause', message: `Inside the release are ${share} % of the ${total} users bucketed this step, where the plan says ${percent} %: something besides the plan decides who is inside (a cache, a redirect, an SDK sending another key). Paused until someone looks.`, cause: { inside, total, percent } };
    }
  }
  const lastResume = Math.max(0, ...row.pauses.map((p) => p.to ?? 0));
  const since = Math.max(view.startedAt ? Date.parse(view.startedAt) : now, lastResume);
  if (percent > 0 && now - since >= NO_TRAFFIC_MINUTES * MINUTE) {
    const from = now - NO_TRAFFIC_MINUTES * MINUTE;
    const all = l.exposures.traffic('', from);
    if (all >= NO_TRAFFIC_MIN_EVALUATIONS && l.exposures.traffic(row.key, from) === 0) {
      return { reason: 'no_traffic', action: 'pause', message: `No evaluation of the release's flags in ${NO_TRAFFIC_MINUTES} minutes while the environment answered ${all}: the code that reads them may not be deployed or reached. Paused until someone looks.`, cause: { evaluations: all } };
    }
  }
  return null;
}

/** The sample-ratio statistic of an estimated share: the binomial variance plus the sketches' own error (both counts are HyperLogLog estimates). */
function sampleRatioZ2(inside: number, total: number, p: number): number {
  const s = inside / total;
  const variance = (p * (1 - p)) / total + 2 * HLL_ERROR * HLL_ERROR * s * s * (1 - s) * (1 - s);
  return (s - p) ** 2 / variance;
}

function decide(row: ReleaseRow, g: SequentialGuardrail, l: Ledgers, now: number): Decision {
  const stats = l.tracked.stats(row.key, g.metric);
  let inside: Sample;
  let outside: Sample;
  if (g.measure === 'rate') {
    const users = l.exposures.users(row.key, null, ['inside-random', 'outside-random']);
    inside = rateSample(stats.inside.users, users['inside-random'] ?? 0);
    outside = rateSample(stats.outside.users, users['outside-random'] ?? 0);
  } else {
    inside = meanSample(stats.inside.n, stats.inside.sum, stats.inside.sumsq);
    outside = meanSample(stats.outside.n, stats.outside.sum, stats.outside.sumsq);
  }
  const base = { at: new Date(now).toISOString(), inside: { n: inside.n, value: inside.mean }, outside: { n: outside.n, value: outside.mean } };
  const what = g.measure === 'rate' ? `${g.metric} per user` : `mean ${g.metric}`;
  const result = compare(inside, outside, g.minSamples);
  if (inside.n < g.minSamples || outside.n < g.minSamples || !result) {
    return { ...base, outcome: 'insufficient', interval: result?.interval ?? null, reason: `${Math.min(inside.n, outside.n)} of the ${g.minSamples} observations a side the test needs` };
  }
  const worse = g.direction === 'increase' ? result.difference > 0 : result.difference < 0;
  const outcome = !result.significant ? 'ok' : worse ? 'regression' : 'improvement';
  const shown = (x: number) => (Math.abs(x) < 1 ? x.toFixed(4) : x.toFixed(2));
  const reason =
    outcome === 'ok'
      ? `No difference in ${what} shown yet (inside ${shown(inside.mean)}, outside ${shown(outside.mean)})`
      : `${what} is ${outcome === 'regression' ? 'worse' : 'better'} inside: ${shown(inside.mean)} vs ${shown(outside.mean)} outside (difference in [${shown(result.interval[0])}, ${shown(result.interval[1])}])`;
  return { ...base, outcome, interval: result.interval, reason };
}
