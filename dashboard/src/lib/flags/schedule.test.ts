// Scheduled changes in words, and the split a scheduled change sets (weights out of 10,000: 0.01 % steps).
import { describe, expect, it } from 'vitest';
import { describeChange, splitTargeting } from './schedule';

describe('scheduled changes', () => {
  it('describe what they do', () => {
    expect(describeChange({ at: '', state: 'ENABLED' })).toBe('switch on');
    expect(describeChange({ at: '', state: 'DISABLED', defaultVariant: 'b' })).toBe('switch off, set the default variant to b');
    expect(describeChange({ at: '', targeting: { fractional: [['on', 25], ['off', 75]] } })).toBe('set a split: on 25 %, off 75 %');
    expect(describeChange({ at: '', targeting: { if: [true, 'on'] } })).toBe('replace the rules');
  });

  it('write a split to two decimals', () => {
    expect(splitTargeting('on', 12.34, 'off')).toEqual({ fractional: [['on', 1234], ['off', 8766]] });
    expect(splitTargeting('on', 100, 'off')).toEqual({ fractional: [['on', 10000]] });
  });
});
