// Exposure series: every minute of the window, sides summed over variants, gaps as 0.
import { describe, expect, it } from 'vitest';
import { exposureSeries, exposureWindow, seriesSummary } from './exposure-series';

const at = (min: number) => new Date(Date.UTC(2027, 0, 1, 12, min)).toISOString();
const T0 = Date.parse(at(0));

describe('exposure series', () => {
  it('sums each side over variants per minute and fills the minutes without evaluations', () => {
    const s = exposureSeries({
      minutes: [
        { at: at(1), variants: { on: { count: 3, inside: 3 }, off: { count: 10, outside: 10 } } },
        { at: at(3), variants: { on: { count: 2, inside: 2, outside: 0 }, off: { count: 4, outside: 4 }, '(none)': { count: 5 } } },
        { at: at(9), variants: { on: { count: 99, inside: 99 } } }
      ]
    }, T0 + 30_000, T0 + 5 * 60_000);
    expect(s.points.map((p) => [p.inside, p.outside])).toEqual([[0, 0], [3, 10], [0, 0], [2, 4], [0, 0]]);
    expect([s.inside, s.outside, s.peak]).toEqual([5, 14, 10]);
    expect(seriesSummary('checkout', s, 'in the last hour')).toBe('Evaluations of checkout per minute in the last hour: 5 inside the release, 14 outside');
  });

  it('charts the last hour, or since the start if later, and nothing before it starts', () => {
    const now = T0 + 120 * 60_000;
    expect(exposureWindow(null, now)).toBeNull();
    expect(exposureWindow(at(100), now)).toEqual({ from: T0 + 100 * 60_000, to: now });
    expect(exposureWindow(at(0), now)).toEqual({ from: now - 60 * 60_000, to: now });
  });
});
