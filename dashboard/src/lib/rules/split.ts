// Percentages of a `fractional` split: shares shown to two decimals, edits written as weights out of 10,000
// (0.01 % precision), a bar's sections.
import type { Bucket } from './targeting';

/** Weights per 100 %: 10,000 gives every percentage to two decimals exactly. */
export const BASIS = 10_000;

export function totalWeight(buckets: readonly Bucket[]): number {
  return buckets.reduce((sum, b) => sum + Math.max(0, b.weight), 0);
}

/** Each bucket's share in percent (unrounded); all 0 when there is no weight at all. */
export function percentages(buckets: readonly Bucket[]): number[] {
  const total = totalWeight(buckets);
  return buckets.map((b) => (total === 0 ? 0 : (Math.max(0, b.weight) / total) * 100));
}

export const formatPercent = (percent: number) => `${percent.toFixed(2)} %`;

/** Percentages (to two decimals) as weights out of BASIS, keeping the total exact (largest remainder). */
export function onBasis(buckets: readonly Bucket[]): Bucket[] {
  const total = totalWeight(buckets);
  if (total === BASIS || total === 0) return buckets.map((b) => ({ ...b }));
  const exact = buckets.map((b) => (Math.max(0, b.weight) / total) * BASIS);
  const floors = exact.map(Math.floor);
  let left = BASIS - floors.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0]);
  for (const [, i] of order) if (left-- > 0) floors[i]++;
  return buckets.map((b, i) => ({ ...b, weight: floors[i] }));
}

/**
 * Sets one bucket to `percent` (rounded to 0.01 %), on a total of BASIS. The last bucket (the one before it, when
 * the last is edited) gives or takes the difference, so the shares always add up to 100 %: with two buckets a
 * canary is one number. A share cannot grow past what that neighbour has to give.
 */
export function setPercent(buckets: readonly Bucket[], index: number, percent: number): Bucket[] {
  const next = onBasis(buckets);
  if (next.length === 1) return [{ ...next[0], weight: BASIS }];
  const other = index === next.length - 1 ? index - 1 : next.length - 1;
  const available = next[index].weight + next[other].weight;
  const wanted = Math.round((Number.isFinite(percent) ? percent : 0) * (BASIS / 100));
  const weight = Math.min(available, Math.max(0, wanted));
  next[index].weight = weight;
  next[other].weight = available - weight;
  return next;
}

/** Even shares out of BASIS (the first buckets take the remainder). */
export function evenSplit(buckets: readonly Bucket[]): Bucket[] {
  const base = Math.floor(BASIS / buckets.length);
  const extra = BASIS - base * buckets.length;
  return buckets.map((b, i) => ({ ...b, weight: base + (i < extra ? 1 : 0) }));
}

/** Why the split cannot be saved as it is, or null. */
export function splitProblem(buckets: readonly Bucket[]): string | null {
  if (buckets.length === 0) return 'A split needs at least one variant.';
  if (buckets.some((b) => !Number.isSafeInteger(b.weight) || b.weight < 0)) return 'Weights are whole numbers, 0 or more.';
  if (totalWeight(buckets) === 0) return 'At least one variant needs a share above 0 %.';
  const names = buckets.map((b) => b.variant);
  if (new Set(names).size !== names.length) return 'Each variant appears once in a split.';
  return null;
}
