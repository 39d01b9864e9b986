// The project's change requests: listed (those still waiting, or all), and reviewed: approve, reject, apply (a stale
// target's drift kept to show), and the author's edit (which voids the approvals given so far).
import { ApiError, type Api, type ChangeRequest } from '../api';
import { driftChanges } from '../access/request-diff';
import type { Change } from '../history/diff';
import { messageOf } from './workspace.svelte';

/** The last review action's outcome on one request. */
export interface Outcome {
  error?: string;
  /** applying was refused: the target changed since the request was made; what changed there */
  stale?: Change[];
  done?: string;
}

export class ChangeRequests {
  requests = $state<ChangeRequest[]>([]);
  loaded = $state(false);
  error = $state<string | null>(null);
  pending = $state<string | null>(null);
  outcomes = $state<Record<string, Outcome>>({});

  waiting = $derived(this.requests.filter((r) => r.state === 'open' || r.state === 'approved'));

  /** @param applied called after a request applied (the flags and releases it changed are to be read again) */
  constructor(private readonly api: Api, private readonly project: string, private readonly applied: () => void = () => {}) {}

  async load() {
    try {
      this.requests = await this.api.changeRequests(this.project);
      this.loaded = true;
      this.error = null;
    } catch (error) {
      this.error = messageOf(error);
    }
  }

  approve(r: ChangeRequest, comment: string) {
    return this.act(r, () => this.api.approveChangeRequest(this.project, r.id, comment.trim() || undefined), 'Approved.');
  }

  reject(r: ChangeRequest, comment: string) {
    return this.act(r, () => this.api.rejectChangeRequest(this.project, r.id, comment.trim() || undefined), 'Rejected.');
  }

  async apply(r: ChangeRequest) {
    const ok = await this.act(r, () => this.api.applyChangeRequest(this.project, r.id), 'Applied: it is live.');
    if (ok) this.applied();
  }

  /** The author replaces the held write's body: the approvals given so far are void. */
  edit(r: ChangeRequest, body: unknown) {
    const voided = r.approvals.length;
    return this.act(r, () => this.api.editChangeRequest(this.project, r.id, body), voided ? `Edited: the ${voided} approval${voided === 1 ? '' : 's'} given before are void; it needs approving again.` : 'Edited.');
  }

  private async act(r: ChangeRequest, work: () => Promise<ChangeRequest>, done: string): Promise<boolean> {
    this.pending = r.id;
    this.outcomes[r.id] = {};
    try {
      const updated = await work();
      this.requests = this.requests.map((x) => (x.id === updated.id ? updated : x));
      this.outcomes[r.id] = { done };
      return true;
    } catch (error) {
      const stale = error instanceof ApiError ? error.staleDiff : null;
      this.outcomes[r.id] = stale ? { stale: driftChanges(stale), error: messageOf(error) } : { error: messageOf(error) };
      return false;
    } finally {
      this.pending = null;
    }
  }
}
