// Compiles a validated flag-set document into a snapshot: closures and precomputed, frozen results.

import type { CompiledFlagSet, EvaluationResult, FlagDefinition, FlagSetDocument, FlagType, JsonValue, Metadata } from './types';
import { compileRule } from './compile-rule';
import { inferFlagType } from './infer-type';
import { isPlainObject, RuleError, type CompileScope, type Fn } from './rule';
import type { MurmurState } from './murmur3';

export interface CompiledFlag {
  key: string;
  hashPrefix?: MurmurState;
  type: FlagType | null;
  /** targeting, compiled on first evaluation (undefined until then), or null when the result never depends on the context */
  rule: Fn | null | undefined;
  /** the targeting to compile, and the snapshot's shared rules and segments */
  source: JsonValue;
  scope: CompileScope;
  /** the result when `rule` is null: DISABLED, STATIC, or a PARSE_ERROR */
  fixed: EvaluationResult | null;
  /** targeting returned null: the default variant, or no value (the caller's default) */
  defaultResult: EvaluationResult;
  /** made on first use */
  keyMissingResult: EvaluationResult | null;
  /** the flag's variants (own properties only are variants) */
  variants: Record<string, JsonValue>;
  /** results by variant name, made on first use */
  matches: ResultCache | null;
  splits: ResultCache | null;
  metadata: Metadata | undefined;
}

/**
 * Results by variant name, made on first use. Rules return the same literal strings every time, so
 * a short list compared by identity beats hashing; past eight names a Map takes the rest.
 */
export class ResultCache {
  private readonly names: string[] = [];
  private readonly results: EvaluationResult[] = [];
  private more: Map<string, EvaluationResult> | null = null;

  get(name: string): EvaluationResult | undefined {
    const names = this.names;
    for (let i = 0; i < names.length; i++) if (names[i] === name) return this.results[i];
    return this.more === null ? undefined : this.more.get(name);
  }

  set(name: string, result: EvaluationResult): void {
    if (this.names.length < 8) {
      this.names.push(name);
      this.results.push(result);
    } else (this.more ??= new Map()).set(name, result);
  }
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
  if (!Object.prototype.hasOwnProperty.call(flag.variants, variant)) return undefined;
  const value = flag.variants[variant];
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
  const own = isPlainObject(def.metadata) && Object.keys(def.metadata).length > 0;
  const merged = own ? (Object.freeze({ ...setMetadata, ...def.metadata }) as Metadata) : setMetadata;
  let variants = isPlainObject(def.variants) ? (def.variants as Record<string, JsonValue>) : {};
  if (Object.values(variants).some((v) => v !== null && typeof v === 'object')) {
    // Object values are served as they are: copy and freeze them so that no caller can change the snapshot.
    variants = Object.fromEntries(Object.entries(variants).map(([name, v]) => [name, deepFreeze(structuredCloneJson(v))]));
  }
  const flag: CompiledFlag = {
    key,
    hashPrefix: undefined, // set by `fractional`: present from the start, so that every flag keeps one shape
    source: null,
    scope,
    type: inferFlagType(def.variants),
    rule: null,
    fixed: null,
    defaultResult: null as unknown as EvaluationResult,
    keyMissingResult: null,
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
  const targeting = def.targeting;
  const empty = targeting === undefined || targeting === null || (isPlainObject(targeting) && Object.keys(targeting).length === 0);
  if (empty) {
    // flagd: no targeting serves the default variant as STATIC; with no default variant, DEFAULT and no value.
    flag.fixed = defaultVariant === null ? flag.defaultResult : (variantResult(flag, defaultVariant, 'STATIC') ?? flag.defaultResult);
    return flag;
  }
  flag.source = targeting as JsonValue;
  flag.rule = undefined;
  return flag;
}

/**
 * Compiles a flag's targeting into closures: on its first evaluation, so that a large snapshot is
 * ready at once and an isolate pays only for the flags it serves. Once per flag and snapshot.
 */
export function compileTargeting(flag: CompiledFlag): void {
  try {
    flag.rule = compileRule(flag.source, flag.scope);
  } catch (e) {
    const message = e instanceof RuleError ? e.message : 'targeting could not be compiled';
    flag.rule = null;
    flag.fixed = makeResult(flag, { reason: 'ERROR', errorCode: 'PARSE_ERROR', errorMessage: `invalid targeting for flag "${flag.key}": ${message}` });
  }
}

function structuredCloneJson<T extends JsonValue>(v: T): T {
  return v !== null && typeof v === 'object' ? (JSON.parse(JSON.stringify(v)) as T) : v;
}

/**
 * Compiles a flag set once. Never throws for a document that passed `validateFlagSet`; a flag that
 * cannot be compiled anyway evaluates to ERROR / PARSE_ERROR alone, the others are unaffected.
 * Targeting is compiled on each flag's first evaluation, or here with `{ eager: true }`.
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
  if (options.eager) for (const f of flags) if (f.rule === undefined) compileTargeting(f);
  return new FlagSnapshot(flags, setMetadata);
}
