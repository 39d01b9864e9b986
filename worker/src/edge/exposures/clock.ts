// The environment's ReleaseClock, where exposures that must be merged (user sketches, traffic, users served inside)
// and the offline counts live.
import type { Bindings } from '../../bindings';

export const clockOf = (env: Bindings, environmentId: string) => env.RELEASE_CLOCKS.get(env.RELEASE_CLOCKS.idFromName(environmentId));
