// The dormant-code guard in the dashboard: an action the API refused with 409 DORMANT_CODE is kept, with the flags
// and the reason, until the person either lets it go or goes ahead anyway (the same request with `?force=true`).
import { ApiError } from '../api';

export interface Refused {
  /** what was being done, e.g. "switching checkout-v2 on in Production" */
  doing: string;
  /** the flags no recorded deployment uses */
  flags: string[];
  /** the API's explanation */
  message: string;
  /** repeats the action with `force` */
  goAhead: () => Promise<void>;
}

export class DormantGuard {
  refused = $state<Refused | null>(null);

  /**
   * Runs `attempt(false)`; if the guard refuses, keeps it for the warning and resolves false (true when done).
   * Any other error is thrown as it is.
   */
  async run(doing: string, attempt: (force: boolean) => Promise<unknown>): Promise<boolean> {
    try {
      await attempt(false);
      return true;
    } catch (error) {
      if (!this.refuse(doing, error, () => attempt(true))) throw error;
      return false;
    }
  }

  /** Keeps `error` for the warning if it is the guard's (then true), with what going ahead does. */
  refuse(doing: string, error: unknown, goAhead: () => Promise<unknown>): boolean {
    const flags = error instanceof ApiError ? error.dormantFlags : null;
    if (!flags) return false;
    this.refused = {
      doing,
      flags,
      message: (error as ApiError).message,
      goAhead: async () => {
        await goAhead();
        this.refused = null;
      }
    };
    return true;
  }

  dismiss() {
    this.refused = null;
  }
}
