// D1 schema (drizzle-orm): the source of truth for projects, flags, keys and the audit log.
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

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
    /** flagd `$evaluators`, Curtain `segments` and flag-set `metadata`, as JSON. */
    evaluators: text('evaluators', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default({}),
    segments: text('segments', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default({}),
    metadata: text('metadata', { mode: 'json' }).$type<Record<string, string | number | boolean>>().notNull().default({}),
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
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    projectId: text('project_id'),
    environmentId: text('environment_id'),
    resource: text('resource').notNull(),
    before: text('before', { mode: 'json' }).$type<unknown>(),
    after: text('after', { mode: 'json' }).$type<unknown>(),
  },
  (t) => [index('audit_log_project_at').on(t.projectId, t.at)],
);
