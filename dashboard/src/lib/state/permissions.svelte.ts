// The caller's roles (`GET /me`) and what they allow where the dashboard is looking: each action asks `check` and is
// disabled with the reason when the role does not allow it (the server refuses it all the same).
import type { Api, Environment, Me } from '../api';
import { ALLOWED, check, roleIn, routes, type Check, type RouteName } from '../access/permissions';

export class Permissions {
  me = $state<Me | null>(null);

  constructor(private readonly place: () => { project: string; env: string; environments: Environment[] }) {}

  async load(api: Api) {
    try {
      this.me = await api.me();
    } catch {
      // unknown roles allow everything here: the server still refuses what the caller may not do
    }
  }

  /** The route's check in `env` (the selected environment by default; '' for a route of the whole project). */
  may(route: RouteName, env: string | null = null): Check {
    if (!this.me) return ALLOWED;
    const { project, env: selected, environments } = this.place();
    const scoped = routes[route].includes('/environments/:env');
    return check(this.me.grants, routes[route], project, environments, scoped ? (env ?? selected) : undefined);
  }

  /** The caller's role in the selected project (and `env`), as a word. */
  role(env?: string): string {
    if (!this.me) return '';
    return roleIn(this.me.grants, this.place().project, env) ?? 'no role';
  }

  get isAdmin(): boolean {
    return this.may('updateEnvironment').allowed;
  }
}
