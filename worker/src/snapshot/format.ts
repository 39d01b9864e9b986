// The snapshot of one environment: what the edge evaluates, as published to the environment's channel and KV.
import { isPlainObject as isObject } from '../engine/rule';
import type { FlagDefinition, FlagSetDocument } from '../engine/types';

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

/**
 * How a snapshot travels and is stored (snapshot/chunks.ts): the envelope, everything but the flags, names
 * its flag chunks in order. Format 1, the whole snapshot in one text, is still read (stores written before).
 */
export interface Envelope extends Omit<Snapshot, 'format' | 'document' | 'clientVisible'> {
  format: 2;
  /** the flags document without its flags: shared rules, segments, metadata, releases */
  document: Omit<FlagSetDocument, 'flags'>;
  /** the flag chunks in document order: content-addressed ids and their sizes in UTF-16 code units */
  chunks: { id: string; chars: number }[];
}

/** Some of the document's flags, and which of them client keys may evaluate. */
export interface FlagChunk {
  flags: Record<string, FlagDefinition>;
  clientVisible: string[];
}

/** KV: the envelope (or a format-1 snapshot) of each environment, and its chunks by id. */
export const kvKey = (environmentId: string) => `snapshot:${environmentId}`;
export const kvChunkKey = (environmentId: string, id: string) => `snapshot:${environmentId}:chunk:${id}`;

/**
 * What is wrong with a snapshot read back from the channel, the location's cache or KV, or null. The
 * edge adopts only snapshots that pass: a damaged or foreign one must not replace the one it serves.
 * Checks the envelope the edge relies on; the flags document itself is compiled defensively by the engine.
 */
export function snapshotProblem(v: unknown, environmentId: string): string | null {
  if (!isObject(v)) return 'not an object';
  if (v.format !== 1) return `unknown format ${JSON.stringify(v.format)}`;
  return headProblem(v, environmentId) ?? chunkProblem({ flags: isObject(v.document) ? v.document.flags : undefined, clientVisible: v.clientVisible });
}

/** What is wrong with an envelope (format 2), or null; a format-1 snapshot is checked whole. */
export function envelopeProblem(v: unknown, environmentId: string): string | null {
  if (!isObject(v)) return 'not an object';
  if (v.format === 1) return snapshotProblem(v, environmentId);
  if (v.format !== 2) return `unknown format ${JSON.stringify(v.format)}`;
  if (!Array.isArray(v.chunks) || !v.chunks.every((c) => isObject(c) && typeof c.id === 'string' && typeof c.chars === 'number')) return 'no list of chunks';
  return headProblem(v, environmentId);
}

/** What is wrong with a flag chunk, or null. */
export function chunkProblem(v: unknown): string | null {
  if (!isObject(v) || !isObject(v.flags)) return 'no flags document';
  if (!Array.isArray(v.clientVisible) || !v.clientVisible.every((k) => typeof k === 'string')) return 'no list of client-visible flags';
  return null;
}

function headProblem(v: Record<string, unknown>, environmentId: string): string | null {
  if (v.environmentId !== environmentId) return 'for another environment';
  if (typeof v.projectId !== 'string' || typeof v.environmentKey !== 'string') return 'no project or environment key';
  if (typeof v.version !== 'number' || !Number.isSafeInteger(v.version) || v.version < 0) return 'no valid version';
  if (typeof v.builtAt !== 'number') return 'no build time';
  if (!isObject(v.document)) return 'no flags document';
  if (!isObject(v.sdkKeys)) return 'no SDK keys';
  for (const entry of Object.values(v.sdkKeys)) {
    if (!isObject(entry) || typeof entry.hash !== 'string' || (entry.kind !== 'server' && entry.kind !== 'client')) return 'a malformed SDK key entry';
    const limit = entry.rateLimit;
    if (limit !== undefined && limit !== null && !(typeof limit === 'number' && Number.isSafeInteger(limit) && limit > 0)) return 'an SDK key entry with an invalid rate limit';
  }
  return null;
}
