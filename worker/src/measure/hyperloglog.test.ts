import { describe, expect, it } from 'vitest';
import { HLL_ERROR, HyperLogLog } from './hyperloglog';

const fill = (from: number, to: number, prefix = 'user') => {
  const h = new HyperLogLog();
  for (let i = from; i < to; i++) h.add(`${prefix}-${i}`);
  return h;
};

describe('HyperLogLog', () => {
  it('counts small sets almost exactly', () => {
    expect(fill(0, 0).estimate()).toBe(0);
    expect(fill(0, 1).estimate()).toBe(1);
    expect(Math.abs(fill(0, 200).estimate() - 200)).toBeLessThanOrEqual(2);
  });

  it('ignores repeats of the same user', () => {
    const h = fill(0, 500);
    for (let i = 0; i < 500; i++) h.add(`user-${i}`);
    expect(h.estimate()).toBe(fill(0, 500).estimate());
  });

  it('estimates large sets within three standard errors', () => {
    for (const n of [20_000, 100_000]) expect(Math.abs(fill(0, n).estimate() - n) / n).toBeLessThan(3 * HLL_ERROR);
  });

  it('merges overlapping sketches as the union of their users', () => {
    const union = fill(0, 30_000).merge(fill(20_000, 50_000));
    expect(Math.abs(union.estimate() - 50_000) / 50_000).toBeLessThan(3 * HLL_ERROR);
    expect(union.registers).toEqual(fill(0, 50_000).registers);
  });
});
