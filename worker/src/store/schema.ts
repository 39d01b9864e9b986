// D1 schema (drizzle-orm): the source of truth for projects, flags, keys and the audit log.
import { sql } from 'drizzle-orm';
import { check, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

const createdAt = () => integer('created_at').notNull().default(sql`(unixepoch('subsec') * 1000)`);

export const projects = sqliteTable('projects', {
  id: text('id').primaryKey(),
  key: text('key').notNull().unique(),
  name: text('name').notNull(),
  /** a flag whose release has held 100 % this many days is ready to clean up (stale) */
  staleAfterDays: integer('stale_after_days').notNull().default(14),
  createdAt: createdAt(),
});

export const environments = sqliteTable(
  'environments',
  {
    id: text('id').primaryKey(),
    projectId: text('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    name: text('name').notNull(),
    /** Grows by one with every change to what the environment evaluates; the snapshot carries it. */
    version: integer('version').notNull().default(0),
    /** Grows by one with every edit of the environment itself (name, guard, shared rules): its writes' version condition. */
    revision: integer('revision').notNull().default(0),
    /** flagd `$evaluators`, Curtain `segments` and flag-set `metadata`, as JSON. */
    evaluators: text('evaluators', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default({}),
    segments: text('segments', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default({}),
    metadata: text('metadata', { mode: 'json' }).$type<Record<string, string | number | boolean>>().notNull().default({}),
    /** Refuse to switch on or release a flag that no recorded deployment uses (once deployments are recorded). */
    dormantGuard: integer('dormant_guard', { mode: 'boolean' }).notNull().default(true),
    /** Serves real users: one-click changes there ask for confirmation (new projects protect `production`). */
    protected: integer('protected', { mode: 'boolean' }).notNull().default(false),
    /** Approvals a change request needs before it applies here, when the environment is protected (store/change-requests.ts). */
    requiredApprovals: integer('required_approvals').notNull().default(1),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('environments_project_key').on(t.projectId, t.key)],
);

export const flags = sqliteTable(
  'flags',
  {
    id: text('id').primaryKey(),
    projectId: text('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    type: text('type', { enum: ['boolean', 'string', 'integer', 'float', 'object'] }).notNull(),
    description: text('description').notNull().default(''),
    tags: text('tags', { mode: 'json' }).$type<string[]>().notNull().default([]),
    variants: text('variants', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    /** Whether client (browser) SDK keys may evaluate this flag. */
    clientVisible: integer('client_visible', { mode: 'boolean' }).notNull().default(false),
    metadata: text('metadata', { mode: 'json' }).$type<Record<string, string | number | boolean>>().notNull().default({}),
    /** Hidden from the dashboard's list; only a flag switched off in every environment can be archived. */
    archived: integer('archived', { mode: 'boolean' }).notNull().default(false),
    createdAt: createdAt(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('flags_project_key').on(t.projectId, t.key)],
);

export const flagConfigs = sqliteTable(
  'flag_configs',
  {
    flagId: text('flag_id')
      .notNull()
      .references(() => flags.id, { onDelete: 'cascade' }),
    environmentId: text('environment_id')
      .notNull()
      .references(() => environments.id, { onDelete: 'cascade' }),
    state: text('state', { enum: ['ENABLED', 'DISABLED'] }).notNull(),
    defaultVariant: text('default_variant'),
    targeting: text('targeting', { mode: 'json' }).$type<unknown>(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.flagId, t.environmentId] }), index('flag_configs_environment').on(t.environmentId)],
);

export const sdkKeys = sqliteTable(
  'sdk_keys',
  {
    id: text('id').primaryKey(),
    projectId: text('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    environmentId: text('environment_id')
      .notNull()
      .references(() => environments.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    kind: text('kind', { enum: ['server', 'client'] }).notNull(),
    /** SHA-256 of the whole key, hex. The key itself is never stored. */
    keyHash: text('key_hash').notNull().unique(),
    prefix: text('prefix').notNull(),
    /** Evaluations per second per edge location, averaged over 10 s; null: no limit (edge/rate-limit.ts). */
    rateLimit: integer('rate_limit'),
    createdAt: createdAt(),
    revokedAt: integer('revoked_at'),
  },
  (t) => [index('sdk_keys_environment').on(t.environmentId)],
);

/** Roles a token or a person holds in a project (auth/permissions.ts says what each may do). */
export type Role = 'viewer' | 'editor' | 'releaser' | 'admin' | 'signal';

/** A role in some projects (null: every project), optionally narrowed to some environments (null: all of them). */
export interface Grant {
  role: Role;
  projects: string[] | null;
  environments: string[] | null;
}

export const adminTokens = sqliteTable('admin_tokens', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  tokenHash: text('token_hash').notNull().unique(),
  /** tokens made before roles existed could do everything: they stay `admin` of every project */
  role: text('role', { enum: ['viewer', 'editor', 'releaser', 'admin', 'signal'] }).notNull().default('admin'),
  /** project keys the role holds in (null: every project) */
  projects: text('projects', { mode: 'json' }).$type<string[]>(),
  /** environment keys it is narrowed to (null: all) */
  environments: text('environments', { mode: 'json' }).$type<string[]>(),
  expiresAt: integer('expires_at'),
  createdBy: text('created_by'),
  createdAt: createdAt(),
  revokedAt: integer('revoked_at'),
});

/** People who sign in through Cloudflare Access (auth/access.ts): the email in the Access JWT finds their roles. */
export const people = sqliteTable('people', {
  id: text('id').primaryKey(),
  email: text('email').notNull().unique(),
  name: text('name').notNull().default(''),
  grants: text('grants', { mode: 'json' }).$type<Grant[]>().notNull().default([]),
  createdAt: createdAt(),
  updatedAt: integer('updated_at').notNull(),
});

export interface AuditReview {
  changeRequest: string;
  /** the request's revision the apply read, and the apply's own id: the trigger applies the request once, with the change */
  revision: number;
  applyId: string;
  author: { id: string | null; name: string };
  approvedBy: { id: string | null; name: string }[];
  appliedBy: { id: string | null; name: string };
}

export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at').notNull(),
    /** the actor's name as it was at the time (a token's name, or "scheduler", "guardrail …") */
    actor: text('actor').notNull(),
    /** the admin token's id ("bootstrap" for CURTAIN_ADMIN_TOKEN), or a symbolic id for the system ("scheduler", …) */
    actorId: text('actor_id'),
    action: text('action').notNull(),
    projectId: text('project_id'),
    environmentId: text('environment_id'),
    resource: text('resource').notNull(),
    before: text('before', { mode: 'json' }).$type<unknown>(),
    after: text('after', { mode: 'json' }).$type<unknown>(),
    /** the flag keys the entry concerns (a flag's own changes, its releases, schedules and deployments): the history's flag filter */
    flags: text('flags', { mode: 'json' }).$type<string[]>(),
    /** the entry this change reverted, when it was made as a revert */
    revertOf: integer('revert_of'),
    /** a change applied through a change request: the request, its author, its approvers and who applied it */
    review: text('review', { mode: 'json' }).$type<AuditReview>(),
  },
  (t) => [index('audit_log_project_at').on(t.projectId, t.at)],
);

export const deployments = sqliteTable(
  'deployments',
  {
    id: text('id').primaryKey(),
    projectId: text('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    environmentId: text('environment_id')
      .notNull()
      .references(() => environments.id, { onDelete: 'cascade' }),
    version: text('version').notNull(),
    commit: text('commit'),
    url: text('url'),
    actor: text('actor').notNull(),
    /** the flag keys the deployed code uses */
    flags: text('flags', { mode: 'json' }).$type<string[]>().notNull().default([]),
    /** where the code uses them: file and line per use, as the CLI's scan found them */
    references: text('code_refs', { mode: 'json' }).$type<{ key: string; file: string; line: number }[]>().notNull().default([]),
    at: integer('at').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('deployments_environment_at').on(t.environmentId, t.at)],
);

export type ReleaseRowState = 'draft' | 'scheduled' | 'rolling_out' | 'paused' | 'released' | 'rolled_back';

export interface ReleaseFlag {
  /** the flag's id: a flag deleted and created again under the same key is another flag, never in this release */
  flagId?: string;
  key: string;
  inside: string;
  outside: string;
}

/** A guardrail on one number: the mean of readings (or feedback's negative share) over a window against a threshold. */
export interface ThresholdGuardrail {
  kind?: 'threshold';
  metric: string;
  operator: '>' | '>=' | '<' | '<=';
  threshold: number;
  windowMinutes: number;
  minSamples: number;
  action: 'pause' | 'rollback';
}

/** A guardrail that compares a tracked metric inside vs outside the release with a sequential test (measure/sequential.ts). */
export interface SequentialGuardrail {
  kind: 'sequential';
  /** a trackingEventName sent to POST /v1/track */
  metric: string;
  /** rate: users with the event per exposed user; mean: the mean of the events' values */
  measure: 'rate' | 'mean';
  /** which way is a regression */
  direction: 'increase' | 'decrease';
  /** observations each side needs before the test may decide */
  minSamples: number;
  action: 'pause' | 'rollback';
}

export type Guardrail = ThresholdGuardrail | SequentialGuardrail;
export const isSequential = (g: Guardrail): g is SequentialGuardrail => g.kind === 'sequential';

export const releases = sqliteTable(
  'releases',
  {
    id: text('id').primaryKey(),
    projectId: text('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    environmentId: text('environment_id')
      .notNull()
      .references(() => environments.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    name: text('name').notNull(),
    owner: text('owner'),
    notes: text('notes').notNull().default(''),
    bucketBy: text('bucket_by').notNull().default('targetingKey'),
    /** hashed before each bucketing value: two releases do not pick the same first users */
    salt: text('salt').notNull(),
    state: text('state', { enum: ['draft', 'scheduled', 'rolling_out', 'paused', 'released', 'rolled_back'] }).notNull(),
    killed: integer('killed', { mode: 'boolean' }).notNull().default(false),
    flags: text('flags', { mode: 'json' }).$type<ReleaseFlag[]>().notNull(),
    steps: text('steps', { mode: 'json' }).$type<{ percent: number; holdMinutes: number }[]>().notNull(),
    guardrails: text('guardrails', { mode: 'json' }).$type<Guardrail[]>().notNull().default([]),
    /** the start asked for (null: when started) */
    startAt: integer('start_at'),
    /** the plan's anchor at the edge: the start, moved on by the time spent paused */
    anchorAt: integer('anchor_at'),
    startedAt: integer('started_at'),
    pausedAt: integer('paused_at'),
    /** every pause, as it happened (ms): the true times of the steps taken before each (resume moves the anchor only) */
    pauses: text('pauses', { mode: 'json' }).$type<{ from: number; to: number | null }[]>().notNull().default([]),
    /** when it was released (held 100 %) or rolled back */
    endedAt: integer('ended_at'),
    /** the last step the scheduler recorded in the audit log (null: none yet) */
    recordedStep: integer('recorded_step'),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
    updatedAt: integer('updated_at').notNull(),
    /** Grows by one with every write of the row (people and the scheduler alike): its writes' version condition. */
    revision: integer('revision').notNull().default(0),
  },
  (t) => [uniqueIndex('releases_environment_key').on(t.environmentId, t.key), index('releases_project').on(t.projectId)],
);

export const releaseMetrics = sqliteTable(
  'release_metrics',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    releaseId: text('release_id')
      .notNull()
      .references(() => releases.id, { onDelete: 'cascade' }),
    metric: text('metric').notNull(),
    value: real('value').notNull(),
    at: integer('at').notNull(),
  },
  (t) => [index('release_metrics_release_metric_at').on(t.releaseId, t.metric, t.at)],
);

/** A one-off change to a flag in one environment at a time; the edge applies it on time, the clock then records it. */
export const flagSchedules = sqliteTable(
  'flag_schedules',
  {
    id: text('id').primaryKey(),
    flagId: text('flag_id')
      .notNull()
      .references(() => flags.id, { onDelete: 'cascade' }),
    environmentId: text('environment_id')
      .notNull()
      .references(() => environments.id, { onDelete: 'cascade' }),
    at: integer('at').notNull(),
    /** what changes: any of state, defaultVariant, and targeting (replaces the rules) or split (after the rules) */
    change: text('change', { mode: 'json' }).$type<{ state?: 'ENABLED' | 'DISABLED'; defaultVariant?: string | null; targeting?: unknown; split?: [string, number][] }>().notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('flag_schedules_environment_at').on(t.environmentId, t.at)],
);

/**
 * The version conditions of a write batch (store/write-conditions.ts): each batch starts by inserting here
 * 1 when every row it was computed from is as it was read, else 0. The CHECK refuses 0 and so fails the batch,
 * which D1 runs as one transaction; 1 meets the one row already there and does nothing.
 */
export const writeGuard = sqliteTable('write_guard', { held: integer('held').primaryKey() }, (t) => [check('stale_write', sql`${t.held} = 1`)]);

/** A read-only token for one environment's Atom feed of releases (it reads the feed and nothing else); stored as SHA-256. */
export const feedTokens = sqliteTable(
  'feed_tokens',
  {
    id: text('id').primaryKey(),
    projectId: text('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    environmentId: text('environment_id')
      .notNull()
      .references(() => environments.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** SHA-256 of the whole token, hex. The token itself is never stored. */
    tokenHash: text('token_hash').notNull().unique(),
    prefix: text('prefix').notNull(),
    createdAt: createdAt(),
    revokedAt: integer('revoked_at'),
  },
  (t) => [index('feed_tokens_environment').on(t.environmentId)],
);

export type FeedbackRating = 'positive' | 'neutral' | 'negative';

/** A user's rating of a release they were asked about, with the variants the edge served them when they sent it. */
export const feedback = sqliteTable(
  'feedback',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    releaseId: text('release_id')
      .notNull()
      .references(() => releases.id, { onDelete: 'cascade' }),
    environmentId: text('environment_id')
      .notNull()
      .references(() => environments.id, { onDelete: 'cascade' }),
    /** the SDK key it came with: its per-key limit counts by it */
    sdkKeyId: text('sdk_key_id').notNull(),
    /** the user's bucketing value (targetingKey unless the release buckets by another attribute) */
    userKey: text('user_key').notNull(),
    rating: text('rating', { enum: ['positive', 'neutral', 'negative'] }).notNull(),
    comment: text('comment'),
    context: text('context', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    /** flag key → the variant the user had */
    variants: text('variants', { mode: 'json' }).$type<Record<string, string | null>>().notNull(),
    /** whether the user was inside the release (had its inside variant of any of its flags) */
    inside: integer('inside', { mode: 'boolean' }).notNull(),
    /**
     * whether it counts toward a feedback guardrail: the edge served the user inside, it is the user's first that counts,
     * and the first that counts from its network source (docs/announcing.md, threat model)
     */
    counted: integer('counted', { mode: 'boolean' }).notNull().default(false),
    /** a keyed hash of the client's address (never the address) */
    source: text('source'),
    at: integer('at').notNull(),
  },
  (t) => [
    index('feedback_release_at').on(t.releaseId, t.at),
    index('feedback_release_user_at').on(t.releaseId, t.userKey, t.at),
    index('feedback_key_at').on(t.sdkKeyId, t.at),
  ],
);

export type ChangeRequestState = 'open' | 'applied' | 'rejected';

export interface Approval {
  id: string | null;
  name: string;
  at: number;
  comment?: string;
}

/**
 * A write to a protected environment held for review (store/change-requests.ts): the exact change (`operation`, as its
 * route received it) and the target as it was when the change was made (`base`, and its tag), re-checked at apply.
 */
export const changeRequests = sqliteTable(
  'change_requests',
  {
    id: text('id').primaryKey(),
    projectId: text('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    /** the protected environment it changes (for a project-level write, the first protected one) */
    environmentId: text('environment_id').references(() => environments.id, { onDelete: 'cascade' }),
    /** the held write's kind (store/held-writes.ts): flag.configure, flagd.import, release.start, … */
    kind: text('kind').notNull(),
    summary: text('summary').notNull(),
    operation: text('operation', { mode: 'json' }).$type<{ params: Record<string, string>; query: Record<string, unknown>; body: unknown }>().notNull(),
    base: text('base', { mode: 'json' }).$type<unknown>(),
    baseTag: text('base_tag').notNull(),
    state: text('state', { enum: ['open', 'applied', 'rejected'] }).notNull().default('open'),
    requiredApprovals: integer('required_approvals').notNull(),
    approvals: text('approvals', { mode: 'json' }).$type<Approval[]>().notNull().default([]),
    /** who rejected it, when and why */
    rejection: text('rejection', { mode: 'json' }).$type<Approval>(),
    authorId: text('author_id'),
    authorName: text('author_name').notNull(),
    /** who applied it; the rest of the apply is written by the trigger on the change's own audit entry (migration 0008) */
    appliedBy: text('applied_by', { mode: 'json' }).$type<Approval>(),
    /** the apply that committed it (one batch with the change), the change's first audit entry and when */
    applyId: text('apply_id'),
    appliedAuditId: integer('applied_audit_id'),
    appliedAt: integer('applied_at'),
    expiresAt: integer('expires_at').notNull(),
    createdAt: createdAt(),
    updatedAt: integer('updated_at').notNull(),
    /** grows with every write of the row: approvals, edits and the apply are conditional on it */
    revision: integer('revision').notNull().default(0),
  },
  (t) => [index('change_requests_project_state').on(t.projectId, t.state, t.createdAt)],
);

export type WebhookEvent =
  | 'flag.changed'
  | 'change_request.opened'
  | 'change_request.approved'
  | 'change_request.rejected'
  | 'change_request.applied'
  | 'release.started'
  | 'release.step_reached'
  | 'release.paused'
  | 'release.resumed'
  | 'release.rolled_back'
  | 'release.killed'
  | 'release.released'
  | 'guardrail.fired'
  | 'deployment.recorded';

/** A project's subscription to events, delivered signed (Standard Webhooks) through the queue (webhooks/). */
export const webhooks = sqliteTable(
  'webhooks',
  {
    id: text('id').primaryKey(),
    projectId: text('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    events: text('events', { mode: 'json' }).$type<WebhookEvent[]>().notNull(),
    format: text('format', { enum: ['standard', 'slack'] }).notNull().default('standard'),
    /** `whsec_…`: the signing key must be known to sign, so it is kept; it is shown once and never listed or logged */
    secret: text('secret').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
    disabledAt: integer('disabled_at'),
  },
  (t) => [index('webhooks_project').on(t.projectId)],
);

/** One event for one subscription: its message id (`webhook-id`) stays the same through retries and redeliveries. */
export const webhookDeliveries = sqliteTable(
  'webhook_deliveries',
  {
    id: text('id').primaryKey(),
    webhookId: text('webhook_id')
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    event: text('event').notNull(),
    auditId: integer('audit_id'),
    payload: text('payload', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    state: text('state', { enum: ['pending', 'delivered', 'failed'] }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastStatus: integer('last_status'),
    lastError: text('last_error'),
    /** when it was last handed to the queue: a pending delivery not handed over for a while is handed over again */
    queuedAt: integer('queued_at'),
    createdAt: integer('created_at').notNull(),
    deliveredAt: integer('delivered_at'),
  },
  (t) => [index('webhook_deliveries_webhook_created').on(t.webhookId, t.createdAt), index('webhook_deliveries_state').on(t.state, t.queuedAt)],
);

/** How far the audit log has been turned into webhook deliveries (one row): the outbox's cursor. */
export const webhookCursor = sqliteTable('webhook_cursor', {
  id: integer('id').primaryKey(),
  auditId: integer('audit_id').notNull(),
});
