// What the caller's roles allow, in words: the worker's own permission table (worker/src/auth/permissions.ts, a few
// constants and pure functions imported as they are) applied to the grants `GET /me` returns.
import { allows, bypassesProtection, rolePermissions, ROLES, routePermissions, type Permission, type RouteRule } from '../../../../worker/src/auth/permissions';
import type { GrantView, Role } from '../api-types-governance';

export { routePermissions };

/** An environment as the check needs it. */
export interface EnvLike {
  key: string;
  name: string;
  protected: boolean;
}

/** Whether the caller may make a write, why not, and whether a protected environment holds it for review. */
export interface Check {
  allowed: boolean;
  /** why not, in words ('' when allowed) */
  reason: string;
  /** allowed, but held in a change request that others approve (a protected environment, a caller who cannot bypass it) */
  held: boolean;
}

export const ALLOWED: Check = { allowed: true, reason: '', held: false };

const doing: Record<Permission, string> = {
  any: 'do this',
  read: 'read this project',
  flags: 'change flags and their rules',
  releases: 'plan, schedule or start releases',
  safety: 'pause, roll back or kill releases',
  signal: 'post guardrail readings',
  admin: 'change keys, tokens, people or environment settings'
};

/** The least role that holds `need` (the ladder's order, `signal` last). */
export function leastRole(need: Permission): Role {
  return ROLES.find((r) => rolePermissions[r].includes(need)) ?? 'admin';
}

const ladder: Role[] = ['signal', 'viewer', 'editor', 'releaser', 'admin'];

/** The caller's role in a project (and environment): the highest grant that covers it; a grant narrowed to other environments reads. */
export function roleIn(grants: GrantView[], project: string, env?: string): Role | null {
  const inProject = grants.filter((g) => g.projects === null || g.projects.includes(project));
  const here = inProject.filter((g) => env === undefined || g.environments === null || g.environments.includes(env)).map((g) => g.role);
  if (here.length === 0 && inProject.some((g) => g.role !== 'signal')) here.push('viewer');
  return here.sort((a, b) => ladder.indexOf(b) - ladder.indexOf(a))[0] ?? null;
}

/** The route's entry in the table ("PATCH /projects/:project/environments/:env/flags/:flag"); a name not in it is a bug. */
export function ruleOf(route: string): RouteRule {
  const rule = routePermissions[route];
  if (!rule) throw new Error(`No permission entry for ${route}`);
  return rule;
}

/**
 * May `grants` call `route` in `project` (and `env`, for an environment's route)? `environments` are the project's:
 * a held route is held where one it changes is protected and the caller may not bypass it (only admins may).
 */
export function check(grants: GrantView[], route: string, project: string, environments: EnvLike[], env?: string): Check {
  const rule = ruleOf(route);
  const place = { project, env };
  const where = env ? ` in ${environments.find((e) => e.key === env)?.name ?? env}` : '';
  if (!allows(grants, rule.need, rule.scope, place)) {
    const role = roleIn(grants, project, env);
    const least = leastRole(rule.need);
    return { allowed: false, held: false, reason: `${role ? `Your role (${role})` : 'You hold no role here, and'} cannot ${doing[rule.need]}${where}: that takes ${least === 'admin' ? 'an admin' : `${least} or above`}.` };
  }
  const changed = rule.scope === 'environment' ? environments.filter((e) => e.key === env) : environments;
  const held = rule.held === true && changed.some((e) => e.protected && !bypassesProtection(grants, { project, env: e.key }));
  return { allowed: true, held, reason: '' };
}

const P = '/projects/:project';
const E = `${P}/environments/:env`;
/** The routes whose permission the dashboard checks before offering an action, by the table's own names. */
export const routes = {
  updateProject: `PATCH ${P}`,
  createFlag: `POST ${P}/flags`,
  updateFlag: `PATCH ${P}/flags/:flag`,
  deleteFlag: `DELETE ${P}/flags/:flag`,
  configureFlag: `PATCH ${E}/flags/:flag`,
  schedule: `POST ${E}/flags/:flag/schedule`,
  unschedule: `DELETE ${E}/flags/:flag/schedule/:id`,
  updateEnvironment: `PATCH ${E}`,
  createRelease: `POST ${E}/releases`,
  updateRelease: `PATCH ${E}/releases/:release`,
  deleteRelease: `DELETE ${E}/releases/:release`,
  start: `POST ${E}/releases/:release/start`,
  resume: `POST ${E}/releases/:release/resume`,
  pause: `POST ${E}/releases/:release/pause`,
  rollback: `POST ${E}/releases/:release/rollback`,
  kill: `POST ${E}/releases/:release/kill`,
  sdkKeys: `GET ${E}/sdk-keys`,
  createSdkKey: `POST ${E}/sdk-keys`,
  adminTokens: `GET /admin-tokens`,
  createAdminToken: `POST /admin-tokens`,
  people: `GET /people`,
  addPerson: `POST /people`,
  importFile: `PUT ${E}/flagd`,
  approve: `POST ${P}/change-requests/:id/approve`,
  apply: `POST ${P}/change-requests/:id/apply`
} as const;
export type RouteName = keyof typeof routes;

/** The route of each kind of held write: approving and applying a request need what making it needs (the worker's rule). */
export const kindRoutes: Record<string, RouteName> = {
  'flag.create': 'createFlag',
  'flag.update': 'updateFlag',
  'flag.delete': 'deleteFlag',
  'flag.configure': 'configureFlag',
  'flag.schedule': 'schedule',
  'flag.unschedule': 'unschedule',
  'flagd.import': 'importFile',
  'release.create': 'createRelease',
  'release.update': 'updateRelease',
  'release.delete': 'deleteRelease',
  'release.start': 'start',
  'release.resume': 'resume'
};
