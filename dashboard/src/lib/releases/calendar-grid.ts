// The release calendar's days and events: weeks starting on Monday, a month as whole weeks, and each release's start,
// steps and end placed on the day they happen (in the viewer's time zone).
import type { CalendarEntry } from '../api-types-releases';

export type CalendarScale = 'week' | 'month';

export interface CalendarEvent {
  at: number;
  entry: CalendarEntry;
  kind: 'start' | 'step' | 'end';
  /** e.g. "starts at 1 %", "10 %", "released", "rolled back", "killed" */
  label: string;
}

const DAY = 86_400_000;

export function startOfDay(d: Date): Date {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate());
}

/** The Monday of `d`'s week. */
export function startOfWeek(d: Date): Date {
  const day = startOfDay(d);
  return new Date(day.getFullYear(), day.getMonth(), day.getDate() - ((day.getDay() + 6) % 7));
}

const addDays = (d: Date, n: number) => new Date(d.getFullYear(), d.getMonth(), d.getDate() + n);

/** The days shown: one week from its Monday, or the whole weeks that cover `anchor`'s month. */
export function calendarDays(scale: CalendarScale, anchor: Date): Date[][] {
  if (scale === 'week') {
    const monday = startOfWeek(anchor);
    return [Array.from({ length: 7 }, (_, i) => addDays(monday, i))];
  }
  const first = new Date(anchor.getFullYear(), anchor.getMonth(), 1);
  const last = new Date(anchor.getFullYear(), anchor.getMonth() + 1, 0);
  const weeks: Date[][] = [];
  for (let monday = startOfWeek(first); monday <= last; monday = addDays(monday, 7)) {
    weeks.push(Array.from({ length: 7 }, (_, i) => addDays(monday, i)));
  }
  return weeks;
}

/** The period before or after: a week, or a month. */
export function shift(scale: CalendarScale, anchor: Date, by: number): Date {
  return scale === 'week' ? addDays(anchor, 7 * by) : new Date(anchor.getFullYear(), anchor.getMonth() + by, 1);
}

/** The time range the days cover, end exclusive. */
export function rangeOf(days: Date[][]): { from: Date; to: Date } {
  const flat = days.flat();
  return { from: flat[0], to: addDays(flat[flat.length - 1], 1) };
}

/** Each release's start, its later steps and its end, as events in time order. */
export function eventsOf(entries: CalendarEntry[]): CalendarEvent[] {
  const events: CalendarEvent[] = [];
  for (const entry of entries) {
    for (const s of entry.steps) {
      if (s.startsAt === null) continue;
      const at = Date.parse(s.startsAt);
      events.push(s.step === 0 ? { at, entry, kind: 'start', label: `starts at ${s.percent} %` } : { at, entry, kind: 'step', label: `${s.percent} %` });
    }
    if (entry.endAt !== null) {
      const label = entry.killed ? 'killed' : entry.state === 'rolled_back' ? 'rolled back' : entry.state === 'released' ? 'released' : 'released (planned)';
      events.push({ at: Date.parse(entry.endAt), entry, kind: 'end', label });
    }
  }
  return events.sort((a, b) => a.at - b.at);
}

export function eventsOn(events: CalendarEvent[], day: Date): CalendarEvent[] {
  const from = startOfDay(day).getTime();
  return events.filter((e) => e.at >= from && e.at < from + DAY);
}

export const dayKey = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

/** The hours a week view shows: the working day (8:00 to 18:00) and every hour an event of the week falls in. */
export function weekHours(events: CalendarEvent[], days: Date[]): number[] {
  const from = startOfDay(days[0]).getTime();
  const to = from + days.length * DAY;
  const hours = new Set(Array.from({ length: 11 }, (_, i) => 8 + i));
  for (const e of events) if (e.at >= from && e.at < to) hours.add(new Date(e.at).getHours());
  return [...hours].sort((a, b) => a - b);
}

/** The events of `day` within the hour `hour` (local time). */
export function eventsAt(events: CalendarEvent[], day: Date, hour: number): CalendarEvent[] {
  return eventsOn(events, day).filter((e) => new Date(e.at).getHours() === hour);
}
