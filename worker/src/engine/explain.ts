// Which rule of a flag's targeting decided an evaluation: the index of the top-level `if` condition that held,
// found by evaluating each condition with the engine itself, over the same flag set, context and time.

import { compileFlagSet } from './compile';
import { evaluateFlag } from './evaluate';
import { isPlainObject } from './rule';
import type { EvaluationContext, EvaluationResult, FlagDefinition, FlagSetDocument, JsonValue, ReleaseDefinition } from './types';

const YES = 'matched';
const NO = 'not-matched';

/** The flag as it is at `now`: its scheduled changes up to then applied in time order, as compile does. */
export function definitionAt(def: FlagDefinition, now: number): FlagDefinition {
  const current: FlagDefinition = { ...def, schedule: undefined };
  const due = (Array.isArray(def.schedule) ? def.schedule : [])
    .filter((c) => isPlainObject(c) && typeof c.at === 'string' && Date.parse(c.at) <= now)
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  for (const change of due) {
    if (change.state === 'ENABLED' || change.state === 'DISABLED') current.state = change.state;
    if (change.defaultVariant !== undefined) current.defaultVariant = change.defaultVariant;
    if (change.targeting !== undefined) current.targeting = change.targeting;
  }
  return current;
}

/** The releases with `key` taken out of them: the probe flag must answer for its condition alone. */
function releasesWithout(releases: FlagSetDocument['releases'], key: string): Record<string, ReleaseDefinition> | undefined {
  if (!isPlainObject(releases)) return undefined;
  const out: Record<string, ReleaseDefinition> = {};
  for (const [name, def] of Object.entries(releases as Record<string, ReleaseDefinition>)) {
    if (!isPlainObject(def) || !isPlainObject(def.flags)) continue;
    const { [key]: _left, ...flags } = def.flags;
    out[name] = { ...def, flags };
  }
  return out;
}

/**
 * Whether one condition holds for the context: the flag is replaced by a probe under the same key (so that
 * `fractional` hashes and `$flagd.flagKey` read the same), and everything else of the set (shared rules, segments,
 * other flags for prerequisites, their releases) is kept.
 */
function holds(doc: FlagSetDocument, key: string, condition: JsonValue, context: EvaluationContext, now: number): boolean {
  const probe: FlagDefinition = { state: 'ENABLED', variants: { [YES]: true, [NO]: false }, defaultVariant: NO, targeting: { if: [condition, YES, NO] } };
  const set = compileFlagSet({ ...doc, flags: { ...doc.flags, [key]: probe }, releases: releasesWithout(doc.releases, key) });
  return evaluateFlag(set, key, context, { now }).variant === YES;
}

function killedFor(doc: FlagSetDocument, key: string): boolean {
  if (!isPlainObject(doc.releases)) return false;
  const first = Object.values(doc.releases).find((r) => isPlainObject(r) && isPlainObject(r.flags) && Object.prototype.hasOwnProperty.call(r.flags, key));
  return first?.killed === true;
}

/**
 * The index of the condition of the flag's top-level `{"if": [c0, v0, c1, v1, …, else?]}` that decided `result`
 * (0 for c0, 1 for c1…), or null when no condition did: no such chain, the flag off, killed or in error, or
 * everyone else (the `else`, the default, or the release deciding after no condition held).
 */
export function matchedBranch(doc: FlagSetDocument, key: string, result: EvaluationResult, context: EvaluationContext, now: number): number | null {
  if (result.reason === 'ERROR' || result.reason === 'DISABLED' || result.reason === 'STATIC') return null;
  const def = isPlainObject(doc.flags) && Object.prototype.hasOwnProperty.call(doc.flags, key) ? doc.flags[key] : undefined;
  if (!isPlainObject(def) || killedFor(doc, key)) return null;
  const current = definitionAt(def, now);
  const targeting = current.targeting;
  if (current.state !== 'ENABLED' || !isPlainObject(targeting) || Object.keys(targeting).length !== 1 || !Array.isArray(targeting.if)) return null;
  const chain = targeting.if;
  for (let i = 0; i + 1 < chain.length; i += 2) {
    if (holds(doc, key, chain[i], context, now)) return i / 2;
  }
  return null;
}
