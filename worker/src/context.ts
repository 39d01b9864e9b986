// Typed context shared by every route: bindings and the services handed to handlers. Route-level: the
// edge, snapshot and store modules never import it (dependencies run one way, routes → edge → store).
import type { Bindings } from './bindings';
import type { SdkCaller } from './edge/sdk-auth';
import type { Db } from './store/db';

export interface Actor {
  id: string;
  name: string;
}

export interface AppEnv {
  Bindings: Bindings;
  Variables: {
    db: Db;
    actor: Actor;
    sdk: SdkCaller;
  };
}
