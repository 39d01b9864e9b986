// Guardrails: a window value per guardrail — the mean of metric readings, or the share of negative feedback — against
// its threshold; Alertmanager alerts. A breach pauses or rolls back the release.
import { and, eq, gt, lte, sql } from 'drizzle-orm';
import { ApiError } from '../errors';
import type { AuditActor } from './audit';
import type { Db, EnvironmentRow, ProjectRow, ReleaseRow } from './db';
import { negativeShare } from './feedback';
import { releaseAction } from './release-actions';
import { currentState, getRelease, releaseView } from './releases';
import { environments, isSequential, projects, releaseMetrics, releases, type Guardrail, type ThresholdGuardrail } from './schema';
import { retryStale } from './write-conditions';

const thresholds = (row: ReleaseRow) => row.guardrails.filter((g): g is ThresholdGuardrail => !isSequential(g));

export interface Ctx {
  db: Db;
  actor: AuditActor;
  project: ProjectRow;
  env: EnvironmentRow;
  now: number;
}

export interface Reading {
  metric: string;
  value: number;
  at?: string;
}

/** The guardrail metric fed by POST /v1/feedback rather than by readings: negative ratings over all ratings from users inside. */
export const FEEDBACK_METRIC = 'feedback.negative_share';

const breaches = (g: ThresholdGuardrail, v: number) =>
  g.operator === '>' ? v > g.threshold : g.operator === '>=' ? v >= g.threshold : g.operator === '<' ? v < g.threshold : v <= g.threshold;

/** Whether the action can still change anything: a paused release cannot pause again, a rolled-back one cannot roll back. */
function actionable(row: ReleaseRow, action: Guardrail['action'], now: number) {
  const s = currentState(row, now);
  return action === 'pause' ? s === 'rolling_out' : s === 'rolling_out' || s === 'paused' || s === 'scheduled' || s === 'released';
}

/** Acts unless the release no longer allows it; a person's action racing this one is read again, not overwritten. */
export async function act(c: Ctx, row: ReleaseRow, action: Guardrail['action'], actor: AuditActor, cause: unknown) {
  return retryStale(async () => {
    const current = await getRelease(c.db, c.env, row.key);
    if (!actionable(current, action, c.now)) return null;
    return releaseAction({ ...c, actor }, row.key, action, { cause });
  });
}

/** A guardrail's value over its window ending at `now`, and how many samples it is over (null: no samples). */
async function windowValue(db: Db, row: ReleaseRow, g: ThresholdGuardrail, now: number): Promise<{ value: number | null; samples: number }> {
  const from = now - g.windowMinutes * 60_000;
  if (g.metric === FEEDBACK_METRIC) return negativeShare(db, row.id, from, now);
  const [w] = await db
    .select({ value: sql<number | null>`avg(${releaseMetrics.value})`, samples: sql<number>`count(*)` })
    .from(releaseMetrics)
    .where(and(eq(releaseMetrics.releaseId, row.id), eq(releaseMetrics.metric, g.metric), gt(releaseMetrics.at, from), lte(releaseMetrics.at, now)));
  return w;
}

/** Checks `guardrails` of the release over their windows; the first breach acts, recorded with what caused it. */
async function check(c: Ctx, row: ReleaseRow, guardrails: ThresholdGuardrail[], source: string, cause: Record<string, unknown>) {
  for (const g of guardrails) {
    const w = await windowValue(c.db, row, g, c.now);
    if (w.value === null || w.samples < g.minSamples || !breaches(g, w.value)) continue;
    const done = await act(c, row, g.action, { id: 'guardrail', name: `guardrail ${g.metric} (${source})` }, { guardrail: g, value: w.value, samples: w.samples, ...cause });
    if (done) return { release: done.view!, breached: { ...g, value: w.value, samples: w.samples }, affected: done.affected };
  }
  return { release: releaseView(row, c.now), breached: null, affected: [] as string[] };
}

/** Stores the readings, then checks each guardrail on their metrics over its window; the first breach acts. */
export async function recordReadings(c: Ctx, key: string, readings: Reading[]) {
  const fed = readings.findIndex((r) => r.metric === FEEDBACK_METRIC);
  if (fed >= 0) {
    const path = readings.length === 1 ? '/metric' : `/readings/${fed}/metric`;
    throw new ApiError('VALIDATION_FAILED', `Invalid input: ${path} ${FEEDBACK_METRIC} comes from feedback (POST /v1/feedback), not from readings`, [{ path, message: 'is fed by feedback' }]);
  }
  const row = await getRelease(c.db, c.env, key);
  const rows = readings.map((r) => ({ releaseId: row.id, metric: r.metric, value: r.value, at: r.at ? Date.parse(r.at) : c.now }));
  // 20 rows of 4 values a statement: D1 binds at most 100 parameters per statement
  const inserts = Array.from({ length: Math.ceil(rows.length / 20) }, (_, i) => c.db.insert(releaseMetrics).values(rows.slice(i * 20, i * 20 + 20)));
  await c.db.batch(inserts as [(typeof inserts)[number], ...(typeof inserts)[number][]]);
  const metrics = new Set(readings.map((r) => r.metric));
  return check(c, row, thresholds(row).filter((g) => metrics.has(g.metric)), `readings from ${c.actor.name}`, { readings });
}

/**
 * After feedback on a release has been stored: checks its feedback guardrails, if any (one read when it has none).
 * `source` names who sent it, for the audit log.
 */
export async function feedbackArrived(db: Db, environmentId: string, releaseKey: string, source: string, now: number) {
  const row = await db.query.releases.findFirst({ where: and(eq(releases.environmentId, environmentId), eq(releases.key, releaseKey)) });
  const guardrails = row ? thresholds(row).filter((g) => g.metric === FEEDBACK_METRIC) : [];
  if (!row || guardrails.length === 0) return { breached: null, affected: [] as string[] };
  const env = (await db.query.environments.findFirst({ where: eq(environments.id, environmentId) }))!;
  const project = (await db.query.projects.findFirst({ where: eq(projects.id, env.projectId) }))!;
  return check({ db, actor: { id: 'feedback', name: source }, project, env, now }, row, guardrails, source, {});
}

interface Alert {
  status?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string;
}

/**
 * A Prometheus Alertmanager webhook: each firing alert labelled `release="<key>"` acts on that release of this
 * environment — the action in its `action` label, else that of the guardrail named like the alert, else pause.
 */
export async function receiveAlerts(c: Ctx, alerts: Alert[]) {
  const acted: { release: string; action: Guardrail['action']; alert: string }[] = [];
  const ignored: { alert: string; reason: string }[] = [];
  const affected = new Set<string>();
  for (const alert of alerts) {
    const name = alert.labels?.alertname ?? '(unnamed)';
    const key = alert.labels?.release;
    if (alert.status !== 'firing') continue;
    if (!key) {
      ignored.push({ alert: name, reason: 'no release label' });
      continue;
    }
    const row = await getRelease(c.db, c.env, key).catch(() => null);
    if (!row) {
      ignored.push({ alert: name, reason: `no release '${key}' in this environment` });
      continue;
    }
    const label = alert.labels?.action;
    const action: Guardrail['action'] = label === 'rollback' || label === 'pause' ? label : (row.guardrails.find((g) => g.metric === name)?.action ?? 'pause');
    const done = await act(c, row, action, { id: 'alertmanager', name: `alertmanager ${name} (via ${c.actor.name})` }, { alert: { labels: alert.labels, annotations: alert.annotations, startsAt: alert.startsAt } });
    if (!done) {
      ignored.push({ alert: name, reason: `release '${key}' is ${currentState(row, c.now).replace('_', ' ')}` });
      continue;
    }
    done.affected.forEach((id) => affected.add(id));
    acted.push({ release: key, action, alert: name });
  }
  return { acted, ignored, affected: [...affected] };
}
