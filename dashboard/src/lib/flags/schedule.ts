// Scheduled one-off changes in words, and the split a scheduled "set a split" writes.
import type { JsonValue } from '../api-types';
import type { ScheduledChangeInput } from '../api-types-releases';
import { onBasis } from '../rules/split';
import { parseTargeting } from '../rules/targeting';

/** What a scheduled change does: "switch on", "set a split: on 25 %, off 75 %", "set the default variant to b". */
export function describeChange(change: ScheduledChangeInput): string {
  const parts: string[] = [];
  if (change.state) parts.push(change.state === 'ENABLED' ? 'switch on' : 'switch off');
  if (change.defaultVariant !== undefined) parts.push(change.defaultVariant === null ? 'clear the default variant' : `set the default variant to ${change.defaultVariant}`);
  if (change.targeting !== undefined) {
    const t = parseTargeting(change.targeting);
    if (t.form === 'bare' && t.outcome.kind === 'split') {
      const total = t.outcome.buckets.reduce((s, b) => s + b.weight, 0) || 1;
      parts.push(`set a split: ${t.outcome.buckets.map((b) => `${b.variant} ${Number(((b.weight / total) * 100).toFixed(2))} %`).join(', ')}`);
    } else parts.push(t.form === 'none' ? 'remove the rules' : 'replace the rules');
  }
  return parts.length ? parts.join(', ') : 'no change';
}

/** `{"fractional": …}` giving `percent` (two decimals) to `first` and the rest to `rest`. */
export function splitTargeting(first: string, percent: number, rest: string): JsonValue {
  const buckets = onBasis([{ variant: first, weight: percent }, { variant: rest, weight: 100 - percent }]).filter((b) => b.weight > 0);
  return { fractional: buckets.map((b) => [b.variant, b.weight]) };
}
