// The release deciding each flag in every environment of the project, for the flag list: one request per
// environment when the list loads, and again for an environment its change stream says has changed.
import type { Api } from '../api';
import { releasesByFlag, type ReleasesByFlag } from '../flags/release-status';

export class FlagReleases {
  /** by environment key, then flag key */
  byEnv = $state<Record<string, ReleasesByFlag>>({});

  #project: string | null = null;
  /** the latest request per environment, so a slow older answer never replaces a newer one */
  #requests = new Map<string, number>();

  constructor(private readonly api: Api) {}

  /** The releases of each environment; a project switch forgets the other project's. */
  async load(project: string, environments: readonly string[]) {
    if (project !== this.#project) {
      this.#project = project;
      this.byEnv = {};
    }
    await Promise.all(environments.map((env) => this.reload(project, env)));
  }

  async reload(project: string, env: string) {
    if (project !== this.#project) return;
    const request = (this.#requests.get(env) ?? 0) + 1;
    this.#requests.set(env, request);
    try {
      const releases = await this.api.releases(project, env);
      if (project === this.#project && this.#requests.get(env) === request) this.byEnv[env] = releasesByFlag(releases);
    } catch {
      // the list still shows each flag's own status; the next change or load tries again
    }
  }

  of(env: string): ReleasesByFlag {
    return this.byEnv[env] ?? {};
  }
}
