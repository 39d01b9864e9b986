// Compiles a validated flag-set document into a snapshot: closures and precomputed, frozen results.

import type { CompiledFlagSet, EvaluationResult, FlagDefinition, FlagSetDocument, FlagType, JsonValue, Metadata } from './types';
import { compileRule } from './compile-rule';
import { inferFlagType } from './infer-type';
import { isPlainObject, RuleError, type CompileScope, type Fn } from './rule';

export interface CompiledFlag {
  key: string;
  type: FlagType | null;
  /** targeting, or null when the result never depends on the context */
  rule: Fn | null;
  /** the result when `rule` is null: DISABLED, STATIC, or a PARSE_ERROR */
  fixed: EvaluationResult | null;
  /** targeting returned null: the default variant, or no value (the caller's default) */
  defaultResult: EvaluationResult;
  keyMissingResult: EvaluationResult;
  variants: Map<string, JsonValue>;
  /** results by variant name, filled on first use */
  matches: Map<string, EvaluationResult>;
  splits: Map<string, EvaluationResult>;
  metadata: Metadata | undefined;
}

const EMPTY: Metadata = Object.freeze({}) as Metadata;

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k]);
  }
  return v;
}

export function makeResult(flag: Pick<CompiledFlag, 'key' | 'metadata'>, fields: Omit<EvaluationResult, 'key' | 'metadata'>): EvaluationResult {
  const r: EvaluationResult = { key: flag.key, ...fields };
  if (flag.metadata) r.metadata = flag.metadata;
  return Object.freeze(r);
}

export function variantResult(flag: CompiledFlag, variant: string, reason: EvaluationResult['reason']): EvaluationResult | undefined {
  const value = flag.variants.get(variant);
  if (value === undefined) return undefined;
  return makeResult(flag, { value, variant, reason });
}

/** The snapshot. Its fields are the engine's own; callers use the CompiledFlagSet interface. */
export class FlagSnapshot implements CompiledFlagSet {
  readonly keys: readonly string[];
  readonly metadata: Readonly<Metadata>;
  readonly flags: CompiledFlag[];
  readonly byKey: Map<string, CompiledFlag>;
  readonly notFoundMetadata: Metadata | undefined;

  constructor(flags: CompiledFlag[], metadata: Metadata) {
    this.flags = flags;
    this.keys = Object.freeze(flags.map((f) => f.key));
    this.byKey = new Map(flags.map((f) => [f.key, f]));
    this.metadata = metadata;
    this.notFoundMetadata = Object.keys(metadata).length ? metadata : undefined;
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  typeOf(key: string): FlagType | null | undefined {
    return this.byKey.get(key)?.type;
  }
}

function compileFlag(key: string, def: FlagDefinition, setMetadata: Metadata, scope: CompileScope): CompiledFlag {
  const merged = { ...setMetadata, ...(isPlainObject(def.metadata) ? def.metadata : {}) } as Metadata;
  const variants = new Map<string, JsonValue>();
  if (isPlainObject(def.variants)) for (const [name, v] of Object.entries(def.variants)) variants.set(name, deepFreeze(structuredCloneJson(v)));
  const flag: CompiledFlag = {
    key,
    type: inferFlagType(def.variants),
    rule: null,
    fixed: null,
    defaultResult: null as unknown as EvaluationResult,
    keyMissingResult: null as unknown as EvaluationResult,
    variants,
    matches: new Map(),
    splits: new Map(),
    metadata: Object.keys(merged).length ? Object.freeze(merged) : undefined,
  };
  const defaultVariant = typeof def.defaultVariant === 'string' && def.defaultVariant !== '' ? def.defaultVariant : null;
  flag.defaultResult =
    defaultVariant === null
      ? makeResult(flag, { reason: 'DEFAULT' })
      : (variantResult(flag, defaultVariant, 'DEFAULT') ??
        makeResult(flag, { reason: 'ERROR', errorCode: 'GENERAL', errorMessage: `default variant "${defaultVariant}" is not a variant of flag "${key}"` }));
  flag.keyMissingResult = makeResult(flag, {
    reason: 'ERROR',
    errorCode: 'TARGETING_KEY_MISSING',
    errorMessage: `flag "${key}" splits traffic by targetingKey, and the context has none`,
  });

  if (def.state === 'DISABLED') {
    flag.fixed = makeResult(flag, { reason: 'DISABLED' });
    return flag;
  }
  const targeting = def.targeting;
  const empty = targeting === undefined || targeting === null || (isPlainObject(targeting) && Object.keys(targeting).length === 0);
  if (empty) {
    // flagd: no targeting serves the default variant as STATIC; with no default variant, DEFAULT and no value.
    flag.fixed = defaultVariant === null ? flag.defaultResult : (variantResult(flag, defaultVariant, 'STATIC') ?? flag.defaultResult);
    return flag;
  }
  try {
    flag.rule = compileRule(targeting, scope);
  } catch (e) {
    const message = e instanceof RuleError ? e.message : 'targeting could not be compiled';
    flag.fixed = makeResult(flag, { reason: 'ERROR', errorCode: 'PARSE_ERROR', errorMessage: `invalid targeting for flag "${key}": ${message}` });
  }
  return flag;
}

function structuredCloneJson<T extends JsonValue>(v: T): T {
  return v !== null && typeof v === 'object' ? (JSON.parse(JSON.stringify(v)) as T) : v;
}

/**
 * Compiles a flag set once. Never throws for a document that passed `validateFlagSet`; a flag that
 * cannot be compiled anyway evaluates to ERROR / PARSE_ERROR alone, the others are unaffected.
 */
export function compileFlagSet(doc: FlagSetDocument): CompiledFlagSet {
  const setMetadata = (isPlainObject(doc.metadata) ? Object.freeze({ ...doc.metadata }) : EMPTY) as Metadata;
  const evaluators = (isPlainObject(doc.$evaluators) ? doc.$evaluators : {}) as Record<string, JsonValue>;
  const segmentRules = (isPlainObject(doc.segments) ? doc.segments : {}) as Record<string, JsonValue>;
  const segments = new Map<string, Fn | RuleError>();
  const compiling = new Set<string>();
  const scope: CompileScope = {
    evaluators,
    inIteration: false,
    refStack: [],
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
  const flags: CompiledFlag[] = [];
  const defs = isPlainObject(doc.flags) ? (doc.flags as unknown as Record<string, FlagDefinition>) : {};
  for (const key of Object.keys(defs)) {
    const def = defs[key];
    if (!isPlainObject(def)) continue;
    flags.push(compileFlag(key, def, setMetadata, scope));
  }
  return new FlagSnapshot(flags, setMetadata);
}
