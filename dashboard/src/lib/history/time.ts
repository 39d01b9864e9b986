// Times in the history as people scan them ("just now", "5 min ago", "yesterday 14:05", "Mon 3 Mar 14:05"); the
// exact time goes on hover.
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const clock = (d: Date) => d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
const dayStart = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();

export function relativeTime(iso: string, now = Date.now()): string {
  const at = new Date(iso);
  const ago = now - at.getTime();
  if (ago < 0) return `at ${clock(at)}`;
  if (ago < MINUTE) return 'just now';
  if (ago < HOUR) return `${Math.floor(ago / MINUTE)} min ago`;
  if (ago < 6 * HOUR && dayStart(at) === dayStart(new Date(now))) return `${Math.floor(ago / HOUR)} h ago`;
  if (dayStart(at) === dayStart(new Date(now))) return `today ${clock(at)}`;
  if (dayStart(at) === dayStart(new Date(now)) - 86_400_000 || (dayStart(new Date(now)) - dayStart(at) < 26 * HOUR && dayStart(at) < dayStart(new Date(now)))) return `yesterday ${clock(at)}`;
  const sameYear = at.getFullYear() === new Date(now).getFullYear();
  return `${at.toLocaleDateString([], { weekday: 'short', day: 'numeric', month: 'short', ...(sameYear ? {} : { year: 'numeric' }) })} ${clock(at)}`;
}

/** The exact time, for a title. */
export const exactTime = (iso: string) => new Date(iso).toLocaleString([], { dateStyle: 'full', timeStyle: 'long' });
