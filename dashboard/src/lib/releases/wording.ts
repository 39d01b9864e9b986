// Releases in words for the people who run them: states, holds, and what an action will do to how many users.
import type { Release, ReleaseAction, ReleaseExposures, ReleaseState } from '../api-types-releases';
import { peopleText } from './measures';

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

/**
 * How many people a share is, from the release's exposures (distinct users served in the last hour, or since its start):
 * " (about 1,240 people in the last hour)"; '' when the exposures are unknown (a list without them).
 */
function counted(x: ReleaseExposures | null | undefined, side: 'inside' | 'total', now: number): string {
  if (!x) return '';
  const n = side === 'inside' ? x.inside : x.inside + x.outside;
  const since = Date.parse(x.since);
  const window = Number.isFinite(since) && since > now - 59 * 60_000 ? `since ${whenText(x.since, now)}` : 'in the last hour';
  return ` (${peopleText(n)} ${window})`;
}

/** The exposures say nothing yet: the share is all there is (said once, at the end). */
const noTraffic = (x: ReleaseExposures | null | undefined) => (x && x.inside + x.outside === 0 ? ' No traffic is counted for this release yet, so only the share is known.' : '');

/**
 * What an action will do, to how many users, in one or two sentences (shown in its confirmation): the share, and
 * with the release's `exposures` how many people that was in the last hour (or that there is no traffic yet).
 */
export function impact(r: Release, action: ReleaseAction, now = Date.now(), x: ReleaseExposures | null | undefined = r.exposures): string {
  const p = r.status.percent;
  const next = r.status.step === null ? null : r.plan.steps[r.status.step + 1];
  const inside = counted(x && x.inside + x.outside > 0 ? x : null, 'inside', now);
  const none = noTraffic(x);
  switch (action) {
    case 'start': {
      const first = r.plan.steps[0]?.percent ?? 0;
      const later = r.startAt !== null && Date.parse(r.startAt) > now;
      // a release not started has served nobody: its exposures are absent or empty, so the share is all there is
      return `${later ? `At ${whenText(r.startAt!, now)}` : 'Right away'}, ${aboutPercent(first)} of users (of those the flags' own rules leave to the default) get ${served(r, 'inside')}; the plan then grows on schedule. The flags are switched on in this environment${later ? ' now, serving the outside variant until then' : ''}.${noTraffic(x ?? { inside: 0, outside: 0, since: '' })}`;
    }
    case 'pause':
      return `The rollout freezes at ${aboutPercent(p)} of users${inside}: they keep ${served(r, 'inside')}, and nobody else joins${next ? ` (the next step, ${next.percent} %, will not happen)` : ''} until you resume.${none}`;
    case 'resume': {
      const joining = next && x && x.inside + x.outside > 0 && p < 100 ? `, adding ${peopleText(((x.inside + x.outside) * (next.percent - p)) / 100)} at the last hour's traffic` : '';
      return `The plan continues from ${aboutPercent(p)} of users${inside}, the same people; ${next ? `the next step (${next.percent} %${joining}) comes once the current step has held its remaining time` : 'the last step holds its remaining time'}.${none}`;
    }
    case 'rollback':
      return `A${aboutPercent(p).slice(1)} of users${inside} lose the feature and get ${served(r, 'outside')} within seconds. The flags' own rules still apply (testers who are always in keep it).${none}`;
    case 'kill':
      return `Everyone gets ${served(r, 'outside')} within seconds: the ${aboutPercent(p)} of users${inside} who have it now lose it, and the flags' own rules are overridden too (testers included). This cannot be resumed.${none}`;
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
