// The engine's public data types: flag definitions (a superset of flagd's format) and evaluation results.

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Flag or flag-set metadata, as flagd and OFREP define it: flat scalar values. */
export type Metadata = Record<string, string | number | boolean>;

export type FlagStateName = 'ENABLED' | 'DISABLED';

/** One flag as it appears in a flagd file, plus Curtain's extensions (documented in docs/flag-format.md). */
export interface FlagDefinition {
  state: FlagStateName;
  variants: Record<string, JsonValue>;
  /** `null` or absent: the caller's code default. */
  defaultVariant?: string | null;
  /** JsonLogic; `{}` or absent means no targeting. */
  targeting?: JsonValue;
  metadata?: Metadata;
  /** Curtain extension: one-off changes that take effect at a time, each over the definition before it */
  schedule?: ScheduledChange[];
}

/** A change to a flag's state, default variant or targeting that the edge applies from `at` on. */
export interface ScheduledChange {
  /** RFC 3339 date-time */
  at: string;
  state?: FlagStateName;
  defaultVariant?: string | null;
  /** replaces the flag's rules */
  targeting?: JsonValue;
  /** `fractional` buckets ([variant, weight], …) for everyone the flag's rules leave to the default: the rules stay */
  split?: JsonValue[];
}

/** A whole flag set (one environment): a flagd file plus Curtain's top-level extensions. */
export interface FlagSetDocument {
  $schema?: string;
  flags: Record<string, FlagDefinition>;
  /** flagd shared rules, referenced with `{"$ref": "name"}`. */
  $evaluators?: Record<string, JsonValue>;
  /** Curtain extension: reusable segments, referenced from targeting with `{"segment": "name"}`. */
  segments?: Record<string, JsonValue>;
  metadata?: Metadata;
  /** Curtain extension: releases, each deciding its flags for everyone their own targeting leaves to the default. */
  releases?: Record<string, ReleaseDefinition>;
}

/** The states of a release that reach the edge (drafts do not). */
export type ReleaseState = 'scheduled' | 'rolling_out' | 'paused' | 'released' | 'rolled_back';

/** A release as the edge evaluates it (docs/releases.md). */
export interface ReleaseDefinition {
  state: ReleaseState;
  /** kill: every flag of the release serves its outside variant to everyone, over the flags' own rules */
  killed?: boolean;
  /** flag key → the variant served inside the release and outside it */
  flags: Record<string, { inside: string; outside: string }>;
  /** the context attribute users are bucketed by (default `targetingKey`) */
  bucketBy?: string;
  /** hashed before the bucketing value, so that two releases do not pick the same first users */
  salt: string;
  /** RFC 3339: when the plan's first step starts; moved on by the time spent paused */
  startAt: string;
  /** RFC 3339, with state `paused`: where the plan's clock stands still */
  pausedAt?: string;
  /** percentages (two decimals, never decreasing) and how long each holds before the next */
  steps: { percent: number; holdMinutes: number }[];
  /** for announcing it (what's new); the engine ignores these three for evaluation */
  name?: string;
  /** release notes, Markdown */
  notes?: string;
  /** the notes rendered to HTML when the snapshot was built (raw HTML escaped, unsafe links refused) */
  notesHtml?: string;
}

/** Where a release's plan stands at a time. */
export interface ReleasePosition {
  /** the share of users inside, 0–100 */
  percent: number;
  /** index of the current step, or null before the start */
  step: number | null;
  /** ms since the epoch at which the next step begins, or null */
  nextStepAt: number | null;
  /** ms since the epoch at which a plan ending at 100 % has held its last step, or null */
  completeAt: number | null;
}

export type Reason = 'STATIC' | 'TARGETING_MATCH' | 'SPLIT' | 'DEFAULT' | 'DISABLED' | 'ERROR';

export type ErrorCode =
  | 'FLAG_NOT_FOUND'
  | 'PARSE_ERROR'
  | 'TYPE_MISMATCH'
  | 'TARGETING_KEY_MISSING'
  | 'INVALID_CONTEXT'
  | 'GENERAL';

/** Evaluation context: OpenFeature's, `targetingKey` plus arbitrary attributes. */
export type EvaluationContext = { targetingKey?: string } & Record<string, unknown>;

/** An evaluation result is data, never a throw. `value` is absent when the caller's code default applies. */
export interface EvaluationResult {
  key: string;
  value?: JsonValue;
  variant?: string;
  reason: Reason;
  errorCode?: ErrorCode;
  errorMessage?: string;
  /** flag-set metadata merged under the flag's own metadata */
  metadata?: Metadata;
}

export interface ValidationIssue {
  /** JSON-pointer-like path to the offending node, e.g. `/flags/new-ui/targeting/if/0` */
  path: string;
  message: string;
}

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; issues: ValidationIssue[] };

export interface EvaluateOptions {
  /** Evaluation time in milliseconds since the epoch (the engine never reads the clock itself). */
  now: number;
}

/** The type of a flag, from its variants (numbers split into integer and float). */
export type FlagType = 'boolean' | 'string' | 'integer' | 'float' | 'object';

/** OpenFeature's value types, for a caller that expects one (`TYPE_MISMATCH` otherwise). */
export type ValueType = 'boolean' | 'string' | 'number' | 'object';

export interface EvaluateFlagOptions extends EvaluateOptions {
  /** the type the caller expects; a value of another type is reported as `TYPE_MISMATCH` */
  type?: ValueType;
}

/** A precomputed subset of a snapshot's flags (see `selectFlags`): the cheap way to filter `evaluateAll`. */
export interface FlagSelection {
  readonly set: CompiledFlagSet;
  readonly keys: readonly string[];
}

export interface EvaluateAllOptions extends EvaluateOptions {
  /** only these flags: a selection made once per snapshot, or a predicate called per flag */
  only?: FlagSelection | ((key: string) => boolean);
}

/** An environment's flags compiled once (closures, no eval): the snapshot evaluations run against. */
export interface CompiledFlagSet {
  /** flag keys in document order */
  readonly keys: readonly string[];
  /** flag-set metadata */
  readonly metadata: Readonly<Metadata>;
  has(key: string): boolean;
  /** the flag's type inferred from its variants; undefined for an unknown key */
  typeOf(key: string): FlagType | null | undefined;
}
