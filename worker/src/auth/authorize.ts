// The permission check of every admin route: finds the route's entry in the one table (permissions.ts) and checks the
// caller's grants in the project and environment the path names. No entry: refused, never allowed by default.
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../context';
import { ApiError } from '../errors';
import { allows, type Permission, type Place, type RouteRule, routePermissions } from './permissions';
import type { Caller } from './caller';

interface Compiled {
  method: string;
  pattern: RegExp;
  literals: number;
  key: string;
  rule: RouteRule;
}

const compiled: Compiled[] = Object.entries(routePermissions)
  .map(([key, rule]) => {
    const [method, path] = key.split(' ');
    const source = path.replace(/[.]/g, '\\.').replace(/:(\w+)/g, '(?<$1>[^/]+)');
    return { method, pattern: new RegExp(`^/api/v1${source}$`), literals: path.split('/').filter((s) => s && !s.startsWith(':')).length, key, rule };
  })
  // a literal segment wins over a parameter where both could match
  .sort((a, b) => b.literals - a.literals);

export function ruleFor(method: string, path: string): { key: string; rule: RouteRule; place: Place } | null {
  for (const c of compiled) {
    if (c.method !== method) continue;
    const m = c.pattern.exec(path);
    if (!m) continue;
    const g = m.groups ?? {};
    return { key: c.key, rule: c.rule, place: { project: decodeParam(g.project), env: decodeParam(g.env) } };
  }
  return null;
}

/** A path parameter decoded; one that is not valid percent-encoded UTF-8 is kept as sent (the route then refuses it). */
function decodeParam(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

const roleWords: Record<Permission, string> = {
  any: 'a sign-in',
  read: 'a role (viewer or above)',
  flags: 'the editor role (or releaser, admin)',
  releases: 'the releaser role (or admin)',
  safety: 'the releaser role (or admin)',
  signal: 'the signal role (or releaser, admin)',
  admin: 'the admin role',
};

export function forbidden(caller: Caller, need: Permission, place: Place, what: string): ApiError {
  const where = place.env ? ` in environment '${place.env}' of project '${place.project}'` : place.project ? ` in project '${place.project}'` : ' over every project';
  return new ApiError('FORBIDDEN', `${caller.name} may not ${what}: it needs ${roleWords[need]}${where}`, undefined, { need, project: place.project ?? null, environment: place.env ?? null });
}

/** Refuses (403) unless the caller holds `need` at `scope` in `place`. */
export function assertAllowed(caller: Caller, need: Permission, scope: RouteRule['scope'], place: Place, what: string) {
  if (!allows(caller.grants, need, scope, place)) throw forbidden(caller, need, place, what);
}

export const authorize = createMiddleware<AppEnv>(async (c, next) => {
  const found = ruleFor(c.req.method === 'HEAD' ? 'GET' : c.req.method, c.req.path);
  // a route the table does not name is never served (fail closed): it answers as a path no route serves
  if (!found) throw new ApiError('NOT_FOUND', `No route for ${c.req.method} ${c.req.path}`);
  const { key, rule, place } = found;
  const what = `${key.split(' ')[0]} ${c.req.path.slice('/api/v1'.length)}`;
  assertAllowed(c.var.actor, rule.need, rule.scope, place, what);
  for (const [param, need] of Object.entries(rule.query ?? {})) {
    if (c.req.query(param) !== undefined) assertAllowed(c.var.actor, need, rule.scope, place, `${what} with ?${param}`);
  }
  c.set('place', place);
  return next();
});
