// A release's measures in words: people counted ("about 1,240 people"), guardrails and their decisions, the interval
// of inside − outside, and why the release watch paused a release.
import type { GuardrailDecision, PausedReason, ReleaseGuardrail, SequentialGuardrail } from '../api-types-releases';

const whole = (n: number) => Math.round(n).toLocaleString('en-US');

/** An estimated count of people: "about 1,240 people", "about 1 person", "nobody". */
export function peopleText(n: number): string {
  const r = Math.round(n);
  if (r <= 0) return 'nobody';
  return `about ${whole(r)} ${r === 1 ? 'person' : 'people'}`;
}

/** A guardrail in one line: "error_rate > 0.02 over 5 min → roll back", "checkout_error rate rises inside → pause". */
export function guardrailText(g: ReleaseGuardrail): string {
  const then = g.action === 'rollback' ? 'roll back' : 'pause';
  if (g.kind === 'sequential') return `${g.metric} ${g.measure === 'rate' ? 'rate' : 'mean'} ${g.direction === 'increase' ? 'rises' : 'falls'} inside → ${then}`;
  return `${g.metric} ${g.operator} ${g.threshold} over ${g.windowMinutes} min → ${then}`;
}

/** A measured value: a rate as a percentage ("12.3 %"), a mean as a number to 3 significant digits. */
export function valueText(value: number, measure: SequentialGuardrail['measure']): string {
  return measure === 'rate' ? `${Number((value * 100).toFixed(2))} %` : String(Number(value.toPrecision(3)));
}

const signed = (x: number, text: string) => (x > 0 ? `+${text}` : text);

/** The always-valid 95 % interval of inside − outside: "+0.8 to +3.1 points" for a rate, "−2.5 to +4" for a mean. */
export function intervalText(interval: [number, number] | null, measure: SequentialGuardrail['measure']): string {
  if (!interval) return 'no interval yet';
  const part = (x: number) => {
    const v = measure === 'rate' ? Number((x * 100).toFixed(2)) : Number(x.toPrecision(3));
    return signed(v, String(v).replace('-', '−'));
  };
  return `${part(interval[0])} to ${part(interval[1])}${measure === 'rate' ? ' points' : ''}`;
}

/** The latest decision in words (the server's `reason` says the detail). */
export function outcomeText(d: GuardrailDecision, direction: SequentialGuardrail['direction']): string {
  switch (d.outcome) {
    case 'insufficient': return 'Not enough samples yet';
    case 'ok': return 'No difference shown';
    case 'improvement': return direction === 'increase' ? 'Lower inside: better' : 'Higher inside: better';
    case 'regression': return direction === 'increase' ? 'Higher inside: a regression' : 'Lower inside: a regression';
  }
}

/** Why the release watch paused the release, in words (null: a person, a threshold guardrail or an alert did). */
export function pausedReasonText(reason: PausedReason | null | undefined, message?: string | null): string | null {
  if (!reason) return null;
  const why = {
    sample_ratio_mismatch: 'Paused by the sample-ratio check: the share of users inside is far from the plan’s, so something besides the plan decides who is inside (a cache, a redirect, an SDK sending another key) and the two sides cannot be compared.',
    no_traffic: 'Paused by the no-traffic check: none of its flags was evaluated in the last 30 minutes while the environment was busy, so the code that reads them is probably not deployed or not reached.',
    guardrail: 'Paused by a sequential guardrail: the metric is measurably worse inside the release than outside.'
  }[reason];
  return message ? `${why} ${message}` : why;
}
