// D1 schema (drizzle-orm): the source of truth for projects, flags, keys and the audit log.
import { sql } from 'drizzle-orm';
import { check, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

const createdAt = () => integer('created_at').notNull().default(sql`(unixepoch('subsec') * 1000)`);

export const projects = sqliteTable('projects', {
  id: text('id').primaryKey(),
  key: text('key').notNull().unique(),
  name: text('name').notNull(),
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

export const adminTokens = sqliteTable('admin_tokens', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  tokenHash: text('token_hash').notNull().unique(),
  createdAt: createdAt(),
  revokedAt: integer('revoked_at'),
});

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

export interface Guardrail {
  metric: string;
  operator: '>' | '>=' | '<' | '<=';
  threshold: number;
  windowMinutes: number;
  minSamples: number;
  action: 'pause' | 'rollback';
}

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
    at: integer('at').notNull(),
  },
  (t) => [
    index('feedback_release_at').on(t.releaseId, t.at),
    index('feedback_release_user_at').on(t.releaseId, t.userKey, t.at),
    index('feedback_key_at').on(t.sdkKeyId, t.at),
  ],
);
