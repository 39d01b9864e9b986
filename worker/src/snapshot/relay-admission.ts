// A relay's side of admission: the streams waiting to open are sent to the channel in batches (one request in
// flight, at most one every SYNC_GAP_MS), with the relay's counts, and opened or refused on its answer.
import type { AdmitAnswer, AdmitRequest, RelayReport } from './stream-protocol';

/**
 * A relay asks the channel at most this often: a stream that comes after a quiet moment is asked for at once,
 * the streams of a reconnect storm wait at most this long, together. 150 relays make at most 600 calls a second.
 */
export const SYNC_GAP_MS = 250;

export type Outcome = { kind: 'granted'; response: Response } | { kind: 'cap' | 'revoked' | 'unavailable' };

interface Waiting {
  keyId: string;
  open: () => Response;
  resolve: (outcome: Outcome) => void;
}

export interface AdmissionDeps {
  admit(request: AdmitRequest): Promise<AdmitAnswer>;
  /** the relay's report, but for `applied` */
  report(): Omit<RelayReport, 'applied'>;
  /** the channel answered (before any stream of the batch opens) */
  answered(answer: AdmitAnswer): void;
  isRevoked(keyId: string): boolean;
}

export class RelayAdmission {
  /** the sequence number of the last answer whose streams are open */
  applied = 0;
  private waiting: Waiting[] = [];
  private running = false;
  private dirty = false;
  private lastStart = -Infinity;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly deps: AdmissionDeps) {}

  get pending() {
    return this.waiting.length;
  }

  /** Waits for the channel's word on one stream; `open` makes it when granted. */
  request(keyId: string, open: () => Response): Promise<Outcome> {
    return new Promise((resolve) => {
      this.waiting.push({ keyId, open, resolve });
      this.schedule();
    });
  }

  /** The relay's counts changed (a stream closed) or it wants the channel's head: report soon. */
  touch() {
    this.dirty = true;
    this.schedule();
  }

  private schedule() {
    if (this.running || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.run();
    }, Math.max(0, this.lastStart + SYNC_GAP_MS - Date.now()));
  }

  private async run() {
    this.running = true;
    this.dirty = false;
    this.lastStart = Date.now();
    const batch = this.waiting.splice(0);
    const want: Record<string, number> = {};
    for (const w of batch) want[w.keyId] = (want[w.keyId] ?? 0) + 1;
    try {
      const answer = await this.deps.admit({ ...this.deps.report(), applied: this.applied, want });
      this.deps.answered(answer);
      const left: Record<string, number> = { ...answer.granted };
      for (const w of batch) {
        if (this.deps.isRevoked(w.keyId) || answer.revoked.includes(w.keyId)) w.resolve({ kind: 'revoked' });
        else if ((left[w.keyId] ?? 0) > 0) {
          left[w.keyId]--;
          w.resolve({ kind: 'granted', response: w.open() });
        } else w.resolve({ kind: 'cap' });
      }
      // the streams are open: the next report counts them, and the channel stops counting the grant apart
      this.applied = answer.seq;
    } catch (err) {
      console.error('curtain: a relay could not reach its channel', String(err));
      for (const w of batch) w.resolve({ kind: 'unavailable' });
    } finally {
      this.running = false;
      if (this.waiting.length || this.dirty) this.schedule();
    }
  }
}
