// A guardrail while it is typed: a threshold on a posted metric, or a sequential test of a tracking event inside vs
// outside the release; numbers as text, what is wrong with it, and the guardrail the API takes.
import type { Guardrail, GuardrailOperator, ReleaseGuardrail, SequentialGuardrail } from '../api-types-releases';

type Action = 'pause' | 'rollback';

export interface ThresholdDraft {
  kind: 'threshold';
  metric: string;
  operator: GuardrailOperator;
  threshold: string;
  windowMinutes: string;
  action: Action;
}

export interface SequentialDraft {
  kind: 'sequential';
  /** a trackingEventName apps send with client.track() */
  metric: string;
  measure: SequentialGuardrail['measure'];
  direction: SequentialGuardrail['direction'];
  minSamples: string;
  action: Action;
}

export type GuardrailDraft = ThresholdDraft | SequentialDraft;

export const newThreshold = (): ThresholdDraft => ({ kind: 'threshold', metric: 'error_rate', operator: '>', threshold: '0.02', windowMinutes: '5', action: 'rollback' });
export const newSequential = (): SequentialDraft => ({ kind: 'sequential', metric: 'checkout_error', measure: 'rate', direction: 'increase', minSamples: '200', action: 'pause' });

export function toGuardrailDraft(g: ReleaseGuardrail): GuardrailDraft {
  if (g.kind === 'sequential') return { kind: 'sequential', metric: g.metric, measure: g.measure, direction: g.direction, minSamples: String(g.minSamples ?? 200), action: g.action ?? 'pause' };
  return { kind: 'threshold', metric: g.metric, operator: g.operator, threshold: String(g.threshold), windowMinutes: String(g.windowMinutes), action: g.action ?? 'pause' };
}

const number = (text: string) => (text.trim() === '' ? NaN : Number(text));

/** What is wrong with the guardrail as typed, null for nothing. */
export function guardrailProblem(g: GuardrailDraft): string | null {
  if (!g.metric.trim()) return g.kind === 'sequential' ? 'Name the tracking event.' : 'Name the metric.';
  if (g.kind === 'threshold') {
    if (!Number.isFinite(number(g.threshold))) return 'A threshold number.';
    if (!(number(g.windowMinutes) > 0)) return 'A window of more than 0 minutes.';
    return null;
  }
  const n = number(g.minSamples);
  return Number.isInteger(n) && n >= 1 ? null : 'At least 1 sample a side (whole number).';
}

export function toGuardrail(g: GuardrailDraft): Guardrail {
  if (g.kind === 'sequential') return { kind: 'sequential', metric: g.metric.trim(), measure: g.measure, direction: g.direction, minSamples: number(g.minSamples), action: g.action };
  return { metric: g.metric.trim(), operator: g.operator, threshold: number(g.threshold), windowMinutes: number(g.windowMinutes), action: g.action };
}
