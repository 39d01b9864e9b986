// The project and environment being looked at, and its flags: loading, optimistic switches, creation, edits, deletion.
import { ChangeRequestHeld, type Api, type Environment, type Flag, type FlagEnvironmentPatch, type FlagInput, type FlagPatch, type Project, type ScheduledChangeInput, type WriteOptions } from '../api';
import { attempt, messageOf } from './attempt';
import { DormantGuard } from './guarded.svelte';
import { Permissions } from './permissions.svelte';
import { ReleaseGuard } from './release-guard.svelte';
import type { LiveEnvironment } from './live-environment.svelte';

export const DEFAULT_PROJECT = 'default';

export class Workspace {
  projects = $state<Project[]>([]);
  environments = $state<Environment[]>([]);
  flags = $state<Flag[]>([]);
  projectKey = $state(DEFAULT_PROJECT);
  envKey = $state('development');
  loading = $state(false);
  /** why the project could not be loaded */
  loadError = $state<string | null>(null);
  /** the last failed edit of each flag, by flag key, shown beside the flag */
  flagErrors = $state<Record<string, string>>({});

  environment = $derived(this.environments.find((e) => e.key === this.envKey) ?? null);
  project = $derived(this.projects.find((p) => p.key === this.projectKey) ?? null);
  /** the selected environment's live link (change stream, propagation), while it is shown */
  live = $state<LiveEnvironment | null>(null);
  /** a switch the dormant-code guard refused, waiting for "go ahead anyway" */
  readonly dormant = new DormantGuard();
  /** a change a running release owns, waiting for the person to end the release with it or let it go */
  readonly releaseGuard = new ReleaseGuard();
  /** what the caller's roles allow here (`GET /me`) */
  readonly permissions = new Permissions(() => ({ project: this.projectKey, env: this.envKey, environments: this.environments }));

  #loadId = 0;
  /** the latest edit of each flag, so answers arriving out of order do not undo a newer edit */
  #edits = new Map<string, number>();
  /** edits still waiting for the server, by flag key: a refresh must not undo them */
  #inFlight = new Map<string, number>();
  #committed = new Set<() => void>();

  constructor(private readonly api: Api) {}

  async load(preferred?: { project?: string | null; env?: string | null }) {
    // at once, so that nothing made before the project loads (the address bar, a link) names another environment
    if (preferred?.env) this.envKey = preferred.env;
    if (preferred?.project) this.projectKey = preferred.project;
    await attempt(this, 'loading', 'loadError', async () => {
      this.projects = await this.api.projects();
      const wanted = preferred?.project ?? this.projectKey;
      const project = this.projects.find((p) => p.key === wanted) ?? this.projects[0];
      if (project) await this.selectProject(project.key);
    });
  }

  async selectProject(key: string) {
    this.projectKey = key;
    const loadId = ++this.#loadId;
    await attempt(this, 'loading', 'loadError', async () => {
      const [environments, flags] = await Promise.all([
        this.api.environments(key),
        this.api.flags(key)
      ]);
      if (loadId !== this.#loadId) return;
      this.show(environments, flags);
      this.flagErrors = {};
    });
  }

  /** Reloads after a change made elsewhere, keeping the selection and the edits still on their way. */
  async refresh() {
    const project = this.projectKey;
    const loadId = ++this.#loadId;
    try {
      const [environments, flags] = await Promise.all([
        this.api.environments(project),
        this.api.flags(project)
      ]);
      if (loadId !== this.#loadId) return;
      const local = new Map(this.flags.map((f) => [f.key, f]));
      // a flag someone else changed: the version we hold for it is no longer the one shown
      for (const f of flags) if (!this.#inFlight.has(f.key) && JSON.stringify(f) !== JSON.stringify(local.get(f.key))) this.api.versions.forget(`/projects/${project}/flags/${f.key}`);
      this.show(environments, flags.map((f) => (this.#inFlight.has(f.key) ? (local.get(f.key) ?? f) : f)));
      this.loadError = null;
    } catch (error) {
      if (loadId === this.#loadId) this.loadError = messageOf(error);
    }
  }

  /** Calls `listener` after each change this dashboard commits; returns the function that unsubscribes. */
  onCommit(listener: () => void): () => void {
    this.#committed.add(listener);
    return () => this.#committed.delete(listener);
  }

  selectEnvironment(key: string) {
    this.envKey = key;
  }

  /** Reads one flag again for its version (ETag), so that the next save of it can say whether someone else changed it. */
  async loadVersion(flagKey: string) {
    try {
      await this.api.flag(this.projectKey, flagKey);
    } catch {
      // without a version the next save simply carries none
    }
  }

  /**
   * Applies the change at once and reverts it if the server refuses, keeping the reason beside the flag; a switch
   * the dormant-code guard refuses waits in `dormant` for "go ahead anyway".
   */
  async updateInEnvironment(flagKey: string, patch: FlagEnvironmentPatch, env = this.envKey, options: WriteOptions = {}) {
    const flag = this.flags.find((f) => f.key === flagKey);
    const config = flag?.environments[env];
    if (!flag || !config) return;
    const before = { ...config };
    const edit = (this.#edits.get(flagKey) ?? 0) + 1;
    this.#edits.set(flagKey, edit);
    Object.assign(config, patch);
    delete this.flagErrors[flagKey];
    this.#inFlight.set(flagKey, (this.#inFlight.get(flagKey) ?? 0) + 1);
    try {
      const saved = await this.api.updateFlagInEnvironment(this.projectKey, env, flagKey, patch, options);
      // a quicker second click must not be overwritten by the answer to the first
      if (this.#edits.get(flagKey) === edit) this.replace(saved);
      this.committed();
    } catch (error) {
      if (this.#edits.get(flagKey) === edit) Object.assign(config, before);
      const envName = this.envName(env);
      const retry = () => this.updateInEnvironment(flagKey, patch, env, { ...options, force: true });
      const endingRelease = (releaseAction: 'rollback' | 'kill') => this.saveConfig(flagKey, env, patch, { ...options, releaseAction });
      const change = { flag: flagKey, env, envName, change: patch.state ? `switch it ${patch.state === 'ENABLED' ? 'on' : 'off'}` : 'make the change' };
      if (this.releaseGuard.refuse(change, error, endingRelease)) return;
      if (options.force || !this.dormant.refuse(`switching ${flagKey} on in ${envName}`, error, retry)) {
        this.flagErrors[flagKey] = error instanceof ChangeRequestHeld ? `${flagKey}: ${error.message}` : `Could not update ${flagKey}: ${messageOf(error)}`;
      }
    } finally {
      const left = (this.#inFlight.get(flagKey) ?? 1) - 1;
      if (left > 0) this.#inFlight.set(flagKey, left);
      else this.#inFlight.delete(flagKey);
    }
  }

  /** Creates the flag and adds it to the list; throws the ApiError so the form can show it. */
  async createFlag(input: FlagInput): Promise<Flag> {
    const flag = await this.api.createFlag(this.projectKey, input);
    this.flags = [...this.flags.filter((f) => f.key !== flag.key), flag];
    this.committed();
    return flag;
  }

  /** Changes the flag everywhere (description, tags, variants…); throws the ApiError so the form can show it. */
  async updateFlag(flagKey: string, patch: FlagPatch, options: WriteOptions = {}): Promise<Flag> {
    const flag = await this.api.updateFlag(this.projectKey, flagKey, patch, options);
    this.replace(flag);
    this.committed();
    return flag;
  }

  /** Saves a flag's configuration in one environment as a whole (no optimistic update); throws the ApiError. */
  async saveConfig(flagKey: string, env: string, patch: FlagEnvironmentPatch, options: WriteOptions = {}): Promise<Flag> {
    const flag = await this.api.updateFlagInEnvironment(this.projectKey, env, flagKey, patch, options);
    this.replace(flag);
    this.committed();
    return flag;
  }

  /** Reads one flag again (after a change made through another route, e.g. a schedule) and shows it. */
  async reloadFlag(flagKey: string): Promise<Flag> {
    const flag = await this.api.flag(this.projectKey, flagKey);
    this.replace(flag);
    return flag;
  }

  /** Schedules a one-off change; throws the ApiError (a DORMANT_CODE one for the guard) so the form can show it. */
  async scheduleChange(flagKey: string, env: string, input: ScheduledChangeInput, options: WriteOptions = {}) {
    await this.api.scheduleChange(this.projectKey, env, flagKey, input, options);
    await this.reloadFlag(flagKey);
    this.committed();
  }

  async cancelScheduledChange(flagKey: string, env: string, id: string) {
    await this.api.cancelScheduledChange(this.projectKey, env, flagKey, id);
    await this.reloadFlag(flagKey);
    this.committed();
  }

  /** Kills a release of the environment (e.g. from a flag it owns); the flags then show what the kill wrote. */
  async killRelease(env: string, key: string) {
    await this.api.releaseAction(this.projectKey, env, key, 'kill');
    this.committed();
    await this.refresh();
  }

  envName(env: string): string {
    return this.environments.find((e) => e.key === env)?.name ?? env;
  }

  async deleteFlag(flagKey: string, releaseAction?: 'kill' | 'rollback') {
    await this.api.deleteFlag(this.projectKey, flagKey, { releaseAction });
    this.flags = this.flags.filter((f) => f.key !== flagKey);
    this.committed();
  }

  private show(environments: Environment[], flags: Flag[]) {
    this.environments = environments;
    this.flags = flags;
    if (!environments.some((e) => e.key === this.envKey)) {
      this.envKey = environments[0]?.key ?? '';
    }
  }

  private committed() {
    for (const listener of this.#committed) listener();
  }

  private replace(flag: Flag) {
    const index = this.flags.findIndex((f) => f.key === flag.key);
    if (index >= 0) this.flags[index] = flag;
  }
}

// what a failure says, kept importable from here where the views and state classes have always found it
export { messageOf };
