// One-click revert from the audit log: which change can be reverted, the PATCH that puts its `before` back (through the
// normal routes, so the revert is itself audited), and the diff that makes from what is there now.
import type { AuditEntry, Flag, FlagEnvironmentPatch, FlagPatch, JsonValue } from '../api-types';
import { configIn } from '../flags/promotion';
import { environmentOf, flagOf } from './resources';
import { diffJson, type Change } from './diff';

export type Revert =
  | { kind: 'configure'; flag: string; env: string; patch: FlagEnvironmentPatch }
  | { kind: 'update'; flag: string; patch: FlagPatch };

const isObject = (v: unknown): v is Record<string, JsonValue> => typeof v === 'object' && v !== null && !Array.isArray(v);
const pick = <K extends string>(from: Record<string, JsonValue>, keys: readonly K[]) =>
  Object.fromEntries(keys.filter((k) => k in from).map((k) => [k, from[k]])) as Partial<Record<K, JsonValue>>;

const CONFIG = ['state', 'defaultVariant', 'targeting'] as const;
const SETTINGS = ['description', 'tags', 'variants', 'clientVisible', 'metadata'] as const;

/** The revert of a flag's configuration or settings change; null for anything else (creations, deletions, keys…). */
export function revertOf(entry: AuditEntry): Revert | null {
  const flag = flagOf(entry.resource);
  if (!flag || !isObject(entry.before)) return null;
  if (entry.action === 'flag.configure') {
    // a release's start switched it on: ending the release is the way back, not a revert behind its back
    if (isObject(entry.after) && isObject(entry.after.cause) && entry.after.cause.action === 'start') return null;
    const env = environmentOf(entry.resource);
    return env ? { kind: 'configure', flag, env, patch: pick(entry.before, CONFIG) as FlagEnvironmentPatch } : null;
  }
  if (entry.action === 'flag.update') {
    const patch = pick(entry.before, SETTINGS) as FlagPatch;
    // only reverting the archiving itself flips it back: reverting an older edit must not unarchive the flag
    const archived = entry.before.archived;
    if (typeof archived === 'boolean' && isObject(entry.after) && entry.after.archived !== archived) patch.archived = archived;
    return { kind: 'update', flag, patch };
  }
  return null;
}

/** What the revert changes, from the flag as it is now. */
export function revertChanges(flag: Flag, revert: Revert): Change[] {
  const now = revert.kind === 'configure' ? (configIn(flag, revert.env) as Record<string, JsonValue>) : (pick(flag as unknown as Record<string, JsonValue>, [...SETTINGS, 'archived']) as Record<string, JsonValue>);
  const after = { ...now, ...(revert.patch as Record<string, JsonValue>) };
  return diffJson(now, after);
}
