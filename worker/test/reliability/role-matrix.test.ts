// Roles × routes × environments: every admin route the app serves has an entry in the one permission table
// (auth/permissions.ts), and each role, in each environment, gets exactly what that entry grants: 0 over-grants. What
// each role may do is restated here from the words, not taken from the worker's code.
import { beforeAll, describe, expect, it } from 'vitest';
import { call } from '../helpers';
import { admin } from '../release-helpers';
import { routePermissions } from '../../src/auth/permissions';
import { allRoutes, concrete } from './routes';

type Role = 'viewer' | 'editor' | 'releaser' | 'admin' | 'signal';
interface Cred {
  name: string;
  role: Role;
  projects?: string[];
  environments?: string[];
}
/** The roles as the issue says: viewer reads; editor flags and rules; releaser releases, schedules, kill; admin keys, tokens, settings; signal posts to one environment's releases. */
const may: Record<Role, string[]> = {
  viewer: ['read'],
  editor: ['read', 'flags'],
  releaser: ['read', 'flags', 'releases', 'safety', 'signal'],
  admin: ['read', 'flags', 'releases', 'safety', 'signal', 'admin'],
  signal: ['signal'],
};
const creds: Cred[] = [
  { name: 'viewer', role: 'viewer' },
  { name: 'editor', role: 'editor' },
  { name: 'releaser', role: 'releaser' },
  { name: 'admin', role: 'admin' },
  { name: 'project-admin', role: 'admin', projects: ['default'] },
  { name: 'dev-editor', role: 'editor', projects: ['default'], environments: ['development'] },
  { name: 'other-releaser', role: 'releaser', projects: ['other'] },
  { name: 'signal', role: 'signal', projects: ['default'], environments: ['development'] },
];
const places = [
  { project: 'default', env: 'development' },
  { project: 'default', env: 'production' },
  { project: 'other', env: 'development' },
];

/** Whether `cred` may do what `rule` needs at `place`, in the words. */
function expected(cred: Cred, rule: { need: string; scope: string }, place: { project: string; env: string }) {
  if (rule.need === 'any') return true;
  if (!may[cred.role].includes(rule.need)) return false;
  const everywhere = !cred.projects && !cred.environments;
  if (rule.scope === 'instance') return everywhere;
  const inProject = !cred.projects || cred.projects.includes(place.project);
  if (rule.scope === 'project') return inProject && (!cred.environments || rule.need === 'read');
  return inProject && (!cred.environments || cred.environments.includes(place.env));
}

const secrets: Record<string, string> = {};
const adminRoutes = allRoutes.filter((r) => r.path.startsWith('/api/v1/') && r.path !== '/api/v1/openapi.json');
const entryOf = (r: { method: string; path: string }) => routePermissions[`${r.method} ${r.path.slice('/api/v1'.length)}`];

beforeAll(async () => {
  await admin('POST', '/api/v1/bootstrap', {});
  await admin('POST', '/api/v1/projects', { key: 'other', name: 'Other' });
  for (const c of creds) {
    const res = await admin('POST', '/api/v1/admin-tokens', { name: c.name, role: c.role, ...(c.projects ? { projects: c.projects } : {}), ...(c.environments ? { environments: c.environments } : {}) });
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    secrets[c.name] = res.body.secret;
  }
});

describe('roles × routes × environments', { timeout: 300_000 }, () => {
  it('has a permission entry for every admin route the app serves', () => {
    expect(adminRoutes.filter((r) => !entryOf(r)).map((r) => `${r.method} ${r.path}`)).toEqual([]);
    expect(Object.keys(routePermissions).filter((k) => !adminRoutes.some((r) => `${r.method} ${r.path.slice(7)}` === k))).toEqual([]);
  });

  it('opens no write to a reader: every route a viewer may call reads (the evaluation explainer only computes; a review checks the held write’s own entry in its handler)', () => {
    const open = adminRoutes.filter((r) => r.method !== 'GET' && ['any', 'read'].includes(entryOf(r).need)).map((r) => `${r.method} ${r.path}`);
    expect(open.sort()).toEqual([
      'PATCH /api/v1/projects/:project/change-requests/:id',
      'POST /api/v1/projects/:project/change-requests/:id/apply',
      'POST /api/v1/projects/:project/change-requests/:id/approve',
      'POST /api/v1/projects/:project/change-requests/:id/reject',
      'POST /api/v1/projects/:project/environments/:env/evaluate',
    ]);
  });

  it('answers each role in each environment as its entry says: 0 over-grants, 0 under-grants', async (ctx) => {
    const over: string[] = [];
    const under: string[] = [];
    let cases = 0;
    for (const r of adminRoutes) {
      const rule = entryOf(r);
      const seen = new Set<string>();
      for (const place of places) {
        // ids and keys that do not exist, so that an allowed write changes nothing
        const path = concrete(r.path, ['flag', 'absent']).replace('/projects/default/', `/projects/${place.project}/`).replace('/environments/development', `/environments/${place.env}`);
        if (seen.has(path)) continue;
        seen.add(path);
        for (const c of creds) {
          cases++;
          const body = r.method === 'GET' || r.method === 'DELETE' ? undefined : {};
          const res = await call(r.method, path, { token: secrets[c.name], body });
          if (res.headers.get('content-type')?.startsWith('text/event-stream')) await res.body?.cancel();
          else await res.text();
          const want = expected(c, rule, place);
          if (!want && res.status !== 403) over.push(`${r.method} ${path} as ${c.name}: ${res.status}`);
          if (want && (res.status === 403 || res.status === 401)) under.push(`${r.method} ${path} as ${c.name}: ${res.status}`);
        }
      }
    }
    ctx.task.meta.reliability = { kind: 'roles', routes: adminRoutes.length, roles: creds.length, cases, overGrants: over.length, underGrants: under.length };
    expect(over).toEqual([]);
    expect(under).toEqual([]);
  });
});
