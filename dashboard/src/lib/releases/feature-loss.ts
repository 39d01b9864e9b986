// What starting a release takes away, worked out before the start is sent (the API answers 409 TAKES_FEATURE_AWAY
// with the same figures): a flag that serves the inside variant by default now loses it for every user the release
// puts outside — all but the first step's share, or everyone until a start that is still to come.
import type { Flag } from '../api-types';
import type { Release } from '../api-types-releases';

export interface FeatureLoss {
  flag: string;
  inside: string;
  /** the share (%) of the users the release decides for who have the inside variant now and lose it */
  losing: number;
}

export function featureLoss(r: Pick<Release, 'flags' | 'plan' | 'startAt'>, flags: readonly Flag[], env: string, now: number): FeatureLoss[] {
  const later = r.startAt !== null && Date.parse(r.startAt) > now;
  const first = later ? 0 : (r.plan.steps[0]?.percent ?? 0);
  if (first >= 100) return [];
  return r.flags.flatMap((entry) => {
    const flag = flags.find((f) => f.key === entry.key);
    const config = flag?.environments[env];
    if (!flag || !config || config.state !== 'ENABLED' || config.defaultVariant === null) return [];
    const same = config.defaultVariant === entry.inside || JSON.stringify(flag.variants[config.defaultVariant]) === JSON.stringify(flag.variants[entry.inside]);
    return same ? [{ flag: entry.key, inside: entry.inside, losing: Math.round((100 - first) * 100) / 100 }] : [];
  });
}
