// How far an environment's newest version has reached the edge, polled for a while after each change.
import type { Api, PropagationStatus } from '../api';
import { messageOf } from './workspace.svelte';

/** How often, and for how long, to ask after a change until every known isolate has applied it. */
export const POLL_EVERY_MS = 500;
export const POLL_FOR_MS = 10_000;

export class Propagation {
  status = $state<PropagationStatus | null>(null);
  error = $state<string | null>(null);
  /** true while following a change out to the edge */
  watching = $state(false);

  /** every isolate that reported has applied the newest version */
  complete = $derived(
    !!this.status && this.status.applied.ofIsolates > 0 && this.status.applied.isolates >= this.status.applied.ofIsolates
  );

  #watch = 0;

  constructor(
    private readonly api: Api,
    readonly project: string,
    readonly env: string
  ) {}

  async load() {
    try {
      const status = await this.api.propagation(this.project, this.env);
      // an older answer arriving late must not replace a newer version
      if (!this.status || status.version >= this.status.version) this.status = status;
      this.error = null;
    } catch (error) {
      this.error = messageOf(error);
    }
  }

  /** Polls until every known isolate applied the newest version (at least `version`, when given), or time is up. */
  async watch(version = 0) {
    const id = ++this.#watch;
    const until = Date.now() + POLL_FOR_MS;
    this.watching = true;
    while (id === this.#watch) {
      await this.load();
      const done = this.complete && (this.status?.version ?? 0) >= version;
      if (done || Date.now() >= until) break;
      await new Promise((resolve) => setTimeout(resolve, POLL_EVERY_MS));
    }
    if (id === this.#watch) this.watching = false;
  }

  stop() {
    this.#watch++;
    this.watching = false;
  }
}
