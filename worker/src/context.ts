// Typed context shared by every route: bindings and the services handed to handlers. Route-level: the
// edge, snapshot and store modules never import it (dependencies run one way, routes → edge → store).
import type { Bindings } from './bindings';
import type { Caller } from './auth/caller';
import type { Place } from './auth/permissions';
import type { SdkCaller } from './edge/sdk-auth';
import type { Db } from './store/db';

export type Actor = Caller;

export interface AppEnv {
  Bindings: Bindings;
  Variables: {
    db: Db;
    actor: Actor;
    /** the project and environment the route's path names (auth/authorize.ts) */
    place: Place;
    sdk: SdkCaller;
  };
}
