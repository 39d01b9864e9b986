// A release's measures in words: people, guardrails, intervals, decisions and why the watch paused it.
import { describe, expect, it } from 'vitest';
import { guardrailText, intervalText, outcomeText, pausedReasonText, peopleText, valueText } from './measures';

describe('release measures in words', () => {
  it('counts people the way people say it', () => {
    expect([peopleText(1240), peopleText(1239.6), peopleText(1), peopleText(0.4), peopleText(0), peopleText(1_234_567)])
      .toEqual(['about 1,240 people', 'about 1,240 people', 'about 1 person', 'nobody', 'nobody', 'about 1,234,567 people']);
  });

  it('says each kind of guardrail in one line', () => {
    expect(guardrailText({ metric: 'error_rate', operator: '>', threshold: 0.02, windowMinutes: 5, action: 'rollback' })).toBe('error_rate > 0.02 over 5 min → roll back');
    expect(guardrailText({ kind: 'sequential', metric: 'checkout_error', measure: 'rate', direction: 'increase', action: 'pause' })).toBe('checkout_error rate rises inside → pause');
    expect(guardrailText({ kind: 'sequential', metric: 'basket', measure: 'mean', direction: 'decrease', action: 'rollback' })).toBe('basket mean falls inside → roll back');
  });

  it('gives rates as percentages and their interval in points, signed', () => {
    expect(valueText(0.1234, 'rate')).toBe('12.34 %');
    expect(valueText(41.2345, 'mean')).toBe('41.2');
    expect(intervalText([0.008, 0.031], 'rate')).toBe('+0.8 to +3.1 points');
    expect(intervalText([-0.0125, 0.004], 'rate')).toBe('−1.25 to +0.4 points');
    expect(intervalText([-2.5, 4], 'mean')).toBe('−2.5 to +4');
    expect(intervalText(null, 'rate')).toBe('no interval yet');
  });

  it('reads a decision by its direction', () => {
    const d = (outcome: 'ok' | 'regression' | 'improvement' | 'insufficient') => ({ at: '', outcome, inside: { n: 1, value: 0 }, outside: { n: 1, value: 0 }, interval: null, reason: '' });
    expect(outcomeText(d('regression'), 'increase')).toBe('Higher inside: a regression');
    expect(outcomeText(d('regression'), 'decrease')).toBe('Lower inside: a regression');
    expect(outcomeText(d('insufficient'), 'increase')).toBe('Not enough samples yet');
  });

  it('says why the watch paused a release, and nothing for a person’s pause', () => {
    expect(pausedReasonText('sample_ratio_mismatch')).toMatch(/^Paused by the sample-ratio check: the share of users inside is far from the plan’s/);
    expect(pausedReasonText('no_traffic', '0 evaluations in 30 minutes.')).toMatch(/no-traffic check.*0 evaluations in 30 minutes\.$/);
    expect(pausedReasonText('guardrail')).toContain('sequential guardrail');
    expect(pausedReasonText(null)).toBeNull();
  });
});
