// The release overview across every environment: each one's releases and its flags deployed but not released, and who
// paused what (from the history); killing from here.
import type { Api, AuditEntry, Environment, Release, UnreleasedFlag } from '../api';
import { overviewGroups, pausedBy } from '../releases/overview';
import { messageOf } from './workspace.svelte';

export class ReleaseOverview {
  byEnv = $state<{ env: string; releases: Release[]; unreleased: UnreleasedFlag[] }[]>([]);
  pauses = $state<AuditEntry[]>([]);
  loaded = $state(false);
  loading = $state(false);
  error = $state<string | null>(null);

  /** paused, rolling out and scheduled, across environments */
  get groups() {
    return overviewGroups(this.byEnv, pausedBy(this.pauses), this.project);
  }
  unreleased = $derived(this.byEnv.flatMap((e) => e.unreleased.map((flag) => ({ env: e.env, flag }))));
  /** the soonest step of any release shown: the overview reads everything again then */
  nextStep = $derived(Math.min(...this.byEnv.flatMap((e) => e.releases.map((r) => Date.parse(r.status.nextStepAt ?? '') || Infinity))));

  #load = 0;

  constructor(private readonly api: Api, readonly project: string, private readonly environments: () => Environment[]) {}

  async load() {
    const id = ++this.#load;
    this.loading = true;
    try {
      const envs = this.environments();
      const byEnv = await Promise.all(
        envs.map(async (e) => {
          const [releases, unreleased] = await Promise.all([this.api.releases(this.project, e.key), this.api.unreleasedFlags(this.project, e.key)]);
          return { env: e.key, releases, unreleased };
        })
      );
      // who paused them: only asked when something is paused
      const pauses = byEnv.some((e) => e.releases.some((r) => r.state === 'paused')) ? await this.api.audit(this.project, 200) : [];
      if (id !== this.#load) return;
      this.byEnv = byEnv;
      this.pauses = pauses.filter((e) => e.action === 'release.pause');
      this.error = null;
      this.loaded = true;
    } catch (error) {
      if (id === this.#load) this.error = messageOf(error);
    } finally {
      if (id === this.#load) this.loading = false;
    }
  }

  async kill(env: string, key: string) {
    await this.api.releaseAction(this.project, env, key, 'kill');
    await this.load();
  }
}
