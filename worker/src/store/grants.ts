// Grants as tokens and people are given them: checked against the projects and environments that exist, and the
// signal role kept to one environment of one project (a monitor posts to the releases there and nothing else).
import { inArray } from 'drizzle-orm';
import { ApiError } from '../errors';
import type { Db } from './db';
import { environments, projects, type Grant, type Role } from './schema';

export interface GrantInput {
  role: Role;
  projects?: string[] | null;
  environments?: string[] | null;
}

const invalid = (path: string, message: string) => new ApiError('VALIDATION_FAILED', `Invalid input: ${path} ${message}`, [{ path, message }]);

/** The grants as stored; 400 when one names a project or environment that does not exist, or a signal grant is wider than one environment. */
export async function assertGrants(db: Db, input: GrantInput[], prefix: string): Promise<Grant[]> {
  const named = [...new Set(input.flatMap((g) => g.projects ?? []))];
  const found = named.length ? await db.select({ id: projects.id, key: projects.key }).from(projects).where(inArray(projects.key, named)) : [];
  const envs = found.length ? await db.select({ projectId: environments.projectId, key: environments.key }).from(environments).where(inArray(environments.projectId, found.map((p) => p.id))) : [];
  return input.map((g, i) => {
    const at = input.length > 1 || prefix ? `${prefix}/${i}` : '';
    for (const p of g.projects ?? []) if (!found.some((f) => f.key === p)) throw invalid(`${at}/projects`, `names project '${p}', which does not exist`);
    if (g.environments && g.projects) {
      for (const e of g.environments) {
        const inAll = g.projects.every((p) => envs.some((x) => x.key === e && x.projectId === found.find((f) => f.key === p)!.id));
        if (!inAll) throw invalid(`${at}/environments`, `names environment '${e}', which is not in every project it names`);
      }
    }
    if (g.role === 'signal' && (g.projects?.length !== 1 || g.environments?.length !== 1)) {
      throw invalid(`${at}/role`, 'signal posts readings and alerts to the releases of one environment: give exactly one project and one environment');
    }
    return { role: g.role, projects: g.projects?.length ? [...new Set(g.projects)] : null, environments: g.environments?.length ? [...new Set(g.environments)] : null };
  });
}
