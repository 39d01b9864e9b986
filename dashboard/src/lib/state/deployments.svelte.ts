// An environment's deployments, newest first a page at a time, and the flags deployed there but not released.
import type { Api, Deployment, UnreleasedFlag } from '../api';
import { messageOf } from './workspace.svelte';

export class Deployments {
  deployments = $state<Deployment[]>([]);
  unreleased = $state<UnreleasedFlag[]>([]);
  next = $state<string | null>(null);
  loading = $state(false);
  loaded = $state(false);
  error = $state<string | null>(null);

  constructor(private readonly api: Api, readonly project: string, readonly env: string) {}

  async load() {
    await this.attempt(async () => {
      const [page, unreleased] = await Promise.all([this.api.deployments(this.project, this.env), this.api.unreleasedFlags(this.project, this.env)]);
      this.deployments = page.deployments;
      this.next = page.next;
      this.unreleased = unreleased;
      this.loaded = true;
    });
  }

  async more() {
    if (!this.next) return;
    await this.attempt(async () => {
      const page = await this.api.deployments(this.project, this.env, this.next!);
      this.deployments = [...this.deployments, ...page.deployments];
      this.next = page.next;
    });
  }

  private async attempt(work: () => Promise<void>) {
    this.loading = true;
    this.error = null;
    try {
      await work();
    } catch (error) {
      this.error = messageOf(error);
    } finally {
      this.loading = false;
    }
  }
}
