// The snapshot of one environment: what the edge evaluates, as published to the environment's channel and KV.
import { isPlainObject as isObject } from '../engine/rule';
import type { FlagSetDocument } from '../engine/types';

export interface SdkKeyEntry {
  /** SHA-256 of the whole key, hex */
  hash: string;
  kind: 'server' | 'client';
  /**
   * Evaluations per second per edge location, averaged over 10 s (edge/rate-limit.ts); null: no limit.
   * Absent in snapshots built before keys had limits, which the edge reads as no limit.
   */
  rateLimit?: number | null;
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

/**
 * What is wrong with a snapshot read back from the channel, the location's cache or KV, or null. The
 * edge adopts only snapshots that pass: a damaged or foreign one must not replace the one it serves.
 * Checks the envelope the edge relies on; the flags document itself is compiled defensively by the engine.
 */
export function snapshotProblem(v: unknown, environmentId: string): string | null {
  if (!isObject(v)) return 'not an object';
  if (v.format !== 1) return `unknown format ${JSON.stringify(v.format)}`;
  if (v.environmentId !== environmentId) return 'for another environment';
  if (typeof v.projectId !== 'string' || typeof v.environmentKey !== 'string') return 'no project or environment key';
  if (typeof v.version !== 'number' || !Number.isSafeInteger(v.version) || v.version < 0) return 'no valid version';
  if (typeof v.builtAt !== 'number') return 'no build time';
  if (!isObject(v.document) || !isObject(v.document.flags)) return 'no flags document';
  if (!Array.isArray(v.clientVisible) || !v.clientVisible.every((k) => typeof k === 'string')) return 'no list of client-visible flags';
  if (!isObject(v.sdkKeys)) return 'no SDK keys';
  for (const entry of Object.values(v.sdkKeys)) {
    if (!isObject(entry) || typeof entry.hash !== 'string' || (entry.kind !== 'server' && entry.kind !== 'client')) return 'a malformed SDK key entry';
    const limit = entry.rateLimit;
    if (limit !== undefined && limit !== null && !(typeof limit === 'number' && Number.isSafeInteger(limit) && limit > 0)) return 'an SDK key entry with an invalid rate limit';
  }
  return null;
}
