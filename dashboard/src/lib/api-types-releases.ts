// The admin API's shapes for releases, deployments, scheduled changes, evaluate-as, the calendar and feedback,
//, as docs/api.md defines them.
import type { FlagState, JsonValue } from './api-types';

export type ReleaseState = 'draft' | 'scheduled' | 'rolling_out' | 'paused' | 'released' | 'rolled_back';
export type ReleaseAction = 'start' | 'pause' | 'resume' | 'rollback' | 'kill';

export interface ReleaseStep {
  /** 0.01–100, two decimals, never below the step before */
  percent: number;
  holdMinutes: number;
}

export type GuardrailOperator = '>' | '>=' | '<' | '<=';

export interface Guardrail {
  metric: string;
  operator: GuardrailOperator;
  threshold: number;
  windowMinutes: number;
  minSamples?: number;
  action: 'pause' | 'rollback';
}

export interface ReleaseFlag {
  key: string;
  inside: string;
  outside: string;
}

/** Where the plan stands now, from the same clock and formula as the edge. */
export interface ReleaseStatus {
  /** the share of users inside, 0–100 */
  percent: number;
  /** 0-based index of the current step, null before the start */
  step: number | null;
  nextStepAt: string | null;
  releasedAt: string | null;
}

export interface Release {
  key: string;
  name: string;
  owner: string | null;
  /** Markdown */
  notes: string;
  bucketBy: string;
  state: ReleaseState;
  killed: boolean;
  flags: ReleaseFlag[];
  plan: { steps: ReleaseStep[] };
  /** when each step began or begins, in true time (null: waits behind a pause going on, or will not come) */
  timeline: TimelineStep[];
  /** when the plan starts or started (true time: the first step's start) */
  startAt: string | null;
  startedAt: string | null;
  pausedAt: string | null;
  endedAt: string | null;
  guardrails: Guardrail[];
  status: ReleaseStatus;
  createdAt: string;
  updatedAt: string;
}

/** One step of a release in time. */
export interface TimelineStep {
  step: number;
  percent: number;
  startsAt: string | null;
}

export interface ReleaseInput {
  key: string;
  name: string;
  flags: string[];
  plan: { steps: ReleaseStep[] };
  startAt?: string | null;
  bucketBy?: string;
  notes?: string;
  owner?: string | null;
  variants?: Record<string, { inside: string; outside: string }>;
  guardrails?: Guardrail[];
}

export type ReleasePatch = Partial<Omit<ReleaseInput, 'key'>>;

export interface Deployment {
  id: string;
  version: string;
  commit: string | null;
  url: string | null;
  actor: string;
  flags: string[];
  at: string;
}

export interface UnreleasedFlag {
  key: string;
  lastDeployedAt: string;
  lastVersion: string;
}

export interface ScheduledChangeInput {
  at: string;
  state?: FlagState;
  defaultVariant?: string | null;
  /** replaces the flag's rules */
  targeting?: JsonValue;
  /** a split for everyone the rules leave to the default ([variant, weight] buckets): the rules stay */
  split?: [string, number][];
}

export interface ScheduledChange extends ScheduledChangeInput {
  id: string;
  createdBy: string;
  createdAt: string;
}

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
