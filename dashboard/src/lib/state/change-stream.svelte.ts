// An environment's change stream, kept open: reconnects with backoff, reports each newer version once.
import type { Api } from '../api';

export type StreamState = 'connecting' | 'live' | 'reconnecting' | 'stopped';

const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 15_000;

export class ChangeStream {
  state = $state<StreamState>('connecting');
  /** the newest version the stream announced */
  version = $state<number | null>(null);

  #abort: AbortController | null = null;

  /**
   * @param onversion called with each version newer than any seen before, including the current one
   *   the server announces on every (re)connection, so nothing is missed while disconnected
   */
  constructor(
    private readonly api: Api,
    readonly project: string,
    readonly env: string,
    private readonly onversion: (version: number) => void
  ) {}

  start() {
    this.stop();
    const abort = (this.#abort = new AbortController());
    this.state = 'connecting';
    void this.run(abort.signal);
  }

  stop() {
    this.#abort?.abort();
    this.#abort = null;
    this.state = 'stopped';
  }

  private async run(signal: AbortSignal) {
    let retryMs = FIRST_RETRY_MS;
    while (!signal.aborted) {
      try {
        const events = await this.api.changes(this.project, this.env, signal);
        this.state = 'live';
        retryMs = FIRST_RETRY_MS;
        for await (const { version } of events) {
          if (signal.aborted) return;
          if (this.version !== null && version <= this.version) continue;
          this.version = version;
          this.onversion(version);
        }
      } catch {
        // the stream failed or was refused: retry below (a refused token signs out, which stops us)
      }
      if (signal.aborted) return;
      this.state = 'reconnecting';
      await sleep(retryMs, signal);
      retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
    }
  }
}

function sleep(ms: number, signal: AbortSignal) {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}
