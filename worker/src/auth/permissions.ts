// Who may call each admin route: the one table (routePermissions) of the permission and scope every route needs, the
// roles that hold each permission, and the check of a caller's grants against a route. A route without an entry is
// refused (and fails worker/test/reliability/role-matrix.test.ts).
import type { Grant, Role } from '../store/schema';

/**
 * - `any`: every authenticated caller (a person without roles too)
 * - `read`: read the project
 * - `flags`: flags, their rules and variants, flag files, deployments
 * - `releases`: plan and start releases, schedule changes
 * - `safety`: pause, roll back and kill releases: never held for approval
 * - `signal`: post guardrail readings and alerts to releases
 * - `admin`: keys, tokens, people, webhooks, settings
 */
export type Permission = 'any' | 'read' | 'flags' | 'releases' | 'safety' | 'signal' | 'admin';

/** The roles as a ladder (each holds what the one before holds), and `signal` beside it. */
export const rolePermissions: Record<Role, Permission[]> = {
  viewer: ['read'],
  editor: ['read', 'flags'],
  releaser: ['read', 'flags', 'releases', 'safety', 'signal'],
  admin: ['read', 'flags', 'releases', 'safety', 'signal', 'admin'],
  signal: ['signal'],
};
export const ROLES = Object.keys(rolePermissions) as Role[];

/** `instance`: over every project (a grant with no project list); `project`: the whole project; `environment`: the route's environment. */
export type Scope = 'instance' | 'project' | 'environment';

export interface RouteRule {
  need: Permission;
  scope: Scope;
  /** a write that a protected environment holds for approval, unless the caller may bypass it (routes/held-writes.ts) */
  held?: true;
  /** query parameters that need more: `releaseAction` ends a release, which is a releaser's */
  query?: Record<string, Permission>;
}

const r = (need: Permission, scope: Scope, more: Partial<RouteRule> = {}): RouteRule => ({ need, scope, ...more });
const ending = { query: { releaseAction: 'releases' as Permission } };
const P = '/projects/:project';
const E = `${P}/environments/:env`;

/** Every admin route (Hono's pattern under /api/v1) and what it needs. */
export const routePermissions: Record<string, RouteRule> = {
  'GET /me': r('any', 'instance'),
  'POST /bootstrap': r('admin', 'instance'),
  'GET /admin-tokens': r('admin', 'instance'),
  'POST /admin-tokens': r('admin', 'instance'),
  'DELETE /admin-tokens/:id': r('admin', 'instance'),
  'GET /people': r('admin', 'instance'),
  'POST /people': r('admin', 'instance'),
  'PATCH /people/:id': r('admin', 'instance'),
  'DELETE /people/:id': r('admin', 'instance'),
  'GET /audit': r('admin', 'instance'),
  // the list shows only the projects the caller holds a role in
  'GET /projects': r('any', 'instance'),
  'POST /projects': r('admin', 'instance'),
  [`GET ${P}`]: r('read', 'project'),
  [`PATCH ${P}`]: r('admin', 'project'),
  [`GET ${P}/audit`]: r('read', 'project'),
  [`GET ${P}/calendar`]: r('read', 'project'),
  [`GET ${P}/environments`]: r('read', 'project'),
  [`POST ${P}/environments`]: r('admin', 'project'),
  [`GET ${P}/flags`]: r('read', 'project'),
  [`POST ${P}/flags`]: r('flags', 'project', { held: true }),
  [`GET ${P}/flags/:flag`]: r('read', 'project'),
  [`PATCH ${P}/flags/:flag`]: r('flags', 'project', { held: true, ...ending }),
  [`DELETE ${P}/flags/:flag`]: r('flags', 'project', { held: true, ...ending }),
  [`GET ${P}/flags/:flag/references`]: r('read', 'project'),
  // reviewing needs a role in the project here; the handler then checks the held write's own entry in its environment
  // (routes/change-requests.ts), so that a releaser granted only production reviews production's requests
  [`GET ${P}/change-requests`]: r('read', 'project'),
  [`GET ${P}/change-requests/:id`]: r('read', 'project'),
  [`PATCH ${P}/change-requests/:id`]: r('read', 'project'),
  [`POST ${P}/change-requests/:id/approve`]: r('read', 'project'),
  [`POST ${P}/change-requests/:id/reject`]: r('read', 'project'),
  [`POST ${P}/change-requests/:id/apply`]: r('read', 'project'),
  [`GET ${P}/webhooks`]: r('admin', 'project'),
  [`POST ${P}/webhooks`]: r('admin', 'project'),
  [`PATCH ${P}/webhooks/:id`]: r('admin', 'project'),
  [`DELETE ${P}/webhooks/:id`]: r('admin', 'project'),
  [`GET ${P}/webhooks/:id/deliveries`]: r('admin', 'project'),
  [`POST ${P}/webhooks/:id/deliveries/:delivery/redeliver`]: r('admin', 'project'),
  [`GET ${E}`]: r('read', 'environment'),
  [`PATCH ${E}`]: r('admin', 'environment'),
  [`GET ${E}/calendar`]: r('read', 'environment'),
  [`GET ${E}/propagation`]: r('read', 'environment'),
  [`GET ${E}/events`]: r('read', 'environment'),
  [`POST ${E}/evaluate`]: r('read', 'environment'),
  [`GET ${E}/unreleased-flags`]: r('read', 'environment'),
  [`PATCH ${E}/flags/:flag`]: r('flags', 'environment', { held: true, ...ending }),
  [`GET ${E}/flags/:flag/schedule`]: r('read', 'environment'),
  [`GET ${E}/flags/:flag/exposures`]: r('read', 'environment'),
  [`POST ${E}/flags/:flag/schedule`]: r('releases', 'environment', { held: true }),
  [`DELETE ${E}/flags/:flag/schedule/:id`]: r('releases', 'environment', { held: true }),
  [`GET ${E}/flagd`]: r('read', 'environment'),
  [`PUT ${E}/flagd`]: r('flags', 'environment', { held: true, ...ending }),
  [`GET ${E}/deployments`]: r('read', 'environment'),
  [`POST ${E}/deployments`]: r('flags', 'environment'),
  [`GET ${E}/releases`]: r('read', 'environment'),
  [`POST ${E}/releases`]: r('releases', 'environment', { held: true }),
  [`GET ${E}/releases/:release`]: r('read', 'environment'),
  [`PATCH ${E}/releases/:release`]: r('releases', 'environment', { held: true }),
  [`DELETE ${E}/releases/:release`]: r('releases', 'environment', { held: true }),
  [`POST ${E}/releases/:release/start`]: r('releases', 'environment', { held: true }),
  [`POST ${E}/releases/:release/resume`]: r('releases', 'environment', { held: true }),
  [`POST ${E}/releases/:release/pause`]: r('safety', 'environment'),
  [`POST ${E}/releases/:release/rollback`]: r('safety', 'environment'),
  [`POST ${E}/releases/:release/kill`]: r('safety', 'environment'),
  [`POST ${E}/releases/:release/metrics`]: r('signal', 'environment'),
  [`POST ${E}/alertmanager`]: r('signal', 'environment'),
  [`GET ${E}/releases/:release/feedback`]: r('read', 'environment'),
  [`GET ${E}/sdk-keys`]: r('admin', 'environment'),
  [`POST ${E}/sdk-keys`]: r('admin', 'environment'),
  [`GET ${E}/sdk-keys/:id`]: r('admin', 'environment'),
  [`PATCH ${E}/sdk-keys/:id`]: r('admin', 'environment'),
  [`DELETE ${E}/sdk-keys/:id`]: r('admin', 'environment'),
  [`GET ${E}/feed-tokens`]: r('admin', 'environment'),
  [`POST ${E}/feed-tokens`]: r('admin', 'environment'),
  [`DELETE ${E}/feed-tokens/:id`]: r('admin', 'environment'),
};

export interface Place {
  project?: string;
  env?: string;
}

/** Whether one grant gives `need` at `scope` in `place`. */
export function grantAllows(grant: Grant, need: Permission, scope: Scope, place: Place): boolean {
  if (need === 'any') return true;
  if (!rolePermissions[grant.role].includes(need)) return false;
  if (scope === 'instance') return grant.projects === null && grant.environments === null;
  if (grant.projects !== null && (place.project === undefined || !grant.projects.includes(place.project))) return false;
  // a write at project level changes every environment: a grant narrowed to some may only read there
  if (scope === 'project') return grant.environments === null || need === 'read';
  return grant.environments === null || (place.env !== undefined && grant.environments.includes(place.env));
}

export const allows = (grants: Grant[], need: Permission, scope: Scope, place: Place) => need === 'any' || grants.some((g) => grantAllows(g, need, scope, place));

/** Whether a caller with `grants` may bypass an environment's protection: an admin there (who could lift it anyway). */
export const bypassesProtection = (grants: Grant[], place: Place) => allows(grants, 'admin', 'environment', place);

/** Whether `grants` hold any role in the project (the project list shows only those). */
export const holdsRoleIn = (grants: Grant[], project: string) => grants.some((g) => g.projects === null || g.projects.includes(project));
