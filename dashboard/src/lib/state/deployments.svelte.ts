// An environment's deployments, newest first a page at a time, and the flags deployed there but not released; kept live
// while shown (recording a deployment changes nothing the edge evaluates, so no change event announces it: it is read
// again every few seconds, the newest page merged in front of the pages already read).
import type { Api, Deployment, UnreleasedFlag } from '../api';
import { attempt, messageOf } from './attempt';

/** How often the newest deployments are read again while the view is open. */
export const DEPLOYMENTS_REFRESH_MS = 5_000;

export class Deployments {
  deployments = $state<Deployment[]>([]);
  unreleased = $state<UnreleasedFlag[]>([]);
  next = $state<string | null>(null);
  loading = $state(false);
  loaded = $state(false);
  error = $state<string | null>(null);

  constructor(private readonly api: Api, readonly project: string, readonly env: string) {}

  async load() {
    await attempt(this, 'loading', 'error', async () => {
      const [page, unreleased] = await Promise.all([this.api.deployments(this.project, this.env), this.api.unreleasedFlags(this.project, this.env)]);
      this.deployments = page.deployments;
      this.next = page.next;
      this.unreleased = unreleased;
      this.loaded = true;
    });
  }

  /** Reads the newest page again and puts what is new in front; the unreleased flags too. */
  async refresh() {
    try {
      const [page, unreleased] = await Promise.all([this.api.deployments(this.project, this.env), this.api.unreleasedFlags(this.project, this.env)]);
      const known = new Set(this.deployments.map((d) => d.id));
      const fresh = page.deployments.filter((d) => !known.has(d.id));
      if (fresh.length) this.deployments = [...fresh, ...this.deployments].sort((a, b) => b.at.localeCompare(a.at));
      this.unreleased = unreleased;
      this.error = null;
    } catch (error) {
      this.error = messageOf(error);
    }
  }

  /** Keeps the feed live while it is shown; returns the function that stops. */
  watch(): () => void {
    const timer = setInterval(() => void this.refresh(), DEPLOYMENTS_REFRESH_MS);
    return () => clearInterval(timer);
  }

  async more() {
    if (!this.next) return;
    await attempt(this, 'loading', 'error', async () => {
      const page = await this.api.deployments(this.project, this.env, this.next!);
      this.deployments = [...this.deployments, ...page.deployments];
      this.next = page.next;
    });
  }
}
