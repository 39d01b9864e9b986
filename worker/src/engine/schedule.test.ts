// Scheduled one-off changes in the engine: each takes effect at its time, over the definition before it.
import { describe, expect, it } from 'vitest';
import { compileFlagSet, evaluateFlag } from './index';
import type { FlagDefinition } from './types';

const T = Date.parse('2027-01-10T08:00:00Z');
const H = 3_600_000;

function set(def: Partial<FlagDefinition>) {
  return compileFlagSet({ flags: { f: { state: 'DISABLED', variants: { on: true, off: false }, defaultVariant: 'on', ...def } } });
}
const at = (s: ReturnType<typeof set>, now: number, ctx: Record<string, unknown> = { targetingKey: 'u1' }) => evaluateFlag(s, 'f', ctx, { now });

describe('scheduled changes', () => {
  it('switch a flag on at a time, and off again later', () => {
    const s = set({ schedule: [{ at: new Date(T + 2 * H).toISOString(), state: 'DISABLED' }, { at: new Date(T).toISOString(), state: 'ENABLED' }] });
    expect(at(s, T - 1).reason).toBe('DISABLED');
    expect(at(s, T)).toMatchObject({ value: true, reason: 'STATIC' });
    expect(at(s, T + 2 * H).reason).toBe('DISABLED');
  });

  it('set a split at a time, keeping what the change does not name', () => {
    const s = set({ state: 'ENABLED', defaultVariant: 'off', schedule: [{ at: new Date(T).toISOString(), targeting: { fractional: [['on', 50], ['off', 50]] } }] });
    const users = Array.from({ length: 2000 }, (_, i) => `u${i}`);
    expect(users.filter((u) => at(s, T - 1, { targetingKey: u }).value === true)).toHaveLength(0);
    const share = users.filter((u) => at(s, T, { targetingKey: u }).value === true).length / users.length;
    expect(share).toBeGreaterThan(0.45);
    expect(share).toBeLessThan(0.55);
  });

  it('leaves out a change without a readable time, and never affects another flag', () => {
    const s = compileFlagSet({
      flags: {
        f: { state: 'DISABLED', variants: { on: true }, defaultVariant: 'on', schedule: [{ at: 'soon', state: 'ENABLED' }] },
        g: { state: 'ENABLED', variants: { a: 'a' }, defaultVariant: 'a' },
      },
    });
    expect(evaluateFlag(s, 'f', {}, { now: T }).reason).toBe('DISABLED');
    expect(evaluateFlag(s, 'g', {}, { now: T }).value).toBe('a');
  });
});
