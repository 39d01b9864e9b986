// Scheduled changes in words, and the split a scheduled change sets (weights out of 10,000: 0.01 % steps), after the rules.
import { describe, expect, it } from 'vitest';
import { describeChange, splitBuckets } from './schedule';

describe('scheduled changes', () => {
  it('describe what they do', () => {
    expect(describeChange({ at: '', state: 'ENABLED' })).toBe('switch on');
    expect(describeChange({ at: '', state: 'DISABLED', defaultVariant: 'b' })).toBe('switch off, set the default variant to b');
  });

  it('say whether a split keeps the rules or the rules are replaced', () => {
    expect(describeChange({ at: '', state: 'ENABLED', split: [['on', 2500], ['off', 7500]] })).toBe('switch on, set a split after the rules (which stay): on 25 %, off 75 %');
    expect(describeChange({ at: '', targeting: { fractional: [['on', 25], ['off', 75]] } })).toBe('replace the rules: everyone: 25 % on, 75 % off');
    expect(describeChange({ at: '', targeting: { if: [{ '==': [{ var: 'plan' }, 'pro'] }, 'on'] } })).toBe('replace the rules: if plan is pro → on; otherwise → the default in the code');
    expect(describeChange({ at: '', targeting: null })).toBe('remove the rules');
  });

  it('write a split to two decimals', () => {
    expect(splitBuckets('on', 12.34, 'off')).toEqual([['on', 1234], ['off', 8766]]);
    expect(splitBuckets('on', 100, 'off')).toEqual([['on', 10000]]);
  });
});
