// A release plan while it is typed: steps as text (a percentage to two decimals, a hold in minutes, hours or days),
// what is wrong with each, and the plan the API takes; plus a key made from a name.
import type { ReleaseStep } from '../api-types-releases';

export type HoldUnit = 'minutes' | 'hours' | 'days';

export interface StepDraft {
  percent: string;
  hold: string;
  unit: HoldUnit;
}

const PER: Record<HoldUnit, number> = { minutes: 1, hours: 60, days: 1440 };

export const PRESETS: { label: string; steps: ReleaseStep[] }[] = [
  { label: 'Canary: 1 % → 10 % → 50 % → 100 %', steps: [{ percent: 1, holdMinutes: 120 }, { percent: 10, holdMinutes: 360 }, { percent: 50, holdMinutes: 960 }, { percent: 100, holdMinutes: 1440 }] },
  { label: 'Quick: 5 % → 25 % → 100 %', steps: [{ percent: 5, holdMinutes: 30 }, { percent: 25, holdMinutes: 60 }, { percent: 100, holdMinutes: 60 }] },
  { label: 'Everyone at once: 100 %', steps: [{ percent: 100, holdMinutes: 0 }] }
];

/** The largest unit that states the hold in whole numbers. */
export function toDraft(step: ReleaseStep): StepDraft {
  const unit: HoldUnit = step.holdMinutes > 0 && step.holdMinutes % 1440 === 0 ? 'days' : step.holdMinutes > 0 && step.holdMinutes % 60 === 0 ? 'hours' : 'minutes';
  return { percent: String(step.percent), hold: String(step.holdMinutes / PER[unit]), unit };
}

const number = (text: string) => (text.trim() === '' ? NaN : Number(text));

/** What is wrong with each step, null for none: a share in (0, 100] to two decimals, never below the step before. */
export function stepProblems(drafts: StepDraft[]): (string | null)[] {
  return drafts.map((d, i) => {
    const p = number(d.percent);
    if (!Number.isFinite(p) || p <= 0 || p > 100) return 'A share of users above 0 and at most 100 %.';
    if (Math.abs(p * 100 - Math.round(p * 100)) > 1e-9) return 'At most two decimals (0.01 % steps).';
    const previous = i > 0 ? number(drafts[i - 1].percent) : NaN;
    if (Number.isFinite(previous) && p < previous) return 'Not below the step before: users only ever join a rollout.';
    const h = number(d.hold);
    if (!Number.isFinite(h) || h < 0) return 'A hold of 0 or more.';
    return null;
  });
}

export function toSteps(drafts: StepDraft[]): ReleaseStep[] {
  return drafts.map((d) => ({ percent: Math.round(number(d.percent) * 100) / 100, holdMinutes: Math.round(number(d.hold) * PER[d.unit] * 1000) / 1000 }));
}

/** A release key from its name: "New checkout (EU)" → "new-checkout-eu". */
export function keyFrom(name: string): string {
  return name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64);
}
