// Releases: reads, the view with where the plan stands (same clock and formula as the edge), and edits before the start.
import { and, desc, eq } from 'drizzle-orm';
import { releasePosition } from '../engine';
import { randomId } from '../auth/secrets';
import { ApiError, notFound } from '../errors';
import { auditInsert, type AuditActor } from './audit';
import type { Db, EnvironmentRow, ProjectRow, ReleaseRow } from './db';
import { loadProjectState, type ProjectState } from './flag-set';
import { releaseDefinition } from './release-definition';
import { releaseTimeline } from './release-timeline';
import { currentState } from './release-state';
export { currentState };
import { originOf } from './release-steps';
import { releases, type Guardrail, type ReleaseFlag, type ReleaseRowState } from './schema';
import { commitWrite, releaseKeyFree, retryStale } from './write-conditions';

export interface ReleaseInput {
  key: string;
  name: string;
  flags: string[];
  plan: { steps: { percent: number; holdMinutes: number }[] };
  startAt?: string | null;
  bucketBy?: string;
  notes?: string;
  owner?: string | null;
  variants?: Record<string, { inside: string; outside: string }>;
  guardrails?: GuardrailInput[];
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function releaseView(row: ReleaseRow, now: number) {
  const state = currentState(row, now);
  const def = releaseDefinition(row);
  const pos = def ? releasePosition({ ...def, state: state === 'draft' ? 'scheduled' : state }, now) : null;
  const startedAt = row.startedAt ?? (row.anchorAt !== null && state !== 'draft' && state !== 'scheduled' ? row.anchorAt : null);
  return {
    key: row.key,
    name: row.name,
    owner: row.owner,
    notes: row.notes,
    bucketBy: row.bucketBy,
    state,
    killed: row.killed,
    flags: row.flags.map(({ key, inside, outside }) => ({ key, inside, outside })),
    plan: { steps: row.steps },
    timeline: releaseTimeline(row, now).steps.map((s) => ({ step: s.step, percent: s.percent, startsAt: iso(s.startsAt) })),
    startAt: iso(row.anchorAt !== null ? originOf(row) : row.startAt),
    startedAt: iso(startedAt),
    pausedAt: iso(state === 'paused' ? row.pausedAt : null),
    endedAt: iso(row.endedAt ?? (state === 'released' ? pos?.completeAt ?? null : null)),
    guardrails: row.guardrails,
    status: {
      percent: state === 'draft' || !pos ? 0 : pos.percent,
      step: state === 'draft' || !pos ? null : pos.step,
      nextStepAt: state === 'draft' || !pos ? null : iso(pos.nextStepAt),
      releasedAt: state === 'released' ? iso(row.endedAt ?? pos?.completeAt ?? null) : null,
    },
    createdAt: iso(row.createdAt)!,
    updatedAt: iso(row.updatedAt)!,
  };
}

export type ReleaseView = ReturnType<typeof releaseView>;

export async function listReleases(db: Db, env: EnvironmentRow) {
  return db.select().from(releases).where(eq(releases.environmentId, env.id)).orderBy(desc(releases.createdAt));
}

export async function getRelease(db: Db, env: EnvironmentRow, key: string): Promise<ReleaseRow> {
  const row = await db.query.releases.findFirst({ where: and(eq(releases.environmentId, env.id), eq(releases.key, key)) });
  if (!row) throw notFound(`Release '${key}'`);
  return row;
}

const invalid = (path: string, message: string) => new ApiError('VALIDATION_FAILED', `Invalid input: ${path} ${message}`, [{ path, message }]);

/** Each flag of the release with the variants served inside and outside it (booleans: true and false unless told). */
export function resolveFlags(state: ProjectState, keys: string[], variants: ReleaseInput['variants'] = {}): ReleaseFlag[] {
  if (new Set(keys).size !== keys.length) throw invalid('/flags', 'names a flag twice');
  for (const k of Object.keys(variants)) if (!keys.includes(k)) throw invalid(`/variants/${k}`, 'is not one of the release’s flags');
  return keys.map((key, i) => {
    const flag = state.flags.find((f) => f.key === key);
    if (!flag) throw invalid(`/flags/${i}`, `no flag '${key}' in this project`);
    const names = Object.keys(flag.variants);
    const given = variants[key];
    const byValue = (v: boolean) => names.find((n) => flag.variants[n] === v);
    const inside = given?.inside ?? (flag.type === 'boolean' ? byValue(true) : undefined);
    const outside = given?.outside ?? (flag.type === 'boolean' ? byValue(false) : undefined);
    if (inside === undefined || outside === undefined) throw invalid(`/variants/${key}`, `say which variants of '${key}' are served inside and outside the release ({ inside, outside })`);
    for (const [side, name] of [['inside', inside], ['outside', outside]] as const) {
      if (!names.includes(name)) throw invalid(`/variants/${key}/${side}`, `'${name}' is not a variant of flag '${key}'`);
    }
    return { flagId: flag.id, key, inside, outside };
  });
}

/** A guardrail as the API takes it: minSamples and action may be left out. */
export type GuardrailInput = Guardrail extends infer G ? (G extends Guardrail ? Omit<G, 'minSamples' | 'action'> & { minSamples?: number; action?: Guardrail['action'] } : never) : never;

/** Fills a guardrail's defaults: one sample (a threshold), 200 a side (a sequential test), action pause. */
export const normalizeGuardrail = (g: GuardrailInput): Guardrail =>
  g.kind === 'sequential' ? { ...g, minSamples: g.minSamples ?? 200, action: g.action ?? 'pause' } : { ...g, minSamples: g.minSamples ?? 1, action: g.action ?? 'pause' };

const guardrails = (input: ReleaseInput['guardrails']): Guardrail[] => (input ?? []).map(normalizeGuardrail);

/** Creates a draft; a racing creation of the same key is read again, and so answered 409 as a key that exists. */
export const createRelease = (db: Db, actor: AuditActor, project: ProjectRow, env: EnvironmentRow, input: ReleaseInput, now: number) =>
  retryStale(() => createOnce(db, actor, project, env, input, now));

async function createOnce(db: Db, actor: AuditActor, project: ProjectRow, env: EnvironmentRow, input: ReleaseInput, now: number) {
  const state = await loadProjectState(db, project.id);
  const existing = await db.query.releases.findFirst({ where: and(eq(releases.environmentId, env.id), eq(releases.key, input.key)) });
  if (existing) throw new ApiError('CONFLICT', `Release '${input.key}' already exists in environment '${env.key}'`);
  const row: ReleaseRow = {
    id: randomId(),
    projectId: project.id,
    environmentId: env.id,
    key: input.key,
    name: input.name,
    owner: input.owner ?? null,
    notes: input.notes ?? '',
    bucketBy: input.bucketBy ?? 'targetingKey',
    salt: randomId(),
    state: 'draft',
    killed: false,
    flags: resolveFlags(state, input.flags, input.variants),
    steps: input.plan.steps,
    guardrails: guardrails(input.guardrails),
    startAt: input.startAt ? Date.parse(input.startAt) : null,
    anchorAt: null,
    startedAt: null,
    pausedAt: null,
    pauses: [],
    endedAt: null,
    recordedStep: null,
    createdBy: actor.name,
    createdAt: now,
    updatedAt: now,
    revision: 0,
  };
  await commitWrite(db, `Release '${input.key}'`, [releaseKeyFree(env.id, input.key)], [
    db.insert(releases).values(row),
    auditInsert(db, { actor, action: 'release.create', projectId: project.id, environmentId: env.id, resource: releaseResource(project, env, row), after: releaseView(row, now), flags: row.flags.map((f) => f.key) }, now),
  ]);
  return row;
}

export const releaseResource = (project: ProjectRow, env: EnvironmentRow, row: Pick<ReleaseRow, 'key'>) => `projects/${project.key}/environments/${env.key}/releases/${row.key}`;

/** Releases can be edited or deleted until they start: as drafts, or scheduled with the start still ahead. */
export function assertNotStarted(row: ReleaseRow, now: number, doing: string) {
  const s = currentState(row, now);
  if (s !== 'draft' && s !== 'scheduled') throw new ApiError('INVALID_STATE', `Release '${row.key}' is ${s.replace('_', ' ')}: it can only be ${doing} before it starts. Pause, roll back or kill it instead.`);
}
