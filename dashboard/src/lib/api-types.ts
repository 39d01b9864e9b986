// The admin API's data shapes, as docs/api.md defines them (to be generated from /api/v1/openapi.json later).
import type { ScheduledChange } from './api-types-releases';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface Project {
  id: string;
  key: string;
  name: string;
  createdAt: string;
}

export interface Environment {
  id: string;
  key: string;
  name: string;
  /** snapshot version, grows with every change */
  version: number;
  /** serves real users: a write there by anyone but an admin opens a change request (new projects protect production) */
  protected: boolean;
  /** approvals a change request needs here while the environment is protected */
  requiredApprovals: number;
}

export type FlagType = 'boolean' | 'string' | 'integer' | 'float' | 'object';
export type FlagState = 'ENABLED' | 'DISABLED';

export interface FlagEnvironmentConfig {
  state: FlagState;
  defaultVariant: string | null;
  targeting: JsonValue | null;
  /** rules imported from flagd that Curtain's stricter checks would refuse (absent from servers without them) */
  warnings?: ApiIssue[];
  /** pending scheduled changes, soonest first (absent when none) */
  schedule?: ScheduledChange[];
  /** the newest started or scheduled release of the flag here (null or absent when none) */
  release?: FlagRelease | null;
}

/** A flag's release in one environment, as the flag view carries it. */
export interface FlagRelease {
  key: string;
  name: string;
  state: 'scheduled' | 'rolling_out' | 'paused' | 'released' | 'rolled_back';
  killed: boolean;
  /** the share of the users the release decides for who are inside now */
  percent: number;
  nextStepAt: string | null;
  inside: string;
  outside: string;
  /** true while the release decides the flag (scheduled, rolling out, paused): its switch and default variant are the release's */
  owns: boolean;
}

export interface Flag {
  key: string;
  type: FlagType;
  description: string;
  tags: string[];
  variants: Record<string, JsonValue>;
  clientVisible: boolean;
  metadata: Record<string, string | number | boolean>;
  /** hidden from the list; only a flag off in every environment can be archived */
  archived: boolean;
  environments: Record<string, FlagEnvironmentConfig>;
  createdAt: string;
  updatedAt: string;
}

export interface FlagInput {
  key: string;
  description?: string;
  tags?: string[];
  clientVisible?: boolean;
  metadata?: Record<string, string | number | boolean>;
  type?: FlagType;
  variants?: Record<string, JsonValue>;
  environments?: Record<string, Partial<FlagEnvironmentConfig>>;
}

export type FlagEnvironmentPatch = Partial<Omit<FlagEnvironmentConfig, 'warnings' | 'schedule' | 'release'>>;

/** What `PATCH /projects/{p}/flags/{flag}` changes: the flag in every environment. */
export type FlagPatch = Partial<Pick<Flag, 'description' | 'tags' | 'variants' | 'clientVisible' | 'metadata' | 'archived'>>;

/** An environment with its shared rules. */
export interface EnvironmentDetail extends Environment {
  /** Curtain's named conditions, used as {"segment": name} */
  segments: Record<string, JsonValue>;
  /** flagd's $evaluators, used as {"$ref": name} */
  evaluators: Record<string, JsonValue>;
  metadata: Record<string, string | number | boolean>;
}

export type EnvironmentPatch = Partial<Pick<EnvironmentDetail, 'name' | 'segments' | 'evaluators' | 'metadata' | 'protected' | 'requiredApprovals'>>;

/** One change in the audit log. */
export interface AuditEntry {
  id: number;
  at: string;
  /** the name of the admin token that made it */
  actor: string;
  /** e.g. flag.create, flag.update, flag.configure, flag.delete, environment.update */
  action: string;
  /** e.g. projects/default/environments/production/flags/checkout */
  resource: string;
  before: JsonValue | null;
  after: JsonValue | null;
  /** the flag keys it concerns: a flag's own changes, and the releases, schedules, deployments and imports naming it */
  flags: string[];
  /** the id of the entry this change reverted, when it was made as a revert */
  revertOf: number | null;
}

export type SdkKeyKind = 'server' | 'client';

export interface SdkKey {
  id: string;
  name: string;
  kind: SdkKeyKind;
  /** first characters of the secret, for recognition */
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
  /** evaluations per second per location, null for none (absent from servers without key limits) */
  rateLimit?: number | null;
}

export interface SdkKeyInput {
  name: string;
  kind: SdkKeyKind;
  /** sent only when set: servers without key limits refuse the field */
  rateLimit?: number | null;
}

export interface CreatedSdkKey extends SdkKey {
  /** shown once, never returned again */
  secret: string;
}

export interface TokenInfo {
  id: string;
  name: string;
}

export type ApiErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'VALIDATION_FAILED'
  | 'INVALID_JSON'
  | 'INVALID_DEFINITION'
  | 'CONFLICT'
  /** a release action its state does not allow */
  | 'INVALID_STATE'
  /** the dormant-code guard: no recorded deployment uses the flags (the error names them in `flags`) */
  | 'DORMANT_CODE'
  /** a running release owns the flag there (the error names it in `release`, with `waysForward`) */
  | 'RELEASE_OWNS_FLAG'
  /** starting the release would take the inside variant from users who have it (the error lists `flags`) */
  | 'TAKES_FEATURE_AWAY'
  /** a change request's target changed since it was made (the error carries the `diff`) */
  | 'CHANGE_REQUEST_STALE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'PAYLOAD_TOO_LARGE'
  | 'LIMIT_EXCEEDED'
  | 'SERVICE_UNAVAILABLE'
  /** `If-Match` named a version that is no longer the current one: someone else changed it */
  | 'PRECONDITION_FAILED'
  | 'INTERNAL';

export interface ApiIssue {
  path: string;
  message: string;
}

export interface LocationPropagation {
  /** the edge location (colo), "local" under `npm start` */
  location: string;
  isolates: number;
  appliedIsolates: number;
  lastAppliedAt: string | null;
}

/** How far the environment's newest committed version has reached the edge. */
export interface PropagationStatus {
  version: number;
  publishedAt: string | null;
  locations: LocationPropagation[];
  /** locations where every reporting isolate applied it, and isolates that applied it, of those reporting */
  applied: { locations: number; isolates: number; ofLocations: number; ofIsolates: number };
  lastAppliedAt: string | null;
}

/** One event of an environment's change stream: a new version was committed. */
export interface ChangeEvent {
  version: number;
  /** unix seconds */
  lastModified: number | null;
}
