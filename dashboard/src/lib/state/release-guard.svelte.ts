// A change to what a flag serves where a running release owns it: never sent on its own. Held (from the flag's view
// before anything is sent, or from the server's 409 RELEASE_OWNS_FLAG) until the person ends the release with it
// (`?releaseAction=rollback|kill`) or lets it go.
import { ApiError, type OwningRelease } from '../api';

export type EndingAction = 'rollback' | 'kill';

export interface OwnedChange {
  flag: string;
  env: string;
  envName: string;
  release: OwningRelease;
  /** what the change does, imperative and short: "switch it off", "save the targeting" */
  change: string;
  /** the server's explanation, when it refused */
  message: string | null;
  /** makes the change, ending the release with `action` in the same write */
  goAhead: (action: EndingAction) => Promise<void>;
}

export class ReleaseGuard {
  held = $state<OwnedChange | null>(null);

  /** Holds a change the flag's view already says a release owns. */
  hold(change: Omit<OwnedChange, 'message' | 'goAhead'>, goAhead: (action: EndingAction) => Promise<unknown>) {
    this.held = { ...change, message: null, goAhead: async (action) => void (await goAhead(action)) };
  }

  /** Holds the change if `error` is the server's RELEASE_OWNS_FLAG (then true). */
  refuse(change: Omit<OwnedChange, 'message' | 'goAhead' | 'release'>, error: unknown, goAhead: (action: EndingAction) => Promise<unknown>): boolean {
    const release = error instanceof ApiError ? error.owningRelease : null;
    if (!release) return false;
    this.held = { ...change, release, message: (error as ApiError).message, goAhead: async (action) => void (await goAhead(action)) };
    return true;
  }

  dismiss() {
    this.held = null;
  }
}
