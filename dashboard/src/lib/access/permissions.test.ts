import { describe, expect, it } from 'vitest';
import source from '../../../../worker/src/auth/permissions.ts?raw';
import { check, kindRoutes, leastRole, roleIn, routePermissions, routes } from './permissions';
import type { GrantView } from '../api-types-governance';

const envs = [
  { key: 'development', name: 'Development', protected: false },
  { key: 'production', name: 'Production', protected: true }
];
const g = (role: GrantView['role'], projects: string[] | null = null, environments: string[] | null = null): GrantView => ({ role, projects, environments });

describe('the dashboard checks the worker’s own table', () => {
  it('imports the worker’s module alone: it imports nothing but types, so no worker code reaches the bundle', () => {
    const imports = source.split('\n').filter((line) => /^import\b/.test(line));
    expect(imports.length).toBeGreaterThan(0);
    for (const line of imports) expect(line, 'worker/src/auth/permissions.ts must keep only type imports (the dashboard bundles it)').toMatch(/^import type /);
  });

  it('names only routes the table has (a renamed route fails here, not in the browser)', () => {
    for (const route of Object.values(routes)) expect(routePermissions[route], route).toBeDefined();
  });

  it('knows the route of every write the worker holds (approving one needs what making it needs)', () => {
    const held = Object.entries(routePermissions).filter(([, rule]) => rule.held).map(([route]) => route).sort();
    expect([...new Set(Object.values(kindRoutes).map((name) => routes[name]))].sort()).toEqual(held);
  });

  it('refuses a viewer every write, with the reason and the least role that may', () => {
    const c = check([g('viewer')], routes.configureFlag, 'default', envs, 'development');
    expect(c).toEqual({ allowed: false, held: false, reason: 'Your role (viewer) cannot change flags and their rules in Development: that takes editor or above.' });
    expect(check([g('viewer')], routes.start, 'default', envs, 'development').reason).toContain('releaser or above');
    expect(check([g('releaser')], routes.updateEnvironment, 'default', envs, 'production').reason).toContain('that takes an admin');
  });

  it('holds an editor’s write in a protected environment, not an admin’s; applies elsewhere', () => {
    expect(check([g('editor')], routes.configureFlag, 'default', envs, 'production')).toEqual({ allowed: true, held: true, reason: '' });
    expect(check([g('editor')], routes.configureFlag, 'default', envs, 'development').held).toBe(false);
    expect(check([g('admin')], routes.configureFlag, 'default', envs, 'production').held).toBe(false);
    // a project-wide flag edit changes production too
    expect(check([g('editor')], routes.updateFlag, 'default', envs).held).toBe(true);
    // safety actions are never held
    expect(check([g('releaser')], routes.kill, 'default', envs, 'production')).toEqual({ allowed: true, held: false, reason: '' });
  });

  it('respects grants narrowed to projects and environments', () => {
    const staging = [g('editor', ['default'], ['development'])];
    expect(check(staging, routes.configureFlag, 'default', envs, 'development').allowed).toBe(true);
    expect(check(staging, routes.configureFlag, 'default', envs, 'production').allowed).toBe(false);
    expect(check([g('admin', ['other'])], routes.configureFlag, 'default', envs, 'development').reason).toMatch(/^You hold no role here/);
  });

  it('names the caller’s role where they are', () => {
    expect(roleIn([g('viewer'), g('releaser', ['default'])], 'default')).toBe('releaser');
    expect(roleIn([g('editor', null, ['development'])], 'default', 'production')).toBe('viewer');
    expect(roleIn([g('admin', ['other'])], 'default')).toBeNull();
    expect(leastRole('safety')).toBe('releaser');
  });
});
