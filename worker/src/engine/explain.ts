// Which rule of a flag's targeting decided an evaluation: the index of the top-level `if` condition that held,
// found by running each condition with the engine itself, in the same compiled snapshot, context and time.

import { compileFlagSet, FlagSnapshot } from './compile';
import { evaluateFlag, phaseAt, runRuleAs } from './evaluate';
import { conditionIndex, heldAt } from './condition-data';
import type { ChainProgram } from './results';
import { isPlainObject, truthy, type Fn } from './rule';
import type { CompiledFlagSet, EvaluationContext, EvaluationResult, FlagDefinition, FlagSetDocument, ReleaseDefinition } from './types';

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

/** The flags that a killed release decides (the first release naming a flag decides it, as compile.ts indexes them). */
function killedFlags(doc: FlagSetDocument): Set<string> {
  const killed = new Set<string>();
  const decided = new Set<string>();
  if (!isPlainObject(doc.releases)) return killed;
  for (const r of Object.values(doc.releases as Record<string, ReleaseDefinition>)) {
    if (!isPlainObject(r) || !isPlainObject(r.flags)) continue;
    for (const key of Object.keys(r.flags)) {
      if (decided.has(key)) continue;
      decided.add(key);
      if (r.killed === true) killed.add(key);
    }
  }
  return killed;
}

/**
 * Explains the evaluations of one snapshot: `set` must be `compileFlagSet(doc)`. Each condition is compiled in
 * that snapshot (its shared rules and segments, compiled once for all flags) and run as the flag's own targeting
 * runs: the same flag key for `fractional` and `$flagd.flagKey`, prerequisites against the same flags and
 * releases. So explaining every flag of an environment is linear in its size: one compile per request.
 */
export class Explainer {
  private readonly snapshot: FlagSnapshot;
  private readonly killed: Set<string>;

  constructor(
    private readonly doc: FlagSetDocument,
    set: CompiledFlagSet,
  ) {
    if (!(set instanceof FlagSnapshot)) throw new TypeError('not a compiled flag set: use compileFlagSet()');
    this.snapshot = set;
    this.killed = killedFlags(doc);
  }

  /**
   * The index of the condition of the flag's top-level `{"if": [c0, v0, c1, v1, …, else?]}` that decided `result`
   * (0 for c0, 1 for c1…), or null when no condition did: no such chain, the flag off, killed or in error, or
   * everyone else (the `else`, the default, or the release deciding after no condition held).
   */
  /** The program of the flag's `if` chain in effect at `now`, when it was compiled as one. */
  private program(key: string, now: number): ChainProgram | null {
    const flag = this.snapshot.flag(key);
    if (!flag) return null;
    return (flag.phases ? phaseAt(flag, now) : flag).program;
  }

  branch(result: EvaluationResult, context: EvaluationContext, now: number): number | null {
    if (result.reason === 'ERROR' || result.reason === 'DISABLED' || result.reason === 'STATIC') return null;
    const key = result.key;
    const flags = this.doc.flags;
    const def = isPlainObject(flags) && Object.prototype.hasOwnProperty.call(flags, key) ? flags[key] : undefined;
    if (!isPlainObject(def) || this.killed.has(key)) return null;
    const current = definitionAt(def, now);
    const targeting = current.targeting;
    if (current.state !== 'ENABLED' || !isPlainObject(targeting) || Object.keys(targeting).length !== 1 || !Array.isArray(targeting.if)) return null;
    const chain = targeting.if;
    // a flag compiled as a program holds its conditions compiled already (the same `if` chain), run as evaluation runs them
    const program = this.program(key, now);
    if (program) {
      const at = runRuleAs(this.snapshot, key, (d, e) => heldAt(program, d as Record<string, unknown>, e), context, now);
      return typeof at === 'number' && at >= 0 ? conditionIndex(program, at) : null;
    }
    for (let i = 0; i + 1 < chain.length; i += 2) {
      let condition: Fn;
      try {
        condition = this.snapshot.compileRule(chain[i]);
      } catch {
        return null; // the flag could not be compiled either: its result is an ERROR
      }
      if (truthy(runRuleAs(this.snapshot, key, condition, context, now))) return i / 2;
    }
    return null;
  }
}

/** `new Explainer(doc, compileFlagSet(doc)).branch(…)` for one flag: to explain many, make one Explainer. */
export function matchedBranch(doc: FlagSetDocument, key: string, result: EvaluationResult, context: EvaluationContext, now: number): number | null {
  if (result.key !== key) result = { ...result, key };
  return new Explainer(doc, compileFlagSet(doc)).branch(result, context, now);
}

/**
 * Every flag of `doc` evaluated for `context` at `now` (document order, as `evaluateAll`), each with the condition
 * that decided it: one compile for the whole document (`set`, when given, must be `compileFlagSet(doc)`). A
 * generator, so that a caller can hand the thread to other work between flags of a large environment.
 */
export function* explainAll(doc: FlagSetDocument, context: EvaluationContext, now: number, set: CompiledFlagSet = compileFlagSet(doc)): Generator<Explained> {
  const explainer = new Explainer(doc, set);
  for (const key of set.keys) {
    const result = evaluateFlag(set, key, context, { now });
    yield { result, branch: explainer.branch(result, context, now) };
  }
}

/** An evaluation and the index of the top-level `if` condition that decided it (null: none did). */
export interface Explained {
  result: EvaluationResult;
  branch: number | null;
}
