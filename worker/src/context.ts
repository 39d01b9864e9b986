// Typed context shared by every route: bindings and the services handed to handlers.
import type { Bindings } from './bindings';
import type { Db } from './store/db';
import type { LiveSnapshot } from './edge/live-snapshots';

export interface Actor {
  id: string;
  name: string;
}

export interface SdkCaller {
  kind: 'server' | 'client';
  keyId: string;
  live: LiveSnapshot;
}

export interface AppEnv {
  Bindings: Bindings;
  Variables: {
    db: Db;
    actor: Actor;
    sdk: SdkCaller;
  };
}
