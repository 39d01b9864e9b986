// The releases of one environment, and one release watched as it runs: loaded, kept fresh while it moves (its step
// changes with time, and others act on it), and acted on (start and resume go through the dormant-code guard).
import { ChangeRequestHeld, type Api, type ChangeRequest, type Release, type ReleaseAction, type ReleaseInput, type ReleasePatch } from '../api';
import { DormantGuard } from './guarded.svelte';
import { messageOf } from './workspace.svelte';

/** How often a running release is read again: its percentage changes with the clock. */
export const REFRESH_MS = 10_000;

export class ReleaseList {
  releases = $state<Release[]>([]);
  loading = $state(false);
  loaded = $state(false);
  error = $state<string | null>(null);

  constructor(private readonly api: Api, readonly project: string, readonly env: string) {}

  async load() {
    this.loading = true;
    try {
      this.releases = await this.api.releases(this.project, this.env);
      this.error = null;
      this.loaded = true;
    } catch (error) {
      this.error = messageOf(error);
    } finally {
      this.loading = false;
    }
  }

  async kill(key: string) {
    const killed = await this.api.releaseAction(this.project, this.env, key, 'kill');
    this.releases = this.releases.map((r) => (r.key === key ? killed : r));
  }

  create(input: ReleaseInput) {
    return this.api.createRelease(this.project, this.env, input);
  }
}

export class ReleaseDetail {
  release = $state<Release | null>(null);
  error = $state<string | null>(null);
  /** the API's 404: no such release here */
  missing = $state(false);
  /** the time the view is drawn for, moved on while it is open */
  now = $state(Date.now());
  readonly guard = new DormantGuard();
  /** the change request the last write opened (a protected environment held it for review): nothing changed yet */
  held = $state<ChangeRequest | null>(null);

  #timer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly api: Api, readonly project: string, readonly env: string, readonly key: string) {}

  async load() {
    try {
      this.release = await this.api.release(this.project, this.env, this.key);
      this.now = Date.now();
      this.error = null;
    } catch (error) {
      this.missing = (error as { status?: number }).status === 404;
      this.error = messageOf(error);
    }
  }

  /** Keeps the release fresh while the view is open; returns the function that stops. */
  watch(): () => void {
    this.#timer = setInterval(() => void this.load(), REFRESH_MS);
    return () => {
      if (this.#timer) clearInterval(this.#timer);
      this.#timer = null;
    };
  }

  /**
   * Acts; a start or resume the guard refuses waits in `guard.refused`. Other errors (a start that takes the feature
   * away, unless `acknowledgeLoss`) are thrown for the dialog.
   */
  async act(action: ReleaseAction, { acknowledgeLoss = false } = {}) {
    const attempt = async (force: boolean) => {
      this.release = this.measured(await this.api.releaseAction(this.project, this.env, this.key, action, { force, acknowledgeLoss }));
      this.now = Date.now();
    };
    await this.holding(async () => {
      if (action === 'start' || action === 'resume') await this.guard.run(`${action === 'start' ? 'starting' : 'resuming'} the release ${this.key}`, attempt);
      else await attempt(false);
    });
  }

  async update(patch: ReleasePatch) {
    await this.holding(async () => void (this.release = this.measured(await this.api.updateRelease(this.project, this.env, this.key, patch))));
    return this.release;
  }

  /** Deletes it; false when a protected environment held the deletion for review (it is still here). */
  async remove(): Promise<boolean> {
    return this.holding(() => this.api.deleteRelease(this.project, this.env, this.key));
  }

  /**
   * A write's answer carries no measures (exposures and decisions are in GET of one release only): the ones read last
   * stay until the next read, so that a dialog opened right after an action still counts people.
   */
  private measured(next: Release): Release {
    const before = this.release;
    if (!before || next.exposures !== undefined) return next;
    const decisions = new Map(before.guardrails.flatMap((g, i) => (g.kind === 'sequential' ? [[i, g.decision]] : [])));
    return { ...next, exposures: before.exposures, guardrails: next.guardrails.map((g, i) => (g.kind === 'sequential' && g.decision === undefined && decisions.has(i) ? { ...g, decision: decisions.get(i) } : g)) };
  }

  /** Runs a write; a protected environment's hold is kept in `held` (nothing changed) rather than thrown. True when it applied. */
  private async holding(write: () => Promise<unknown>): Promise<boolean> {
    this.held = null;
    try {
      await write();
      return true;
    } catch (error) {
      if (!(error instanceof ChangeRequestHeld)) throw error;
      this.held = error.changeRequest;
      return false;
    }
  }
}
