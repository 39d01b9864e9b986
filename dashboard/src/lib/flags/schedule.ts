// Scheduled changes in words, and the split a scheduled "switch on with a split" sets: after the flag's rules (`split`,
// the rules stay), as opposed to `targeting`, which replaces them; the pending-change line says which.
import type { ScheduledChangeInput } from '../api-types-releases';
import { onBasis } from '../rules/split';
import { wordsText, targetingWords } from '../rules/words';

const share = (weight: number, total: number) => `${Number(((weight / (total || 1)) * 100).toFixed(2))} %`;

/**
 * What a scheduled change does: "switch on", "switch on, set a split after the rules (which stay): on 25 %, off 75 %",
 * "replace the rules: if plan is pro → on; …", "set the default variant to b".
 */
export function describeChange(change: ScheduledChangeInput): string {
  const parts: string[] = [];
  if (change.state) parts.push(change.state === 'ENABLED' ? 'switch on' : 'switch off');
  if (change.defaultVariant !== undefined) parts.push(change.defaultVariant === null ? 'clear the default variant' : `set the default variant to ${change.defaultVariant}`);
  if (change.split !== undefined) {
    const total = change.split.reduce((s, [, w]) => s + w, 0);
    parts.push(`set a split after the rules (which stay): ${change.split.map(([v, w]) => `${v} ${share(w, total)}`).join(', ')}`);
  }
  if (change.targeting !== undefined) {
    parts.push(change.targeting === null ? 'remove the rules' : `replace the rules: ${wordsText(targetingWords(change.targeting, { defaultVariant: change.defaultVariant ?? null }))}`);
  }
  return parts.length ? parts.join(', ') : 'no change';
}

/** `[[first, weight], [rest, weight]]` giving `percent` (two decimals) to `first` and the rest to `rest`, out of 10,000. */
export function splitBuckets(first: string, percent: number, rest: string): [string, number][] {
  return onBasis([{ variant: first, weight: percent }, { variant: rest, weight: 100 - percent }])
    .filter((b) => b.weight > 0)
    .map((b) => [b.variant, b.weight]);
}
