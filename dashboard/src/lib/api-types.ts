// The admin API's data shapes, as docs/api.md defines them (to be generated from /api/v1/openapi.json later).

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
}

export type FlagType = 'boolean' | 'string' | 'integer' | 'float' | 'object';
export type FlagState = 'ENABLED' | 'DISABLED';

export interface FlagEnvironmentConfig {
  state: FlagState;
  defaultVariant: string | null;
  targeting: JsonValue | null;
}

export interface Flag {
  key: string;
  type: FlagType;
  description: string;
  tags: string[];
  variants: Record<string, JsonValue>;
  clientVisible: boolean;
  metadata: Record<string, string | number | boolean>;
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

export type FlagEnvironmentPatch = Partial<FlagEnvironmentConfig>;

export type SdkKeyKind = 'server' | 'client';

export interface SdkKey {
  id: string;
  name: string;
  kind: SdkKeyKind;
  /** first characters of the secret, for recognition */
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
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
