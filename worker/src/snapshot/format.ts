// The snapshot of one environment: what the edge evaluates, as published to the environment's channel and KV.
import type { FlagSetDocument } from '../engine/types';

export interface SdkKeyEntry {
  /** SHA-256 of the whole key, hex */
  hash: string;
  kind: 'server' | 'client';
}

export interface Snapshot {
  format: 1;
  projectId: string;
  environmentId: string;
  environmentKey: string;
  /** grows with every committed change to the environment */
  version: number;
  /** ms since epoch at which the snapshot was built, right after the write committed */
  builtAt: number;
  document: FlagSetDocument;
  /** flags that client (browser) keys may evaluate */
  clientVisible: string[];
  /** active SDK keys by key id */
  sdkKeys: Record<string, SdkKeyEntry>;
}

export const kvKey = (environmentId: string) => `snapshot:${environmentId}`;
