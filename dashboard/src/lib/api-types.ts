// The admin API's data shapes, taken from its OpenAPI document (api/schema.ts, `npm run api:types`) where they match,
// so that a change of the worker's schemas fails the dashboard's typecheck; JSON the document leaves `unknown`
// (rules, variants' values, audit snapshots) is narrowed to JsonValue, and fields older servers lack stay optional.
import type { components } from '../../../api/schema';
import type { ScheduledChange } from './api-types-releases';

type Schemas = components['schemas'];

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A project (`staleAfterDays`: after how many days at 100 % a released flag is ready to clean up). */
export type Project = Schemas['Project'];
export type ProjectPatch = Schemas['ProjectPatch'];

/** An environment; `protected`: a write there by anyone but an admin opens a change request (new projects protect production). */
export type Environment = Schemas['Environment'];

export type FlagType = Schemas['Flag']['type'];
export type FlagState = Schemas['FlagEnvironmentConfig']['state'];

export type FlagEnvironmentConfig = Pick<Schemas['FlagEnvironmentConfig'], 'state' | 'defaultVariant'> & {
  targeting: JsonValue | null;
  /** rules imported from flagd that Curtain's stricter checks would refuse (absent from servers without them) */
  warnings?: ApiIssue[];
  /** pending scheduled changes, soonest first (absent when none) */
  schedule?: ScheduledChange[];
  /** the newest started or scheduled release of the flag here (null or absent when none) */
  release?: FlagRelease | null;
  /** how the edge evaluates it here (exposures, eventually consistent; absent from servers without them) */
  usage?: FlagUsage;
};

export type FlagUsage = NonNullable<Schemas['FlagEnvironment']['usage']>;
/** Ready to clean up: why, since when, and the environments whose newest deployment still references it. */
export type FlagStale = NonNullable<Schemas['Flag']['stale']>;

/** A flag's release in one environment, as the flag view carries it (`owns`: it decides the flag's switch and default variant). */
export type FlagRelease = NonNullable<Schemas['FlagEnvironment']['release']>;

export type Flag = Omit<Schemas['Flag'], 'variants' | 'environments'> & {
  variants: Record<string, JsonValue>;
  environments: Record<string, FlagEnvironmentConfig>;
};

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

export type FlagEnvironmentPatch = Partial<Omit<FlagEnvironmentConfig, 'warnings' | 'schedule' | 'release' | 'usage'>>;

/** What `PATCH /projects/{p}/flags/{flag}` changes: the flag in every environment. */
export type FlagPatch = Partial<Pick<Flag, 'description' | 'tags' | 'variants' | 'clientVisible' | 'metadata' | 'archived'>>;

/** An environment with its shared rules: Curtain's segments ({"segment": name}) and flagd's $evaluators ({"$ref": name}). */
export type EnvironmentDetail = Omit<Schemas['EnvironmentDetail'], 'segments' | 'evaluators'> & {
  segments: Record<string, JsonValue>;
  evaluators: Record<string, JsonValue>;
};

export type EnvironmentPatch = Schemas['EnvironmentPatch'];

/** One change in the audit log (`actor`: who made it; `review`: the change request it applied, with its approvers). */
export type AuditEntry = Omit<Schemas['AuditEntry'], 'before' | 'after'> & {
  before: JsonValue | null;
  after: JsonValue | null;
};

export type SdkKeyKind = Schemas['SdkKey']['kind'];

/** `prefix`: the secret's first characters; `rateLimit`: evaluations per second per location (absent from servers without key limits). */
export type SdkKey = Omit<Schemas['SdkKey'], 'rateLimit'> & { rateLimit?: number | null };

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

export type LocationPropagation = PropagationStatus['locations'][number];

/** How far the environment's newest committed version has reached the edge. */
export type PropagationStatus = Schemas['Propagation'];

/** One event of an environment's change stream: a new version was committed. */
export interface ChangeEvent {
  version: number;
  /** unix seconds */
  lastModified: number | null;
}
