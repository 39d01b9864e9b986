// The engine as the edge runs it: compile a snapshot once, evaluate it many times (no save-time validation).

export type * from './types';
export { compileFlagSet } from './compile';
export { evaluateFlag, evaluateAll, selectFlags } from './evaluate';
export { murmur3, bucketOf } from './murmur3';
export { releaseJoinedAt, releasePosition, RELEASE_BUCKETS } from './release';
