// Projects and their environments: lookups by key, creation with the default environments.
import { and, asc, eq } from 'drizzle-orm';
import { randomId } from '../auth/secrets';
import { ApiError, notFound } from '../errors';
import { auditInsert, type AuditActor } from './audit';
import type { Db, EnvironmentRow, ProjectRow } from './db';
import { environments, projects } from './schema';

export const defaultEnvironments = [
  { key: 'development', name: 'Development' },
  { key: 'staging', name: 'Staging' },
  { key: 'production', name: 'Production', protected: true },
] as const;

export const projectView = (p: ProjectRow) => ({
  id: p.id,
  key: p.key,
  name: p.name,
  staleAfterDays: p.staleAfterDays,
  createdAt: new Date(p.createdAt).toISOString(),
});

export const environmentView = (e: EnvironmentRow) => ({ id: e.id, key: e.key, name: e.name, version: e.version, protected: e.protected, requiredApprovals: e.requiredApprovals });

export async function listProjects(db: Db) {
  return db.select().from(projects).orderBy(asc(projects.createdAt));
}

export async function getProject(db: Db, key: string): Promise<ProjectRow> {
  const row = await db.query.projects.findFirst({ where: eq(projects.key, key) });
  if (!row) throw notFound(`Project '${key}'`);
  return row;
}

export async function listEnvironments(db: Db, projectId: string) {
  return db.select().from(environments).where(eq(environments.projectId, projectId)).orderBy(asc(environments.createdAt));
}

export async function getEnvironment(db: Db, projectId: string, key: string): Promise<EnvironmentRow> {
  const row = await db.query.environments.findFirst({
    where: and(eq(environments.projectId, projectId), eq(environments.key, key)),
  });
  if (!row) throw notFound(`Environment '${key}'`);
  return row;
}

/** Creates a project with development, staging and production, in one batch with its audit entry. */
export async function createProject(db: Db, actor: AuditActor, input: { key: string; name: string }) {
  if (await db.query.projects.findFirst({ where: eq(projects.key, input.key) })) {
    throw new ApiError('CONFLICT', `Project '${input.key}' already exists`);
  }
  const now = Date.now();
  const project: ProjectRow = { id: randomId(), key: input.key, name: input.name, staleAfterDays: 14, createdAt: now };
  const envRows = defaultEnvironments.map((e, i) => ({
    id: randomId(),
    projectId: project.id,
    key: e.key,
    name: e.name,
    protected: 'protected' in e && e.protected,
    createdAt: now + i,
  }));
  await db.batch([
    db.insert(projects).values(project),
    db.insert(environments).values(envRows),
    auditInsert(db, { actor, action: 'project.create', projectId: project.id, resource: `projects/${project.key}`, after: { ...input, environments: envRows.map((e) => e.key) } }, now),
  ]);
  return project;
}

/** Changes a project's name or settings, with its audit entry in the same batch. */
export async function updateProject(db: Db, actor: AuditActor, project: ProjectRow, patch: { name?: string; staleAfterDays?: number }) {
  const after: ProjectRow = { ...project, ...patch };
  await db.batch([
    db.update(projects).set(patch).where(eq(projects.id, project.id)),
    auditInsert(db, { actor, action: 'project.update', projectId: project.id, resource: `projects/${project.key}`, before: projectView(project), after: projectView(after) }, Date.now()),
  ]);
  return after;
}

export async function createEnvironment(db: Db, actor: AuditActor, project: ProjectRow, input: { key: string; name: string }) {
  const existing = await db.query.environments.findFirst({
    where: and(eq(environments.projectId, project.id), eq(environments.key, input.key)),
  });
  if (existing) throw new ApiError('CONFLICT', `Environment '${input.key}' already exists`);
  const now = Date.now();
  const row = { id: randomId(), projectId: project.id, key: input.key, name: input.name, createdAt: now };
  await db.batch([
    db.insert(environments).values(row),
    auditInsert(db, { actor, action: 'environment.create', projectId: project.id, environmentId: row.id, resource: `projects/${project.key}/environments/${row.key}`, after: input }, now),
  ]);
  return (await getEnvironment(db, project.id, input.key))!;
}

/** Whether an environment with this id exists (the edge asks before it touches a channel for a key's environment). */
export async function environmentExists(db: Db, environmentId: string): Promise<boolean> {
  const row = await db.select({ id: environments.id }).from(environments).where(eq(environments.id, environmentId)).get();
  return row !== undefined;
}
