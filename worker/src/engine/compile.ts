// Compiles a validated flag-set document into a snapshot: per flag, on first use, closures and precomputed, frozen results.

import type { CompiledFlagSet, EvaluationResult, FlagDefinition, FlagSetDocument, FlagType, JsonValue, Metadata, ReleaseDefinition } from './types';
import { compileRule } from './compile-rule';
import { ruleNodes } from './rule-nodes';
import { NODE_UNITS } from './budget';
import { inferFlagType } from './infer-type';
import { isPlainObject, RuleError, type CompileScope, type Fn } from './rule';
import { releaseRule } from './release';
import { schedulePhases } from './schedule-phases';
import { chainProgram } from './flag-program';
import { makeResult, variantResult, type CompiledFlag } from './results';

export { makeResult, variantResult, type CompiledFlag };

/** The release that decides a flag, with the flag's variants inside and outside it. */
interface FlagRelease {
  def: ReleaseDefinition;
  inside: string;
  outside: string;
}

const EMPTY: Metadata = Object.freeze({}) as Metadata;

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k]);
  }
  return v;
}

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * The snapshot. Its fields are the engine's own; callers use the CompiledFlagSet interface.
 * It keeps the document and makes each flag's record on the flag's first use: setting up allocates
 * almost nothing, so a large snapshot is ready at once (and no garbage collection copies the freshly
 * parsed document because of it), and an isolate pays only for the flags it serves.
 */
export class FlagSnapshot implements CompiledFlagSet {
  readonly keys: readonly string[];
  readonly metadata: Readonly<Metadata>;
  readonly notFoundMetadata: Metadata | undefined;
  /** the flags made so far, by key */
  readonly byKey = new Map<string, CompiledFlag>();
  private all: CompiledFlag[] | null = null;
  private readonly defs: Record<string, FlagDefinition>;
  private readonly scope: CompileScope;
  private readonly releases: Map<string, FlagRelease>;

  constructor(defs: Record<string, FlagDefinition>, metadata: Metadata, scope: CompileScope, releases = new Map<string, FlagRelease>()) {
    const keys = Object.keys(defs);
    this.keys = Object.freeze(keys.every((k) => isPlainObject(defs[k])) ? keys : keys.filter((k) => isPlainObject(defs[k])));
    this.defs = defs;
    this.metadata = metadata;
    this.notFoundMetadata = Object.keys(metadata).length ? metadata : undefined;
    this.scope = scope;
    this.releases = releases;
  }

  /** The flag, made and prepared on first use; undefined for an unknown key. */
  flag(key: string): CompiledFlag | undefined {
    let flag = this.byKey.get(key);
    if (flag === undefined) {
      if (!hasOwn.call(this.defs, key)) return undefined;
      const def = this.defs[key];
      if (!isPlainObject(def)) return undefined;
      flag = makeFlag(key, def, this.metadata, this.scope, this.releases.get(key));
      this.byKey.set(key, flag);
    }
    return flag;
  }

  /** The flags of `keys` (keys of this snapshot), in that order. */
  flagsOf(keys: readonly string[]): CompiledFlag[] {
    const out: CompiledFlag[] = new Array(keys.length);
    for (let i = 0; i < keys.length; i++) out[i] = this.flag(keys[i]) as CompiledFlag;
    return out;
  }

  /** Every flag, in document order. */
  flags(): CompiledFlag[] {
    return (this.all ??= this.flagsOf(this.keys));
  }

  /** Compiles a rule in this snapshot's scope (its shared rules and segments), as a flag's targeting is. */
  compileRule(rule: JsonValue): Fn {
    return compileRule(rule, this.scope);
  }

  has(key: string): boolean {
    return this.byKey.has(key) || (hasOwn.call(this.defs, key) && isPlainObject(this.defs[key]));
  }

  typeOf(key: string): FlagType | null | undefined {
    return this.flag(key)?.type;
  }
}

/** Makes a flag's record on its first use: the results that never change, and its targeting compiled into closures. */
function makeFlag(key: string, def: FlagDefinition, setMetadata: Metadata, scope: CompileScope, release?: FlagRelease): CompiledFlag {
  if (Array.isArray(def.schedule) && def.schedule.length > 0) return makeScheduledFlag(key, def, setMetadata, scope, release);
  const own = isPlainObject(def.metadata) && Object.keys(def.metadata).length > 0;
  const merged = own ? (Object.freeze({ ...setMetadata, ...def.metadata }) as Metadata) : setMetadata;
  let variants = isPlainObject(def.variants) ? (def.variants as Record<string, JsonValue>) : {};
  let unservable = false;
  if (def.state !== 'DISABLED' && Object.values(variants).some((v) => v !== null && typeof v === 'object')) {
    // Object values are served as they are: copy and freeze them so that no caller can change the snapshot.
    // Values that cannot be copied (nested too deep: refused when saved) fail this flag alone.
    try {
      variants = Object.fromEntries(Object.entries(variants).map(([name, v]) => [name, deepFreeze(structuredCloneJson(v))]));
    } catch {
      variants = {};
      unservable = true;
    }
  }
  // what every evaluation reads first, so that it is one cache line more often than two
  const flag: CompiledFlag = {
    fixed: null,
    cost: 0,
    program: null,
    hashPrefix: undefined,
    defaultResult: null as unknown as EvaluationResult,
    phases: null,
    rule: null,
    key,
    type: inferFlagType(def.variants),
    keyMissingResult: null,
    budgetResult: null,
    variants,
    matches: null,
    splits: null,
    metadata: Object.keys(merged).length ? merged : undefined,
  };
  const defaultVariant = typeof def.defaultVariant === 'string' && def.defaultVariant !== '' ? def.defaultVariant : null;
  flag.defaultResult =
    defaultVariant === null
      ? makeResult(flag, { reason: 'DEFAULT' })
      : (variantResult(flag, defaultVariant, 'DEFAULT') ??
        makeResult(flag, { reason: 'ERROR', errorCode: 'GENERAL', errorMessage: `default variant "${defaultVariant}" is not a variant of flag "${key}"` }));

  if (def.state === 'DISABLED') {
    flag.fixed = makeResult(flag, { reason: 'DISABLED' });
    return flag;
  }
  if (unservable) {
    flag.fixed = flag.defaultResult = makeResult(flag, { reason: 'ERROR', errorCode: 'GENERAL', errorMessage: `the variants of flag "${key}" cannot be served` });
    return flag;
  }
  const targeting = def.targeting;
  const empty = targeting === undefined || targeting === null || (isPlainObject(targeting) && Object.keys(targeting).length === 0);
  if (empty) {
    // flagd: no targeting serves the default variant as STATIC; with no default variant, DEFAULT and no value.
    flag.fixed = defaultVariant === null ? flag.defaultResult : (variantResult(flag, defaultVariant, 'STATIC') ?? flag.defaultResult);
  } else {
    try {
      // the common shape as data, unless a release wraps the flag's own rule
      if (!release) flag.program = chainProgram(targeting as JsonValue, flag, scope, compileRule);
      if (!flag.program) flag.rule = compileRule(targeting as JsonValue, scope);
      flag.cost = NODE_UNITS * ruleNodes(targeting as JsonValue, scope);
    } catch {
      flag.program = null;
      // The message names no part of the rule: answers to browser (client) keys must reveal no rules.
      // Validation says what is wrong and where: refused when saved, or a warning of a flag imported from flagd.
      flag.fixed = makeResult(flag, { reason: 'ERROR', errorCode: 'PARSE_ERROR', errorMessage: `the targeting of flag "${key}" could not be compiled (see its warnings in the admin API)` });
      return flag;
    }
  }
  if (release) underRelease(flag, release);
  return flag;
}

/**
 * A flag with scheduled changes: one record per phase, each the definition before it with the change applied,
 * chosen by the evaluation time. A change that cannot be read is left out (validation refuses it when saved).
 */
function makeScheduledFlag(key: string, def: FlagDefinition, setMetadata: Metadata, scope: CompileScope, release?: FlagRelease): CompiledFlag {
  const base = makeFlag(key, { ...def, schedule: undefined }, setMetadata, scope, release);
  const phases: NonNullable<CompiledFlag['phases']> = [{ from: -Infinity, flag: base, make: () => base }];
  // each phase is compiled when the clock first reaches it: a flag with many changes pending costs one phase per use
  for (const phase of schedulePhases(def)) phases.push({ from: phase.from, flag: null, make: () => makeFlag(key, phase.def, setMetadata, scope, release) });
  return { ...base, fixed: null, program: null, rule: null, cost: 0, phases };
}

/** Puts a flag under its release: the release decides whenever the flag's own targeting would serve the default. */
function underRelease(flag: CompiledFlag, { def, inside, outside }: FlagRelease) {
  try {
    const rule = releaseRule(def, inside, outside, flag.rule);
    if (rule) {
      flag.rule = rule;
      flag.fixed = null;
    } else {
      // killed: the outside variant for everyone, whatever the flag's own rules say
      flag.rule = null;
      flag.fixed =
        variantResult(flag, outside, 'STATIC') ??
        makeResult(flag, { reason: 'ERROR', errorCode: 'GENERAL', errorMessage: `release variant "${outside}" is not a variant of flag "${flag.key}"` });
    }
  } catch {
    flag.rule = null;
    flag.fixed = makeResult(flag, { reason: 'ERROR', errorCode: 'PARSE_ERROR', errorMessage: `the release of flag "${flag.key}" could not be compiled` });
  }
}

/**
 * Which release decides each flag: the first that names it (validation allows one per flag). A release that has
 * ended (released or rolled back) decides nothing: its outcome was written into its flags when it ended, and it
 * stays in the snapshot only to be announced.
 */
function indexReleases(releases: unknown): Map<string, FlagRelease> {
  const out = new Map<string, FlagRelease>();
  if (!isPlainObject(releases)) return out;
  for (const def of Object.values(releases as Record<string, unknown>)) {
    if (!isPlainObject(def) || !isPlainObject(def.flags) || def.state === 'released' || def.state === 'rolled_back') continue;
    for (const [key, v] of Object.entries(def.flags)) {
      if (out.has(key) || !isPlainObject(v) || typeof v.inside !== 'string' || typeof v.outside !== 'string') continue;
      out.set(key, { def: def as unknown as ReleaseDefinition, inside: v.inside, outside: v.outside });
    }
  }
  return out;
}

function structuredCloneJson<T extends JsonValue>(v: T): T {
  return v !== null && typeof v === 'object' ? (JSON.parse(JSON.stringify(v)) as T) : v;
}

/**
 * Compiles a flag set once. Never throws for a document that passed `validateFlagSet`; a flag that
 * cannot be compiled anyway evaluates to ERROR / PARSE_ERROR alone, the others are unaffected.
 * Each flag is prepared (results made, targeting compiled) on its first use, or here with `{ eager: true }`.
 * The document is kept until then: it must not be changed after this call.
 */
export function compileFlagSet(doc: FlagSetDocument, options: { eager?: boolean } = {}): CompiledFlagSet {
  const setMetadata = (isPlainObject(doc.metadata) ? Object.freeze({ ...doc.metadata }) : EMPTY) as Metadata;
  const evaluators = (isPlainObject(doc.$evaluators) ? doc.$evaluators : {}) as Record<string, JsonValue>;
  const segmentRules = (isPlainObject(doc.segments) ? doc.segments : {}) as Record<string, JsonValue>;
  const segments = new Map<string, Fn | RuleError>();
  const compiling = new Set<string>();
  const scope: CompileScope = {
    evaluators,
    inIteration: false,
    refStack: [],
    conditions: new Map(),
    segmentRule: (name) => (Object.prototype.hasOwnProperty.call(segmentRules, name) ? segmentRules[name] : undefined),
    segment(name) {
      let s = segments.get(name);
      if (s === undefined) {
        if (!Object.prototype.hasOwnProperty.call(segmentRules, name)) return undefined;
        if (compiling.has(name)) throw new RuleError(`segment cycle through "${name}"`);
        compiling.add(name);
        try {
          s = compileRule(segmentRules[name], { ...scope, refStack: [] });
        } catch (e) {
          s = e instanceof RuleError ? e : new RuleError(`segment "${name}" could not be compiled`);
        } finally {
          compiling.delete(name);
        }
        segments.set(name, s);
      }
      if (s instanceof RuleError) throw s;
      return s;
    },
  };
  const defs = isPlainObject(doc.flags) ? (doc.flags as unknown as Record<string, FlagDefinition>) : {};
  const snapshot = new FlagSnapshot(defs, setMetadata, scope, indexReleases(doc.releases));
  if (options.eager) snapshot.flags();
  return snapshot;
}
