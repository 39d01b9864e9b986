// Split percentages: two decimals, weights out of 10,000, shares that always add up to 100 %.
import { describe, expect, it } from 'vitest';
import { BASIS, evenSplit, formatPercent, onBasis, percentages, setPercent, splitProblem } from './split';

const b = (...weights: number[]) => weights.map((weight, i) => ({ variant: `v${i}`, weight }));
const w = (buckets: { weight: number }[]) => buckets.map((x) => x.weight);

describe('split percentages', () => {
  it('shows shares to two decimals whatever the weights add up to', () => {
    expect(percentages(b(10, 90)).map(formatPercent)).toEqual(['10.00 %', '90.00 %']);
    expect(percentages(b(1, 9999)).map(formatPercent)).toEqual(['0.01 %', '99.99 %']);
    expect(percentages(b(1, 1, 1)).map(formatPercent)).toEqual(['33.33 %', '33.33 %', '33.33 %']);
  });

  it('moves weights onto 10,000 keeping the total exact', () => {
    expect(w(onBasis(b(1, 1, 1)))).toEqual([3334, 3333, 3333]);
    expect(w(onBasis(b(10, 90)))).toEqual([1000, 9000]);
    expect(w(onBasis(b(2500, 7500)))).toEqual([2500, 7500]);
  });

  it('a canary is one number: the other bucket takes the rest, to 0.01 %', () => {
    expect(w(setPercent(b(10, 90), 0, 0.01))).toEqual([1, 9999]);
    expect(w(setPercent(b(10, 90), 1, 75.555))).toEqual([2444, 7556]);
    expect(w(setPercent(b(10, 90), 0, 120))).toEqual([BASIS, 0]);
    expect(w(setPercent(b(10, 90), 0, -5))).toEqual([0, BASIS]);
  });

  it('with three buckets the last one gives or takes, never below 0', () => {
    const a = setPercent(b(1, 1, 1), 0, 20);
    expect(w(a)).toEqual([2000, 3333, 4667]);
    expect(w(setPercent(a, 1, 30))).toEqual([2000, 3000, 5000]);
    expect(w(setPercent(a, 1, 90))).toEqual([2000, 8000, 0]);
    expect(w(setPercent(a, 2, 10))).toEqual([2000, 7000, 1000]);
  });

  it('splits evenly out of 10,000', () => {
    expect(w(evenSplit(b(0, 0, 0)))).toEqual([3334, 3333, 3333]);
  });

  it('refuses splits the engine would refuse or that serve nobody', () => {
    expect(splitProblem([])).toMatch(/at least one/);
    expect(splitProblem(b(0, 0))).toMatch(/above 0/);
    expect(splitProblem(b(1.5, 2))).toMatch(/whole numbers/);
    expect(splitProblem([{ variant: 'a', weight: 1 }, { variant: 'a', weight: 1 }])).toMatch(/once/);
    expect(splitProblem(b(10, 90))).toBeNull();
  });
});
