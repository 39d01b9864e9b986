// When `wait` may say "nothing serves an older version": from the propagation status and the server's clock.
import { describe, expect, it } from 'vitest';
import type { Propagation } from './api';
import { PROPAGATION_BOUND_MS, verdict } from './wait';

const published = Date.parse('2026-12-01T10:00:00Z');
const status = (version: number, locations: [string, number, number][]): Propagation => ({
  version,
  publishedAt: new Date(published).toISOString(),
  locations: locations.map(([location, isolates, appliedIsolates]) => ({ location, isolates, appliedIsolates, lastAppliedAt: null })),
  applied: {
    locations: locations.filter(([, i, a]) => i === a).length,
    isolates: locations.reduce((n, [, , a]) => n + a, 0),
    ofLocations: locations.length,
    ofIsolates: locations.reduce((n, [, i]) => n + i, 0),
  },
  lastAppliedAt: null,
});

describe('wait verdict', () => {
  it('is done at once when every location applies the version, or none has served', () => {
    expect(verdict(status(5, [['AMS', 2, 2], ['DFW', 1, 1]]), 5, published + 100)).toMatchObject({ done: true, serving: 2, idle: 0 });
    expect(verdict(status(5, []), 5, published)).toMatchObject({ done: true, serving: 0, idle: 0 });
  });

  it('waits for locations behind until the propagation bound, then counts them idle', () => {
    const s = status(5, [['AMS', 2, 2], ['DFW', 1, 0]]);
    expect(verdict(s, 5, published + PROPAGATION_BOUND_MS - 1)).toMatchObject({ done: false });
    expect(verdict(s, 5, published + PROPAGATION_BOUND_MS)).toMatchObject({ done: true, serving: 1, idle: 1 });
  });

  it('is never done while the version is not at the edge', () => {
    expect(verdict(status(4, []), 5, published + 60_000)).toMatchObject({ done: false, text: 'version 5 is not at the edge yet (the newest there is 4)' });
  });
});
