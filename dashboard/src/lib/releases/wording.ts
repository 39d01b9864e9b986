// Releases in words for the people who run them: states, holds, and what an action will do to how many users.
import type { Release, ReleaseAction, ReleaseState } from '../api-types-releases';

export const STATE_LABELS: Record<ReleaseState, string> = {
  draft: 'Draft',
  scheduled: 'Scheduled',
  rolling_out: 'Rolling out',
  paused: 'Paused',
  released: 'Released',
  rolled_back: 'Rolled back'
};

export const stateLabel = (r: Pick<Release, 'state' | 'killed'>) => (r.killed ? 'Killed' : STATE_LABELS[r.state]);

/** A share of users for people: "about 12.5 %" (two decimals at most, no trailing zeros). */
export const aboutPercent = (percent: number) => `about ${Number(percent.toFixed(2))} %`;

/** "30 min", "2 h", "1 d 4 h", "0 min" for a hold given in minutes. */
export function holdText(minutes: number): string {
  if (minutes <= 0) return 'no hold';
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = Math.round(minutes % 60);
  return [d ? `${d} d` : '', h ? `${h} h` : '', m ? `${m} min` : ''].filter(Boolean).join(' ');
}

/** A time for people: today's as "14:05", others with the date. */
export function whenText(iso: string, now = Date.now()): string {
  const at = new Date(iso);
  const sameDay = at.toDateString() === new Date(now).toDateString();
  const time = at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return sameDay ? time : `${at.toLocaleDateString([], { weekday: 'short', day: 'numeric', month: 'short' })} ${time}`;
}

const list = (items: string[]) => (items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`);
const served = (r: Release, side: 'inside' | 'outside') => list(r.flags.map((f) => `${f.key} → ${f[side]}`));

/** What an action will do, to how many users, in one or two sentences (shown in its confirmation). */
export function impact(r: Release, action: ReleaseAction, now = Date.now()): string {
  const p = r.status.percent;
  const next = r.status.step === null ? null : r.plan.steps[r.status.step + 1];
  switch (action) {
    case 'start': {
      const first = r.plan.steps[0]?.percent ?? 0;
      const later = r.startAt !== null && Date.parse(r.startAt) > now;
      return `${later ? `At ${whenText(r.startAt!, now)}` : 'Right away'}, ${aboutPercent(first)} of users (of those the flags' own rules leave to the default) get ${served(r, 'inside')}; the plan then grows on schedule. The flags are switched on in this environment${later ? ' now, serving the outside variant until then' : ''}.`;
    }
    case 'pause':
      return `The rollout freezes at ${aboutPercent(p)} of users: they keep ${served(r, 'inside')}, and nobody else joins${next ? ` (the next step, ${next.percent} %, will not happen)` : ''} until you resume.`;
    case 'resume':
      return `The plan continues from ${aboutPercent(p)} of users, the same people; ${next ? `the next step (${next.percent} %) comes once the current step has held its remaining time` : 'the last step holds its remaining time'}.`;
    case 'rollback':
      return `A${aboutPercent(p).slice(1)} of users lose the feature and get ${served(r, 'outside')} within seconds. The flags' own rules still apply (testers who are always in keep it).`;
    case 'kill':
      return `Everyone gets ${served(r, 'outside')} within seconds: the ${aboutPercent(p)} of users who have it now lose it, and the flags' own rules are overridden too (testers included). This cannot be resumed.`;
  }
}

/** What killing a flag's release does, from the flag's view of it (the release may hold other flags too). */
export function killImpactOf(flag: string, r: { percent: number; outside: string }): string {
  return `Everyone gets ${flag} → ${r.outside} within seconds (and every other flag of the release its outside variant): the ${aboutPercent(r.percent)} of users who have it now lose it, and the flags' own rules are overridden too (testers included). This cannot be resumed.`;
}

/** Which actions the state allows (kill: any started release; the API refuses the rest). */
export function allowed(r: Pick<Release, 'state' | 'killed'>): Record<ReleaseAction, boolean> {
  return {
    start: r.state === 'draft',
    pause: r.state === 'rolling_out',
    resume: r.state === 'paused',
    rollback: r.state !== 'draft' && r.state !== 'rolled_back',
    kill: r.state !== 'draft' && !r.killed
  };
}
