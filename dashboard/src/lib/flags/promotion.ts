// Promoting a flag's configuration from one environment to another: what is copied, and the diff it makes.
import type { Flag, FlagEnvironmentPatch, JsonValue } from '../api-types';
import { diffJson, type Change } from '../history/diff';

/** A flag's configuration in an environment, as a PATCH body sets it. */
export function configIn(flag: Flag, env: string): Required<FlagEnvironmentPatch> {
  const c = flag.environments[env];
  return { state: c?.state ?? 'DISABLED', defaultVariant: c?.defaultVariant ?? null, targeting: c?.targeting ?? null };
}

/** What promotion writes to the target: the source's rules and default variant, and its on/off state when asked. */
export function promotionPatch(flag: Flag, from: string, withState: boolean): FlagEnvironmentPatch {
  const { state, ...rest } = configIn(flag, from);
  return withState ? { state, ...rest } : rest;
}

/** How the target changes: its configuration now → after the promotion. */
export function promotionChanges(flag: Flag, from: string, to: string, withState: boolean): Change[] {
  const before = configIn(flag, to);
  const after = { ...before, ...promotionPatch(flag, from, withState) };
  return diffJson(before as unknown as JsonValue, after as unknown as JsonValue);
}
