// Builds flag-set documents (flagd + Curtain extensions) from D1 rows, per environment.
import { and, asc, eq, inArray, ne } from 'drizzle-orm';
import type { FlagDefinition, FlagSetDocument, JsonValue, Metadata, ScheduledChange } from '../engine/types';
import { applyChange } from '../engine/schedule-phases';
import type { Db, EnvironmentRow, FlagConfigRow, FlagRow, FlagScheduleRow, ReleaseRow } from './db';
import { releaseDefinitions } from './release-definition';
import { environments, flagConfigs, flagSchedules, flags, releases } from './schema';

export interface EnvConfig {
  state: 'ENABLED' | 'DISABLED';
  defaultVariant: string | null;
  targeting: unknown;
}

export const scheduleView = (row: FlagScheduleRow) => ({
  id: row.id,
  at: new Date(row.at).toISOString(),
  ...row.change,
  createdBy: row.createdBy,
  createdAt: new Date(row.createdAt).toISOString(),
});

/** A new flag's default variant: "on" for booleans, so switching the flag on serves true; else the first variant. */
export function initialDefaultVariant(type: FlagRow['type'], variants: Record<string, unknown>): string | null {
  if (type === 'boolean' && 'on' in variants) return 'on';
  return Object.keys(variants)[0] ?? null;
}

/** Config for a flag in an environment that has no row yet (e.g. an environment created after the flag). */
export function effectiveConfig(flag: FlagRow, row: FlagConfigRow | undefined): EnvConfig {
  if (row) return { state: row.state, defaultVariant: row.defaultVariant, targeting: row.targeting ?? null };
  return { state: 'DISABLED', defaultVariant: initialDefaultVariant(flag.type, flag.variants), targeting: null };
}

/** A flag's config after a scheduled change: as the edge applies it (engine/schedule-phases.ts), a split keeps the rules. */
export function configAfter(config: EnvConfig, change: FlagScheduleRow['change']): EnvConfig {
  const def = applyChange({ state: config.state, variants: {}, defaultVariant: config.defaultVariant, targeting: (config.targeting ?? undefined) as JsonValue | undefined }, change as ScheduledChange);
  return { state: def.state, defaultVariant: def.defaultVariant ?? null, targeting: def.targeting ?? null };
}

export function flagDefinition(flag: Pick<FlagRow, 'variants' | 'metadata'>, cfg: EnvConfig): FlagDefinition {
  const def: FlagDefinition = {
    state: cfg.state,
    variants: flag.variants as Record<string, JsonValue>,
    defaultVariant: cfg.defaultVariant,
  };
  if (cfg.targeting !== null && cfg.targeting !== undefined) def.targeting = cfg.targeting as JsonValue;
  if (Object.keys(flag.metadata).length > 0) def.metadata = flag.metadata as Metadata;
  return def;
}

/** Everything a project's write path needs to validate a change against every environment. */
export interface ProjectState {
  environments: EnvironmentRow[];
  flags: FlagRow[];
  /** environmentId → flagId → row */
  configs: Map<string, Map<string, FlagConfigRow>>;
  /** releases that have started or are scheduled (not drafts), oldest start first */
  releases: ReleaseRow[];
  /** scheduled one-off flag changes not yet recorded as done, by time */
  schedules: FlagScheduleRow[];
}

/** The reads of a project's state, to be run in one batch (alone, or with others that must agree with them). */
export function projectStateQueries(db: Db, projectId: string) {
  const envIds = db.select({ id: environments.id }).from(environments).where(eq(environments.projectId, projectId));
  return [
    db.select().from(environments).where(eq(environments.projectId, projectId)).orderBy(asc(environments.createdAt)),
    db.select().from(flags).where(eq(flags.projectId, projectId)).orderBy(asc(flags.key)),
    db.select().from(flagConfigs).where(inArray(flagConfigs.environmentId, envIds)),
    db.select().from(releases).where(and(eq(releases.projectId, projectId), ne(releases.state, 'draft'))).orderBy(asc(releases.anchorAt), asc(releases.createdAt)),
    db.select().from(flagSchedules).where(inArray(flagSchedules.environmentId, envIds)).orderBy(asc(flagSchedules.at)),
  ] as const;
}

type Rows<Q> = { [K in keyof Q]: Awaited<Q[K]> };

export function projectStateOf([envRows, flagRows, configRows, releaseRows, scheduleRows]: Rows<ReturnType<typeof projectStateQueries>>): ProjectState {
  const configs = new Map<string, Map<string, FlagConfigRow>>(envRows.map((e) => [e.id, new Map()]));
  for (const row of configRows) configs.get(row.environmentId)?.set(row.flagId, row);
  return { environments: envRows, flags: flagRows, configs, releases: releaseRows, schedules: scheduleRows };
}

/** Reads a project's environments, flags and configs in one batch, so the three agree with each other. */
export async function loadProjectState(db: Db, projectId: string): Promise<ProjectState> {
  return projectStateOf(await db.batch(projectStateQueries(db, projectId)));
}

/**
 * The flag-set document of one environment. `override` replaces (or, with null, removes) one flag's
 * definition, so a write can be validated before it is committed.
 */
export function environmentDocument(
  state: ProjectState,
  env: EnvironmentRow,
  override?: { key: string; flag: Pick<FlagRow, 'variants' | 'metadata'> | null; config?: EnvConfig },
  /** the flags whose scheduled changes go in (all by default): a write validates only those it can affect */
  scheduled?: ReadonlySet<string>,
): FlagSetDocument {
  // keyed by flag keys: no prototype, so that no key (e.g. a legacy "__proto__") is anything but a key
  const doc: FlagSetDocument = { flags: Object.create(null) };
  const rows = state.configs.get(env.id) ?? new Map();
  for (const flag of state.flags) {
    if (override && flag.key === override.key) continue;
    doc.flags[flag.key] = flagDefinition(flag, effectiveConfig(flag, rows.get(flag.id)));
  }
  if (override?.flag) {
    const existing = state.flags.find((f) => f.key === override.key);
    const cfg = override.config ?? (existing ? effectiveConfig(existing, rows.get(existing.id)) : undefined);
    if (cfg) doc.flags[override.key] = flagDefinition(override.flag, cfg);
  }
  const keyOf = new Map(state.flags.map((f) => [f.id, f.key]));
  for (const row of state.schedules) {
    if (row.environmentId !== env.id) continue;
    const key = keyOf.get(row.flagId);
    if (key === undefined || (scheduled && !scheduled.has(key))) continue;
    const def = doc.flags[key];
    if (def) (def.schedule ??= []).push({ at: new Date(row.at).toISOString(), ...(row.change as Omit<ScheduledChange, 'at'>) });
  }
  if (Object.keys(env.evaluators).length) doc.$evaluators = env.evaluators as Record<string, JsonValue>;
  if (Object.keys(env.segments).length) doc.segments = env.segments as Record<string, JsonValue>;
  if (Object.keys(env.metadata).length) doc.metadata = env.metadata;
  const envReleases = state.releases.filter((r) => r.environmentId === env.id);
  if (envReleases.length) {
    const ids = new Map(state.flags.map((f) => [f.key, f.id]));
    if (override && !override.flag) ids.delete(override.key);
    const defs = releaseDefinitions(envReleases, (key) => (Object.prototype.hasOwnProperty.call(doc.flags, key) ? (ids.get(key) ?? key) : undefined));
    if (Object.keys(defs).length) doc.releases = defs;
  }
  return doc;
}
