// Every route the worker serves, from the app itself (so a new route is covered by these tests the day it is added),
// with concrete paths for the test data that reliability tests create.
import { createApp } from '../../src/app';

export interface RouteEntry {
  method: string;
  /** Hono's pattern, e.g. /api/v1/projects/:project/flags/:flag */
  path: string;
}

export const allRoutes: RouteEntry[] = [
  ...new Map(
    createApp()
      .routes.filter((r) => ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method))
      .map((r) => [`${r.method} ${r.path}`, { method: r.method, path: r.path }] as const),
  ).values(),
];

const params: Record<string, string> = { project: 'default', env: 'development', flag: 'f', release: 'r', id: 'aaaaaaaaaaaaaaaa' };

/** The route's path with its parameters filled in (one of them replaced when `override` says so). */
export const concrete = (path: string, override?: [string, string]) =>
  path.replace(/:(\w+)/g, (_, name: string) => (override && override[0] === name ? override[1] : (params[name] ?? 'x'))).replace(/\*$/, 'flags/f');

export const isAdmin = (path: string) => path.startsWith('/api/');
