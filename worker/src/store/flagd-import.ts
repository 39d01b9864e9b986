// Whole-environment import from a flagd file: all or nothing, validated on flagd's line (Curtain's
// stricter checks become warnings, or refuse with `strict`), with a report of what changed.
import { eq, inArray, sql } from 'drizzle-orm';
import { inferFlagType, validateFlagSet } from '../engine';
import type { FlagSetDocument, ValidationIssue } from '../engine/types';
import { randomId, sha256Hex } from '../auth/secrets';
import { ApiError } from '../errors';
import { auditInsert, type AuditActor } from './audit';
import type { Db, EnvironmentRow, FlagRow, ProjectRow } from './db';
import { assertChange, issuesByFlag, type FlagIssue } from './definition-checks';
import { effectiveConfig, environmentDocument, type EnvConfig, type ProjectState } from './flag-set';
import { assertFlagCount } from './limits';
import { canonical } from './canonical';
import { environments, flagConfigs, flagSchedules, flags, releases } from './schema';
import { and } from 'drizzle-orm';
import { assertDeployed, dormantFlags } from './dormant-guard';
import { assertDeletable, assertVariantsKept } from './flag-guards';
import { endWithin } from './release-actions';
import { importOwned, ownedByReleases, type OwnedFlag } from './import-releases';
import type { EndingAction } from './release-ownership';
import { settledState } from './settle';
import { commitWrite, envVersionIs, flagKeysFree } from './write-conditions';

/** The admin API's rule for flag keys (routes/schemas.ts keySchema), applied to the keys of a file. */
const FLAG_KEY = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,63}$/;
const KEY_RULE = 'flag keys are 1–64 characters: letters, digits, ".", "_" or "-", starting with a letter or digit';
/** The admin API's rule for variant names (routes/schemas.ts flagInputSchema). */
const MAX_VARIANT_NAME = 128;

const escape = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** Curtain's flag attributes a file may carry beside flagd's fields (docs/flag-format.md), with the API's limits. */
type Attributes = Partial<Pick<FlagRow, 'description' | 'tags' | 'clientVisible'>>;

function attributeIssues(flag: unknown, path: string): ValidationIssue[] {
  // a flag that is not an object is the schema's to refuse
  if (flag === null || typeof flag !== 'object' || Array.isArray(flag)) return [];
  const f = flag as Record<string, unknown>;
  const issues: ValidationIssue[] = [];
  if ('description' in f && (typeof f.description !== 'string' || f.description.length > 2000)) issues.push({ path: `${path}/description`, message: 'description is a string of at most 2,000 characters' });
  if ('tags' in f && (!Array.isArray(f.tags) || f.tags.length > 50 || !f.tags.every((t) => typeof t === 'string' && t.length >= 1 && t.length <= 64))) {
    issues.push({ path: `${path}/tags`, message: 'tags is a list of at most 50 strings of 1–64 characters' });
  }
  if ('clientVisible' in f && typeof f.clientVisible !== 'boolean') issues.push({ path: `${path}/clientVisible`, message: 'clientVisible is true or false' });
  return issues;
}

/** The attributes a flag of the file sets (absent ones are left as they are). */
function attributesOf(def: object): Attributes {
  const f = def as Record<string, unknown>;
  return {
    ...('description' in f ? { description: f.description as string } : {}),
    ...('tags' in f ? { tags: f.tags as string[] } : {}),
    ...('clientVisible' in f ? { clientVisible: f.clientVisible as boolean } : {}),
  };
}

/** Keys and variant names that the rest of the API could not read, write or delete, with their paths. */
function keyIssues(input: unknown): ValidationIssue[] {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return [];
  const raw = (input as { flags?: unknown }).flags;
  const entries: [string, unknown, string][] = Array.isArray(raw)
    ? raw.map((f, i) => [typeof f?.key === 'string' ? f.key : '', f, `/flags/${i}/key`])
    : raw !== null && typeof raw === 'object'
      ? Object.entries(raw).map(([k, f]) => [k, f, `/flags/${escape(k)}`])
      : [];
  const issues: ValidationIssue[] = [];
  for (const [key, flag, path] of entries) {
    if (key !== '' && !FLAG_KEY.test(key)) issues.push({ path, message: `${KEY_RULE}; "${key}" is not` });
    issues.push(...attributeIssues(flag, Array.isArray(raw) ? path.slice(0, -4) : path));
    const variants = (flag as { variants?: unknown } | null)?.variants;
    if (variants === null || typeof variants !== 'object') continue;
    for (const name of Object.keys(variants)) {
      if (name.length > MAX_VARIANT_NAME) issues.push({ path: `${Array.isArray(raw) ? path.slice(0, -4) : path}/variants/${escape(name)}`, message: `variant names are at most ${MAX_VARIANT_NAME} characters` });
    }
  }
  return issues;
}

export interface ImportReport {
  created: string[];
  updated: string[];
  unchanged: string[];
  deleted: string[];
  /** flags of the project absent from the file, left as they were (pass prune to delete them) */
  notInFile: string[];
  sharedRulesChanged: boolean;
  /** what Curtain's stricter checks say of the environment after the import (flagd loads these rules) */
  warnings: FlagIssue[];
  /** flags of the file (or pruned) that a running release owns in some environment, and what the import does to them */
  releases: OwnedFlag[];
  /** flags the import switches on that no recorded deployment of the environment uses (the dormant-code guard) */
  dormant: string[];
}


/** The environment as a flagd file. Releases and scheduled changes are managed through their own API and stay out of it. */
export function exportEnvironment(state: ProjectState, env: EnvironmentRow): FlagSetDocument {
  const { releases: _managedElsewhere, ...doc } = environmentDocument(state, env);
  for (const def of Object.values(doc.flags)) delete def.schedule;
  return { $schema: 'https://flagd.dev/schema/v0/flags.json', ...doc };
}

export interface ImportOptions {
  dryRun: boolean;
  prune: boolean;
  strict?: boolean;
  /** past the dormant-code guard */
  force?: boolean;
  /** ends the releases that own flags the import changes, with it */
  releaseAction?: EndingAction;
}

export async function importEnvironment(db: Db, actor: AuditActor, project: ProjectRow, envKey: string, input: unknown, options: ImportOptions) {
  const lenient = !options.strict;
  const validated = validateFlagSet(input, { lenient });
  const issues = [...keyIssues(input), ...(validated.ok ? [] : validated.issues)];
  if (issues.length) throw new ApiError('INVALID_DEFINITION', `The flagd file is not valid: ${issues[0].path} ${issues[0].message}`, issues);
  const doc = (validated as { value: FlagSetDocument }).value;
  const now = Date.now();
  const { state: read, settled } = await settledState(db, project.id, now);
  const env = read.environments.find((e) => e.key === envKey);
  if (!env) throw new ApiError('NOT_FOUND', `Environment '${envKey}' was not found`);
  const report: ImportReport = { created: [], updated: [], unchanged: [], deleted: [], notInFile: [], sharedRulesChanged: false, warnings: [], releases: [], dormant: [] };
  const owners = ownedByReleases(read, env, doc, options.prune, now);
  report.releases = owners.map((o) => o.entry);
  const refused = owners.filter((o) => o.entry.refused);
  if (refused.length && !options.dryRun && !options.releaseAction) throw importOwned(refused.map((o) => o.entry));
  const ended = endWithin({ db, actor, project, now }, read, [...new Map(refused.map((o) => [o.row.id, o.row])).values()], options.releaseAction ?? 'rollback', { with: 'environment.import' });
  const state = ended.state;
  const byKey = new Map(state.flags.map((f) => [f.key, f]));
  const nextFlags: FlagRow[] = [];
  const flagWrites = [];
  const configWrites: { flagId: string; environmentId: string; updatedAt: number; state: EnvConfig['state']; defaultVariant: string | null; targeting: unknown }[] = [];
  let variantsChanged = false;

  for (const [key, def] of Object.entries(doc.flags)) {
    const type = inferFlagType(def.variants)!;
    const config: EnvConfig = { state: def.state, defaultVariant: def.defaultVariant ?? null, targeting: def.targeting ?? null };
    const existing = byKey.get(key);
    if (!existing) {
      const row: FlagRow = { id: randomId(), projectId: project.id, key, type, description: '', tags: [], variants: def.variants, clientVisible: false, metadata: def.metadata ?? {}, archived: false, createdAt: now, updatedAt: now, ...attributesOf(def) };
      nextFlags.push(row);
      flagWrites.push(db.insert(flags).values(row));
      configWrites.push({ flagId: row.id, environmentId: env.id, ...config, updatedAt: now });
      report.created.push(key);
      continue;
    }
    const attributes = attributesOf(def);
    const attributesChanged = (Object.keys(attributes) as (keyof Attributes)[]).some((k) => canonical(attributes[k]) !== canonical(existing[k]));
    const flagChanged = canonical(existing.variants) !== canonical(def.variants) || canonical(existing.metadata) !== canonical(def.metadata ?? {}) || attributesChanged;
    // compared with the flag as read: a release the import ends has written its outcome into its flags, which the
    // file (pulled while the release ran) would otherwise undo for every flag of the release it did not change
    const current = effectiveConfig(existing, read.configs.get(env.id)?.get(existing.id));
    const configChanged = canonical(current) !== canonical(config);
    const next = flagChanged ? { ...existing, type, variants: def.variants, metadata: def.metadata ?? {}, ...attributes, updatedAt: now } : existing;
    nextFlags.push(next);
    if (flagChanged) {
      variantsChanged ||= canonical(existing.variants) !== canonical(def.variants);
      flagWrites.push(db.update(flags).set({ type, variants: def.variants, metadata: def.metadata ?? {}, ...attributes, updatedAt: now }).where(eq(flags.id, existing.id)));
    }
    if (configChanged) configWrites.push({ flagId: existing.id, environmentId: env.id, ...config, updatedAt: now });
    (flagChanged || configChanged ? report.updated : report.unchanged).push(key);
  }
  const absent = state.flags.filter((f) => !Object.hasOwn(doc.flags, f.key));
  if (options.prune) report.deleted = absent.map((f) => f.key);
  else {
    report.notInFile = absent.map((f) => f.key);
    nextFlags.push(...absent);
  }

  // the dormant-code guard, as for a switch in the dashboard: flags the import switches on must be deployed
  const switchedOn = Object.entries(doc.flags).filter(([key, def]) => def.state === 'ENABLED' && (!byKey.has(key) || effectiveConfig(byKey.get(key)!, state.configs.get(env.id)?.get(byKey.get(key)!.id)).state !== 'ENABLED')).map(([key]) => key);
  // archived flags stay off everywhere, as archiving required (the switch in the dashboard refuses it too)
  const archived = switchedOn.filter((k) => byKey.get(k)?.archived);
  if (archived.length) throw new ApiError('CONFLICT', `${archived.map((k) => `'${k}'`).join(', ')} ${archived.length > 1 ? 'are' : 'is'} archived: unarchive before switching on by import`, undefined, { flags: archived });
  report.dormant = await dormantFlags(db, env, switchedOn);
  if (report.dormant.length && !options.dryRun) await assertDeployed(db, env, report.dormant, !!options.force, `switching ${report.dormant.map((k) => `'${k}'`).join(', ')} on by this import`);
  const drafts = await db.select().from(releases).where(and(eq(releases.projectId, project.id), eq(releases.state, 'draft')));
  for (const f of state.flags) {
    const def = Object.hasOwn(doc.flags, f.key) ? doc.flags[f.key] : undefined;
    if (def) assertVariantsKept({ ...state, releases: [] }, drafts, f, def.variants, now);
    else if (options.prune) assertDeletable({ ...state, releases: [] }, drafts, f, now);
  }

  const shared = { evaluators: doc.$evaluators ?? {}, segments: doc.segments ?? {}, metadata: doc.metadata ?? {} };
  report.sharedRulesChanged = canonical(shared) !== canonical({ evaluators: env.evaluators, segments: env.segments, metadata: env.metadata });

  // The state after the import, validated in every environment (variants are shared by all of them).
  const nextEnv: EnvironmentRow = { ...env, ...shared };
  assertFlagCount(nextFlags.length);
  const nextState: ProjectState = {
    environments: state.environments.map((e) => (e.id === env.id ? nextEnv : e)),
    flags: nextFlags.sort((a, b) => a.key.localeCompare(b.key)),
    configs: new Map([...state.configs].map(([id, m]) => [id, new Map(m)])),
    releases: state.releases,
    schedules: state.schedules,
  };
  for (const c of configWrites) nextState.configs.get(env.id)!.set(c.flagId, c);
  // Each environment is refused only for what the import introduces: the file itself was checked above,
  // so what is left are flags kept from before and, in other environments, the shared variants (checked
  // strictly there: their rules do not come from the file).
  const affected = variantsChanged || report.deleted.length ? nextState.environments : [nextEnv];
  for (const e of affected) {
    const before = state.environments.find((x) => x.id === e.id)!;
    const where = state.environments.length > 1 ? ` in environment '${e.key}'` : '';
    const check = { changed: [], lenient: lenient && e.id === env.id, what: `The import would leave a flag that is not valid${where}` };
    const warnings = assertChange(() => environmentDocument(state, before), environmentDocument(nextState, e), check);
    if (e.id === env.id) report.warnings = issuesByFlag(environmentDocument(nextState, e), warnings);
  }

  const changed = report.created.length + report.updated.length + report.deleted.length > 0 || report.sharedRulesChanged;
  if (options.dryRun || !changed) return { report, affected: settled, dryRun: options.dryRun };

  const deletedIds = absent.filter(() => options.prune).map((f) => f.id);
  // as read: every environment validated above, and no racing write created a flag this import creates
  await commitWrite(db, `Environment '${env.key}' (or a flag of the file)`, [...affected.map((e) => envVersionIs(read.environments.find((r) => r.id === e.id)!)), flagKeysFree(project.id, report.created), ...ended.conditions], [
    ...ended.statements,
    // pruned flags' pending scheduled changes go with them
    ...(deletedIds.length ? [db.delete(flagSchedules).where(sql`${flagSchedules.flagId} IN (SELECT value FROM json_each(${JSON.stringify(deletedIds)}))`)] : []),
    db.update(environments).set({ ...shared, version: sql`${environments.version} + 1` }).where(eq(environments.id, env.id)),
    ...flagWrites,
    ...configWrites.map((c) => db.insert(flagConfigs).values(c).onConflictDoUpdate({ target: [flagConfigs.flagId, flagConfigs.environmentId], set: { state: c.state, defaultVariant: c.defaultVariant, targeting: c.targeting, updatedAt: now } })),
    // the ids as one JSON parameter: D1 binds at most 100 parameters per statement, a prune may delete thousands
    ...(deletedIds.length
      ? [
          db.delete(flagConfigs).where(sql`${flagConfigs.flagId} IN (SELECT value FROM json_each(${JSON.stringify(deletedIds)}))`),
          db.delete(flags).where(sql`${flags.id} IN (SELECT value FROM json_each(${JSON.stringify(deletedIds)}))`),
        ]
      : []),
    ...(affected.length > 1 ? [db.update(environments).set({ version: sql`${environments.version} + 1` }).where(inArray(environments.id, affected.filter((e) => e.id !== env.id).map((e) => e.id)))] : []),
    auditInsert(db, { actor, action: 'environment.import', projectId: project.id, environmentId: env.id, resource: `projects/${project.key}/environments/${env.key}`, ...(await importAudit(environmentDocument(read, env), doc, report)), flags: [...report.created, ...report.updated, ...report.deleted] }, now),
  ]);
  return { report, affected: [...new Set([...affected.map((e) => e.id), ...settled])], dryRun: false };
}

/** D1 stores at most 2 MB per row: an audit entry keeps the whole documents up to this size, else their digests. */
const AUDIT_DOCUMENTS_MAX_CHARS = 1_000_000;

/**
 * The import's audit entry: the environment before and after, whole when they fit in a row; for a larger file, the
 * report (every flag created, updated, deleted) and the SHA-256 of each document, so the entry never fails the write.
 */
async function importAudit(before: FlagSetDocument, after: FlagSetDocument, report: ImportReport) {
  const beforeText = JSON.stringify(before);
  const afterText = JSON.stringify(after);
  if (beforeText.length + afterText.length <= AUDIT_DOCUMENTS_MAX_CHARS) return { before, after: { report, document: after } };
  const summary = (text: string, doc: FlagSetDocument) => ({ flags: Object.keys(doc.flags).length, documentSha256: '' as string, chars: text.length });
  const b = summary(beforeText, before);
  const a = summary(afterText, after);
  [b.documentSha256, a.documentSha256] = await Promise.all([sha256Hex(beforeText), sha256Hex(afterText)]);
  return { before: { ...b, whole: false }, after: { report, ...a, whole: false } };
}
