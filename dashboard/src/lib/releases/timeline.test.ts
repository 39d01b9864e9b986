// A release in time in the browser: step times, the percentage at any time, the calendar entry and the chart's lines.
import { describe, expect, it } from 'vitest';
import type { Release } from '../api-types-releases';
import { chartModel, labelWidth, placeLabels, previewModel } from './chart';
import { calendarEntry, overlaps, percentAt, plannedTimeline, planPercent, stepOffsets } from './timeline';

const T0 = Date.parse('2027-03-03T09:00:00Z');
const MIN = 60_000;
const iso = (t: number) => new Date(t).toISOString();
const steps = [{ percent: 1, holdMinutes: 120 }, { percent: 10, holdMinutes: 360 }, { percent: 50, holdMinutes: 960 }, { percent: 100, holdMinutes: 1440 }];

const release = (over: Partial<Release> = {}): Release => ({
  key: 'new-checkout', name: 'New checkout', owner: 'maya', notes: '', bucketBy: 'targetingKey', state: 'rolling_out', killed: false,
  flags: [{ key: 'checkout-v2', inside: 'on', outside: 'off' }], plan: { steps }, timeline: plannedTimeline(steps, T0), startAt: iso(T0), startedAt: iso(T0), pausedAt: null, endedAt: null,
  guardrails: [], status: { percent: 1, step: 0, nextStepAt: iso(T0 + 120 * MIN), releasedAt: null }, createdAt: iso(T0 - 86_400_000), updatedAt: iso(T0), ...over
});

/** The plan's times with the steps from `from` on waiting (behind a pause, or never to come). */
const waiting = (from: number) => plannedTimeline(steps, T0).map((s) => (s.step >= from ? { ...s, startsAt: null } : s));

describe('the plan in time', () => {
  it('starts each step after the holds before it', () => {
    expect(stepOffsets(steps).map((o) => o / MIN)).toEqual([0, 120, 480, 1440]);
    expect([-1, 0, 119, 120, 480, 10_000].map((m) => planPercent(steps, m * MIN))).toEqual([0, 1, 1, 10, 50, 100]);
  });

  it('is 0 before the start, frozen while paused, 0 after a rollback and 100 once released', () => {
    expect(percentAt(release(), T0 - 1)).toBe(0);
    expect(percentAt(release(), T0 + 200 * MIN)).toBe(10);
    const paused = release({ state: 'paused', pausedAt: iso(T0 + 200 * MIN), timeline: waiting(2), status: { percent: 10, step: 1, nextStepAt: null, releasedAt: null } });
    expect(percentAt(paused, T0 + 2000 * MIN)).toBe(10);
    const back = release({ state: 'rolled_back', endedAt: iso(T0 + 130 * MIN), timeline: waiting(2) });
    expect([percentAt(back, T0 + 125 * MIN), percentAt(back, T0 + 130 * MIN)]).toEqual([10, 0]);
    const done = release({ state: 'released', status: { percent: 100, step: 3, nextStepAt: null, releasedAt: iso(T0 + 2880 * MIN) } });
    expect(percentAt(done, T0 + 9000 * MIN)).toBe(100);
  });
});

describe('the calendar entry', () => {
  it('gives each step its start and the plan its end', () => {
    const e = calendarEntry('production', release());
    expect(e.steps.map((s) => s.startsAt)).toEqual([0, 120, 480, 1440].map((m) => iso(T0 + m * MIN)));
    expect(e).toMatchObject({ environment: 'production', endAt: iso(T0 + 2880 * MIN), flags: ['checkout-v2'] });
    expect(overlaps(e, T0 + 2880 * MIN, T0 + 3000 * MIN)).toBe(true);
    expect(overlaps(e, T0 + 2881 * MIN, T0 + 3000 * MIN)).toBe(false);
  });

  it('keeps the true times of the steps taken after a pause and resume: only the later steps move', () => {
    const resumed = plannedTimeline(steps, T0).map((s) => (s.step >= 2 ? { ...s, startsAt: iso(Date.parse(s.startsAt!) + 30 * MIN) } : s));
    const e = calendarEntry('production', release({ timeline: resumed }));
    expect(e.steps.map((s) => s.startsAt)).toEqual([0, 120, 510, 1470].map((m) => iso(T0 + m * MIN)));
    expect(e.endAt).toBe(iso(T0 + 2910 * MIN));
  });

  it('says which steps will not come as planned after a pause, and that a paused or draft-without-start release has no end', () => {
    const e = calendarEntry('production', release({ state: 'paused', pausedAt: iso(T0 + 200 * MIN), timeline: waiting(2) }));
    expect(e.steps.map((s) => s.startsAt !== null)).toEqual([true, true, false, false]);
    expect(e.endAt).toBeNull();
    expect(overlaps(calendarEntry('dev', release({ state: 'draft', startAt: null, timeline: plannedTimeline(steps, null) })), 0, Number.MAX_SAFE_INTEGER)).toBe(false);
  });
});

describe('the chart', () => {
  it('draws what ran up to now solid and the rest of the plan dashed, steps marked on each', () => {
    const now = T0 + 200 * MIN;
    const m = chartModel(release({ status: { percent: 10, step: 1, nextStepAt: iso(T0 + 480 * MIN), releasedAt: null } }), now);
    expect(m.ran).toEqual([{ t: T0, percent: 1 }, { t: T0 + 120 * MIN, percent: 1 }, { t: T0 + 120 * MIN, percent: 10 }, { t: now, percent: 10 }]);
    expect(m.planned[0]).toEqual({ t: now, percent: 10 });
    expect(m.planned[m.planned.length - 1]).toEqual({ t: T0 + 2880 * MIN, percent: 100 });
    expect(m.steps.map((s) => `${s.step}${s.planned ? '?' : ''}`)).toEqual(['0', '1', '2?', '3?']);
    expect([m.from, m.to]).toEqual([T0, T0 + 2880 * MIN]);
  });

  it('holds a paused release flat and plans the rest as if resumed now', () => {
    const now = T0 + 300 * MIN;
    const m = chartModel(release({ state: 'paused', pausedAt: iso(T0 + 200 * MIN), timeline: waiting(2), status: { percent: 10, step: 1, nextStepAt: null, releasedAt: null } }), now);
    expect(m.ran[m.ran.length - 1]).toEqual({ t: now, percent: 10 });
    expect(m.pausedAt).toBe(T0 + 200 * MIN);
    // the next step (50 %) comes after the rest of its hold: 480 - 200 minutes from now
    expect(m.planned.find((p) => p.percent === 50)?.t).toBe(now + 280 * MIN);
  });

  it('drops to 0 at a kill and plans nothing after it', () => {
    const now = T0 + 300 * MIN;
    const m = chartModel(release({ state: 'rolled_back', killed: true, endedAt: iso(T0 + 250 * MIN), timeline: waiting(2), status: { percent: 0, step: null, nextStepAt: null, releasedAt: null } }), now);
    expect(m.ran.slice(-2)).toEqual([{ t: T0 + 250 * MIN, percent: 0 }, { t: now, percent: 0 }]);
    expect(m.planned).toEqual([]);
  });

  it('draws the steps taken at their true times after a resume', () => {
    const now = T0 + 600 * MIN;
    const resumed = plannedTimeline(steps, T0).map((s) => (s.step >= 2 ? { ...s, startsAt: iso(Date.parse(s.startsAt!) + 30 * MIN) } : s));
    const m = chartModel(release({ timeline: resumed, status: { percent: 50, step: 2, nextStepAt: iso(T0 + 1470 * MIN), releasedAt: null } }), now);
    expect(m.steps.filter((s) => !s.planned).map((s) => (s.at - T0) / MIN)).toEqual([0, 120, 510]);
    expect(m.steps.filter((s) => s.planned).map((s) => (s.at - T0) / MIN)).toEqual([1470]);
  });

  it('plans a draft from now without a start; one starting much later is drawn from shortly before its start', () => {
    const now = T0 - 600 * MIN;
    const m = previewModel(steps, null, now);
    expect(m.ran).toEqual([]);
    expect(m.planned[0]).toEqual({ t: now, percent: 1 });
    const later = previewModel(steps, iso(T0), now);
    expect(later.startsLater).toBe(true);
    expect(later.from).toBeGreaterThan(now);
    expect(later.from).toBeLessThan(T0);
    expect(later.planned[0]).toEqual({ t: later.from, percent: 0 });
    // the plan takes most of the chart, not the right edge of a day of waiting
    expect((T0 - later.from) / (later.to - later.from)).toBeLessThan(0.1);
  });
});

describe('the chart’s labels', () => {
  const overlap = (a: [number, number], b: [number, number]) => a[0] < b[1] && b[0] < a[1];

  it.each([
    ['far apart', 200, 500],
    ['the same place', 300, 300],
    ['a few pixels apart', 300, 306],
    ['at the right edge', 620, 628],
    ['at the left edge', 0, 3]
  ])('"now" and "paused" never overlap: %s', (_name, paused, now) => {
    for (const width of [640, 1160, 360]) {
      const placed = placeLabels([{ x: paused, text: 'paused' }, { x: now, text: 'now' }], width);
      expect(placed).toHaveLength(2);
      const [a, b] = placed;
      if (a.row === b.row) expect(overlap(a.box, b.box)).toBe(false);
      for (const l of placed) expect(l.box[1] - l.box[0]).toBe(labelWidth(l.text));
    }
  });

  it('keeps labels inside the chart where they fit', () => {
    const [label] = placeLabels([{ x: 630, text: 'now' }], 640);
    expect(label.anchor).toBe('end');
    expect(label.box[1]).toBeLessThanOrEqual(640);
  });
});
