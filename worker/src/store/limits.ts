// The limits of what one project holds (docs/limits.md), checked on the write path before anything is written.
import { ApiError } from '../errors';

/** Flags per project, so per environment: snapshots stay publishable and compile in well under a second. */
export const MAX_FLAGS_PER_PROJECT = 50_000;

/** Refuses a write that would leave the project with more than MAX_FLAGS_PER_PROJECT flags. */
export function assertFlagCount(after: number) {
  if (after > MAX_FLAGS_PER_PROJECT) {
    throw new ApiError('LIMIT_EXCEEDED', `A project holds at most ${MAX_FLAGS_PER_PROJECT} flags; this write would make ${after}`, undefined, { limit: 'flagsPerProject', max: MAX_FLAGS_PER_PROJECT });
  }
}
