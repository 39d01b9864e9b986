// Scheduled changes as phases: the definition in effect from each change's time on. A scheduled split keeps the
// flag's rules and replaces only what they leave to the default; a scheduled `targeting` replaces the rules.

import type { FlagDefinition, JsonValue, ScheduledChange } from './types';
import { isPlainObject } from './rule';

/**
 * `targeting` with everyone it leaves to the default (a null result) sent to `fallthrough` instead: an `if` chain
 * gets `fallthrough` as its last `else` (replacing an `else` that was a split or a variant), no targeting becomes
 * `fallthrough`, a bare `fractional` is replaced by it, and any other rule is kept whole in front of it.
 */
export function withFallthrough(targeting: JsonValue | undefined, fallthrough: JsonValue): JsonValue {
  if (targeting === undefined || targeting === null || (isPlainObject(targeting) && Object.keys(targeting).length === 0)) return fallthrough;
  if (isPlainObject(targeting) && Object.keys(targeting).length === 1) {
    if (Array.isArray(targeting.fractional)) return fallthrough;
    const chain = targeting.if;
    if (Array.isArray(chain) && chain.length >= 2) {
      if (chain.length % 2 === 0) return { if: [...chain, fallthrough] };
      const last = chain[chain.length - 1];
      // an `else` that is itself a rule chain (nested `if`) gets the fallthrough at its own end
      const replaced = typeof last === 'string' || last === null || isSplit(last) ? fallthrough : withFallthrough(last, fallthrough);
      return { if: [...chain.slice(0, -1), replaced] };
    }
  }
  return { if: [{ '!==': [targeting, null] }, targeting, fallthrough] };
}

const isSplit = (v: JsonValue): boolean => isPlainObject(v) && Object.keys(v).length === 1 && Array.isArray(v.fractional);

/** A readable change: an object with a valid `at`. */
export const isChange = (c: unknown): c is ScheduledChange & Record<string, JsonValue> =>
  isPlainObject(c) && typeof c.at === 'string' && !Number.isNaN(Date.parse(c.at));

/** The definition after one change. */
export function applyChange(def: FlagDefinition, change: ScheduledChange): FlagDefinition {
  const next: FlagDefinition = { ...def };
  if (change.state === 'ENABLED' || change.state === 'DISABLED') next.state = change.state;
  if (change.defaultVariant !== undefined) next.defaultVariant = change.defaultVariant;
  if (change.targeting !== undefined) next.targeting = change.targeting;
  if (change.split !== undefined) next.targeting = withFallthrough(next.targeting, { fractional: change.split as JsonValue });
  return next;
}

/**
 * The flag's phases, soonest change first: each readable change (by time; unreadable ones are left out, validation
 * refuses them when saved) with the definition in effect from its time on and its index in `def.schedule`.
 */
export function schedulePhases(def: FlagDefinition): { from: number; def: FlagDefinition; index: number }[] {
  const changes = (Array.isArray(def.schedule) ? def.schedule : [])
    .map((change, index) => ({ change, index }))
    .filter((c) => isChange(c.change))
    .sort((a, b) => Date.parse(a.change.at) - Date.parse(b.change.at));
  let current: FlagDefinition = { ...def, schedule: undefined };
  return changes.map(({ change, index }) => {
    current = applyChange(current, change);
    return { from: Date.parse(change.at), def: current, index };
  });
}
