// An always-valid comparison of a metric inside vs outside a release: the mixture sequential probability ratio test
// (mSPRT, Johari, Pekelis & Walsh 2017, "Always valid inference") on the difference of two means, with a normal mixing
// distribution. Checked as often as anyone likes, it raises a false alarm with probability at most α (Ville's
// inequality; asymptotically, under the normal approximation of each side's mean). Its confidence sequence is the
// interval reported with each decision.

export const ALPHA = 0.05;

export interface Sample {
  /** observations (users for a rate, values for a mean) */
  n: number;
  /** their mean (a rate: the share of users with the event) */
  mean: number;
  /** their variance */
  variance: number;
}

export interface Comparison {
  /** inside mean − outside mean */
  difference: number;
  /** the (1 − α) confidence sequence of the difference at this look */
  interval: [number, number];
  /** the mixture likelihood ratio against "no difference"; ≥ 1/α rejects it */
  ratio: number;
  significant: boolean;
}

/** A rate (users with the event / users exposed) as a sample; `users` is capped at `exposed`. */
export function rateSample(users: number, exposed: number): Sample {
  const n = Math.max(exposed, 0);
  const mean = n > 0 ? Math.min(users, n) / n : 0;
  return { n, mean, variance: mean * (1 - mean) };
}

/** A mean from a count, a sum and a sum of squares. */
export function meanSample(n: number, sum: number, sumsq: number): Sample {
  if (n === 0) return { n: 0, mean: 0, variance: 0 };
  const mean = sum / n;
  return { n, mean, variance: n > 1 ? Math.max(0, (sumsq - n * mean * mean) / (n - 1)) : 0 };
}

/**
 * Compares two samples. `tuneAt` sets the mixing variance τ² to the variance of the difference at that many
 * observations per side: the test is most sensitive to effects about the size detectable there.
 */
export function compare(inside: Sample, outside: Sample, tuneAt: number, alpha = ALPHA): Comparison | null {
  if (inside.n < 2 || outside.n < 2) return null;
  // a floor on the variance, so that a side with no events yet (variance 0) cannot make any difference certain
  const floor = 1 / (4 * Math.max(inside.n, outside.n));
  const vi = Math.max(inside.variance, floor);
  const vo = Math.max(outside.variance, floor);
  const v = vi / inside.n + vo / outside.n;
  const tau2 = (vi + vo) / Math.max(tuneAt, 2);
  const d = inside.mean - outside.mean;
  const logRatio = 0.5 * Math.log(v / (v + tau2)) + (tau2 * d * d) / (2 * v * (v + tau2));
  const half = Math.sqrt(((2 * v * (v + tau2)) / tau2) * (Math.log(1 / alpha) + 0.5 * Math.log((v + tau2) / v)));
  return { difference: d, interval: [d - half, d + half], ratio: Math.exp(logRatio), significant: logRatio >= Math.log(1 / alpha) };
}

/** Whether a chi-square statistic with one degree of freedom is past the 0.001 level (sample-ratio mismatch). */
export const SRM_CHI2 = 10.828;

/** The chi-square statistic of `inside` users out of `total` against an expected share `p` (0–1). */
export function sampleRatioChi2(inside: number, total: number, p: number): number {
  if (total <= 0 || p <= 0 || p >= 1) return 0;
  const ei = total * p;
  const eo = total * (1 - p);
  const outside = total - inside;
  return (inside - ei) ** 2 / ei + (outside - eo) ** 2 / eo;
}
