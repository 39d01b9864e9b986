// Guardrails as typed: both kinds round-trip to what the API takes, and what is wrong with each is said.
import { describe, expect, it } from 'vitest';
import { guardrailProblem, newSequential, newThreshold, toGuardrail, toGuardrailDraft } from './guardrail-draft';

describe('guardrail drafts', () => {
  it('turns a sequential guardrail into the API’s shape and back', () => {
    const g = { ...newSequential(), metric: ' checkout_error ', minSamples: '300', action: 'rollback' as const };
    expect(toGuardrail(g)).toEqual({ kind: 'sequential', metric: 'checkout_error', measure: 'rate', direction: 'increase', minSamples: 300, action: 'rollback' });
    expect(toGuardrailDraft({ kind: 'sequential', metric: 'basket', measure: 'mean', direction: 'decrease' })).toEqual({ kind: 'sequential', metric: 'basket', measure: 'mean', direction: 'decrease', minSamples: '200', action: 'pause' });
  });

  it('keeps a threshold guardrail as before (no kind sent)', () => {
    expect(toGuardrail(newThreshold())).toEqual({ metric: 'error_rate', operator: '>', threshold: 0.02, windowMinutes: 5, action: 'rollback' });
    expect(toGuardrailDraft({ metric: 'p95', operator: '<=', threshold: 300, windowMinutes: 10 })).toMatchObject({ kind: 'threshold', threshold: '300', windowMinutes: '10', action: 'pause' });
  });

  it('says what is wrong', () => {
    expect(guardrailProblem(newSequential())).toBeNull();
    expect(guardrailProblem({ ...newSequential(), metric: ' ' })).toBe('Name the tracking event.');
    expect(guardrailProblem({ ...newSequential(), minSamples: '2.5' })).toMatch(/whole number/);
    expect(guardrailProblem({ ...newThreshold(), threshold: '' })).toBe('A threshold number.');
    expect(guardrailProblem({ ...newThreshold(), windowMinutes: '0' })).toMatch(/window/);
  });
});
