// The calendar's days and events: Monday weeks, whole weeks for a month, and release events on their days.
import { describe, expect, it } from 'vitest';
import type { CalendarEntry } from '../api-types-releases';
import { calendarDays, dayKey, eventsAt, eventsOf, eventsOn, rangeOf, shift, weekHours } from './calendar-grid';

const entry = (over: Partial<CalendarEntry>): CalendarEntry => ({
  environment: 'production', key: 'k', name: 'K', owner: null, state: 'rolling_out', killed: false, flags: ['f'], startAt: null, pausedAt: null, endAt: null, steps: [], ...over
});
const local = (y: number, m: number, d: number, h = 0) => new Date(y, m - 1, d, h).toISOString();

describe('calendar days', () => {
  it('shows a week from its Monday, and a month as the whole weeks covering it', () => {
    expect(calendarDays('week', new Date(2027, 2, 4)).flat().map(dayKey)).toEqual(['2027-03-01', '2027-03-02', '2027-03-03', '2027-03-04', '2027-03-05', '2027-03-06', '2027-03-07']);
    const march = calendarDays('month', new Date(2027, 2, 15));
    expect(march).toHaveLength(5);
    expect([dayKey(march[0][0]), dayKey(march[4][6])]).toEqual(['2027-03-01', '2027-04-04']);
    const feb = calendarDays('month', new Date(2027, 1, 10));
    expect([dayKey(feb[0][0]), dayKey(feb[feb.length - 1][6])]).toEqual(['2027-02-01', '2027-02-28']);
    expect(dayKey(rangeOf(feb).to)).toBe('2027-03-01');
  });

  it('moves a week or a month at a time', () => {
    expect(dayKey(shift('week', new Date(2027, 2, 4), 1))).toBe('2027-03-11');
    expect(dayKey(shift('month', new Date(2027, 0, 31), 1))).toBe('2027-02-01');
  });
});

describe('calendar events', () => {
  it('places the start, each step and the end on their days, in time order', () => {
    const running = entry({ key: 'a', steps: [{ step: 0, percent: 1, startsAt: local(2027, 3, 3, 9) }, { step: 1, percent: 100, startsAt: local(2027, 3, 4, 9) }], endAt: local(2027, 3, 5, 9) });
    const killed = entry({ key: 'b', state: 'rolled_back', killed: true, steps: [{ step: 0, percent: 5, startsAt: local(2027, 3, 3, 8) }, { step: 1, percent: 50, startsAt: null }], endAt: local(2027, 3, 3, 10) });
    const events = eventsOf([running, killed]);
    expect(events.map((e) => `${e.entry.key} ${e.label}`)).toEqual(['b starts at 5 %', 'a starts at 1 %', 'b killed', 'a 100 %', 'a released (planned)']);
    expect(eventsOn(events, new Date(2027, 2, 3)).map((e) => e.kind)).toEqual(['start', 'start', 'end']);
    expect(eventsOn(events, new Date(2027, 2, 6))).toEqual([]);
  });
});

describe('the week view', () => {
  it('shows the working day and every hour an event of the week falls in, each event in its hour', () => {
    const week = calendarDays('week', new Date(2027, 2, 4))[0];
    const early = entry({ key: 'a', steps: [{ step: 0, percent: 1, startsAt: local(2027, 3, 3, 6) }, { step: 1, percent: 100, startsAt: local(2027, 3, 3, 21) }] });
    const nextWeek = entry({ key: 'b', steps: [{ step: 0, percent: 1, startsAt: local(2027, 3, 9, 2) }] });
    const events = eventsOf([early, nextWeek]);
    expect(weekHours(events, week)).toEqual([6, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 21]);
    expect(eventsAt(events, new Date(2027, 2, 3), 21).map((e) => e.label)).toEqual(['100 %']);
    expect(eventsAt(events, new Date(2027, 2, 3), 8)).toEqual([]);
  });
});
