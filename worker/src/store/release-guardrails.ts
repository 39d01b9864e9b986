// Guardrails: metric readings against a release's thresholds, and Alertmanager alerts; a breach pauses or rolls back.
import { and, eq, gt, lte, sql } from 'drizzle-orm';
import type { AuditActor } from './audit';
import type { Db, EnvironmentRow, ProjectRow, ReleaseRow } from './db';
import { releaseAction } from './release-actions';
import { currentState, getRelease, releaseView } from './releases';
import { releaseMetrics, type Guardrail } from './schema';
import { retryStale } from './write-conditions';

interface Ctx {
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

const breaches = (g: Guardrail, v: number) =>
  g.operator === '>' ? v > g.threshold : g.operator === '>=' ? v >= g.threshold : g.operator === '<' ? v < g.threshold : v <= g.threshold;

/** Whether the action can still change anything: a paused release cannot pause again, a rolled-back one cannot roll back. */
function actionable(row: ReleaseRow, action: Guardrail['action'], now: number) {
  const s = currentState(row, now);
  return action === 'pause' ? s === 'rolling_out' : s === 'rolling_out' || s === 'paused' || s === 'scheduled' || s === 'released';
}

/** Acts unless the release no longer allows it; a person's action racing this one is read again, not overwritten. */
async function act(c: Ctx, row: ReleaseRow, action: Guardrail['action'], actor: AuditActor, cause: unknown) {
  return retryStale(async () => {
    const current = await getRelease(c.db, c.env, row.key);
    if (!actionable(current, action, c.now)) return null;
    return releaseAction({ ...c, actor }, row.key, action, { cause });
  });
}

/** Stores the readings, then checks each guardrail on their metrics over its window; the first breach acts. */
export async function recordReadings(c: Ctx, key: string, readings: Reading[]) {
  const row = await getRelease(c.db, c.env, key);
  await c.db.insert(releaseMetrics).values(readings.map((r) => ({ releaseId: row.id, metric: r.metric, value: r.value, at: r.at ? Date.parse(r.at) : c.now })));
  const metrics = new Set(readings.map((r) => r.metric));
  for (const g of row.guardrails.filter((g) => metrics.has(g.metric))) {
    const [w] = await c.db
      .select({ mean: sql<number | null>`avg(${releaseMetrics.value})`, samples: sql<number>`count(*)` })
      .from(releaseMetrics)
      .where(and(eq(releaseMetrics.releaseId, row.id), eq(releaseMetrics.metric, g.metric), gt(releaseMetrics.at, c.now - g.windowMinutes * 60_000), lte(releaseMetrics.at, c.now)));
    if (w.mean === null || w.samples < g.minSamples || !breaches(g, w.mean)) continue;
    const cause = { guardrail: g, value: w.mean, samples: w.samples, readings };
    const done = await act(c, row, g.action, { id: 'guardrail', name: `guardrail ${g.metric} (readings from ${c.actor.name})` }, cause);
    if (done) return { release: done.view!, breached: { ...g, value: w.mean, samples: w.samples }, affected: done.affected };
  }
  return { release: releaseView(row, c.now), breached: null, affected: [] as string[] };
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
