// The admin API's shapes for releases, deployments, scheduled changes, evaluate-as, the calendar and feedback: taken
// from its OpenAPI document (api/schema.ts) where they match, so that drift fails the dashboard's typecheck.
import type { components } from '../../../api/schema';
import type { FlagState, JsonValue } from './api-types';

type Schemas = components['schemas'];

export type ReleaseState = Release['state'];
export type ReleaseAction = 'start' | 'pause' | 'resume' | 'rollback' | 'kill';

/** `percent`: 0.01–100, two decimals, never below the step before. */
export type ReleaseStep = Schemas['ReleaseStep'];
/** A guardrail as the API's one schema has it: each kind's own fields are required by the API (a refinement), so the
 * dashboard narrows the schema to the two kinds. */
type GuardrailSchema = Schemas['Guardrail'];
type Required2<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** A threshold guardrail as a plan sends it (`kind` optional: the API's default). */
export type ThresholdGuardrail = Omit<Required2<GuardrailSchema, 'operator' | 'threshold' | 'windowMinutes'>, 'kind' | 'measure' | 'direction'> & { kind?: 'threshold' };
/** A guardrail that compares a tracking event inside vs outside the release with a sequential test (mSPRT). */
export type SequentialGuardrail = Omit<Required2<GuardrailSchema, 'measure' | 'direction'>, 'kind' | 'operator' | 'threshold' | 'windowMinutes'> & { kind: 'sequential' };
export type Guardrail = ThresholdGuardrail | SequentialGuardrail;
export type GuardrailOperator = ThresholdGuardrail['operator'];
type ReleaseGuardrailView = Schemas['Release']['guardrails'][number];
/** The release watch's latest decision on a sequential guardrail (`interval`: always-valid 95 % of inside − outside). */
export type GuardrailDecision = NonNullable<ReleaseGuardrailView['decision']>;
/** A guardrail as the release view carries it: a sequential one with its latest decision (absent in lists). */
export type ReleaseGuardrail = ThresholdGuardrail | (SequentialGuardrail & { decision?: GuardrailDecision | null });
/** Distinct users the edge served inside and outside the release in the last hour (or since its start): estimates. */
export type ReleaseExposures = NonNullable<Schemas['Release']['exposures']>;
export type PausedReason = NonNullable<Schemas['Release']['pausedReason']>;
/** How often the edge evaluated a flag, per minute and variant (inside/outside where a release decides it). */
export type FlagExposures = Schemas['FlagExposures'];
export type ReleaseFlag = Schemas['Release']['flags'][number];
/** Where the plan stands now, from the same clock and formula as the edge (`step`: 0-based, null before the start). */
export type ReleaseStatus = Schemas['Release']['status'];
/** One step of a release in time (`startsAt` null: waits behind a pause going on, or will not come). */
export type TimelineStep = Schemas['Release']['timeline'][number];

/** A release (`notes` in Markdown; `startAt`: when the plan starts or started, in true time). */
export type Release = Omit<Schemas['Release'], 'guardrails'> & { guardrails: ReleaseGuardrail[] };
export type ReleaseInput = Omit<Schemas['ReleaseInput'], 'guardrails'> & { guardrails?: Guardrail[] };
export type ReleasePatch = Omit<Schemas['ReleasePatch'], 'guardrails'> & { guardrails?: Guardrail[] };
export type Deployment = Schemas['Deployment'];

export interface UnreleasedFlag {
  key: string;
  lastDeployedAt: string;
  lastVersion: string;
}

/** A one-off change: `targeting` replaces the rules; `split` divides everyone the rules leave to the default. */
export type ScheduledChangeInput = Omit<Schemas['ScheduledChangeInput'], 'targeting' | 'state'> & { state?: FlagState; targeting?: JsonValue };
export type ScheduledChange = Omit<Schemas['ScheduledChange'], 'targeting' | 'state'> & { state?: FlagState; targeting?: JsonValue };

/** One flag evaluated by `POST …/evaluate`: the edge's answer plus the rule that matched. */
export interface ExplainedEvaluation {
  key: string;
  value?: JsonValue;
  variant?: string;
  reason: 'STATIC' | 'TARGETING_MATCH' | 'SPLIT' | 'DEFAULT' | 'DISABLED' | 'ERROR';
  errorCode?: string;
  errorMessage?: string;
  /** the 0-based index of the top-level `if` condition that held (the builder's rule), or null */
  matched: { branch: number | null };
}

/** A release on the calendar, with each step's start on the plan's clock. */
export interface CalendarEntry {
  environment: string;
  key: string;
  name: string;
  owner: string | null;
  state: ReleaseState;
  killed: boolean;
  flags: string[];
  startAt: string | null;
  pausedAt: string | null;
  /** released or rolled back at; for a plan still running to 100 %, when it will be released */
  endAt: string | null;
  /** `startsAt` null: will not come as planned (paused, rolled back) */
  steps: { step: number; percent: number; startsAt: string | null }[];
}

export type Rating = 'positive' | 'neutral' | 'negative';

export interface FeedbackItem {
  id: number;
  at: string;
  rating: Rating;
  comment: string | null;
  user: string;
  inside: boolean;
  variants: Record<string, string | null>;
}

export interface FeedbackCounts {
  total: number;
  byRating: Record<Rating, number>;
  byVariant: { flag: string; variant: string | null; total: number; byRating: Record<Rating, number> }[];
}

export interface FeedbackPage {
  feedback: FeedbackItem[];
  counts: FeedbackCounts;
  /** pass back for the next page; null on the last */
  next: number | null;
}
