// The engine's public surface: validate a flag set when saved, compile it once, evaluate it many times.

export type * from './types';
export { validateFlagSet, type FlagSetValidation, type ValidateFlagSetOptions } from './validate';
export { validateTargeting } from './validate-rule';
export { inferFlagType } from './infer-type';
export { compileFlagSet } from './compile';
export { evaluateFlag, evaluateAll, selectFlags } from './evaluate';
export { murmur3, bucketOf } from './murmur3';
export { releaseJoinedAt, releasePosition, RELEASE_BUCKETS } from './release';
export { validateReleases, percentProblem } from './validate-release';
