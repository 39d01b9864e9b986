// The channel's side of its relays: admitting streams within the caps (counted across relays), sending each
// change to every relay that holds streams, and remembering which relays do (SQLite), across restarts.
import { regionOf, StreamLedger } from './stream-ledger';
import { DASHBOARD, type AdmitAnswer, type AdmitRequest, type Delivery, type HeadEvent, type RelayReport, type StreamCaps } from './stream-protocol';

/**
 * Before refusing a stream at a cap, the channel has the relays write to the streams counted against it, so
 * that those whose clients left without a word close first: one sweep per cap (a key's, the environment's)
 * every SWEEP_INTERVAL_MS at most, however many streams wait for it.
 */
const SWEEP_INTERVAL_MS = 1000;
/** A delivery that fails is tried again after these pauses (a relay also catches up at its next heartbeat). */
const DELIVERY_PAUSES_MS = [1000, 5000];

const isKey = (k: string) => k !== DASHBOARD;

type RelayStub = Pick<DurableObjectStub<import('./relay').StreamRelay>, 'deliver' | 'sweep' | 'counts'>;

export class ChannelRelays {
  private readonly ledger = new StreamLedger();
  /** relays named in storage */
  private readonly stored = new Set<string>();
  /** per cap swept: when the last sweep started, and the next one while it waits for its turn */
  private readonly sweeps = new Map<string, { lastStart: number; queued: Promise<void> | null }>();
  private refreshing: Promise<void> | null = null;

  constructor(
    private readonly sql: SqlStorage,
    private readonly relay: (name: string) => RelayStub,
    private readonly caps: StreamCaps,
  ) {}

  /** Reads the relays that held streams before a restart (their counts are asked for before the next admission). */
  load() {
    if (!this.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'stream_relays'").toArray().length) return;
    for (const { name } of this.sql.exec<{ name: string }>('SELECT name FROM stream_relays')) {
      this.stored.add(name);
      this.ledger.remember(name);
    }
  }

  /** Streams held, all relays together: in all, or of one key. */
  count(keyId: string | null = null) {
    return this.ledger.count(keyId);
  }

  /** Each relay the channel knows, and the streams it holds. */
  relays() {
    return this.ledger.held();
  }

  /** Grants what fits of a relay's waiting streams; when something does not, sweeps the caps it meets first. */
  async admit(request: AdmitRequest, head: () => HeadEvent | null, active: (k: string) => boolean): Promise<AdmitAnswer> {
    await this.refreshUnknown();
    this.ledger.report(request, true);
    const short = this.ledger.shortOf(request.want, this.caps, isKey);
    if (short.length) await Promise.all(short.map((k) => this.sweep(k)));
    const { seq, granted, revoked } = this.ledger.grant(request, this.caps, active, isKey);
    this.persist();
    return { seq, granted, revoked, head: head(), shards: this.ledger.shards(regionOf(request.relay), this.caps.perRelay) };
  }

  /** Sends a new version to every relay, with the keys whose streams must close (not in `activeKeys`). */
  deliver(head: HeadEvent, activeKeys: ReadonlySet<string>) {
    const delivery: Delivery = { ...head, revoked: [...this.ledger.keys()].filter((k) => isKey(k) && !activeKeys.has(k)) };
    for (const name of this.ledger.names) void this.deliverTo(name, delivery, 0);
  }

  private async deliverTo(name: string, delivery: Delivery, attempt: number): Promise<void> {
    try {
      this.take(name, await this.relay(name).deliver(delivery));
      this.persist();
    } catch (err) {
      if (attempt >= DELIVERY_PAUSES_MS.length) return console.error('curtain: a relay could not be told of a change', name, delivery.version, String(err));
      await new Promise((r) => setTimeout(r, DELIVERY_PAUSES_MS[attempt]));
      return this.deliverTo(name, delivery, attempt + 1);
    }
  }

  /**
   * Has the relays holding streams of `keyId` (all streams when null) sweep them, then takes their counts. The
   * sweep waited for starts after the call, so it sees every stream closed before: one that has not started yet
   * is joined, else the next starts SWEEP_INTERVAL_MS after the last began.
   */
  private sweep(keyId: string | null): Promise<void> {
    const scope = keyId ?? '*';
    const s = this.sweeps.get(scope) ?? { lastStart: -Infinity, queued: null };
    this.sweeps.set(scope, s);
    s.queued ??= new Promise((r) => setTimeout(r, Math.max(0, s.lastStart + SWEEP_INTERVAL_MS - Date.now()))).then(() => {
      s.queued = null;
      s.lastStart = Date.now();
      return this.ask(this.ledger.holding(keyId), (stub) => stub.sweep(keyId));
    });
    return s.queued;
  }

  /** After a restart: the counts of the relays named in storage, asked once, before the next admission. */
  private refreshUnknown(): Promise<void> {
    const unknown = this.ledger.unknown;
    if (!unknown.length) return Promise.resolve();
    this.refreshing ??= this.ask(unknown, (stub) => stub.counts()).finally(() => {
      this.refreshing = null;
      for (const name of this.ledger.unknown) this.ledger.report({ relay: name, instance: '', n: 0, applied: 0, held: { total: 0, byKey: {} } });
    });
    return this.refreshing;
  }

  private async ask(names: string[], call: (stub: RelayStub) => Promise<RelayReport>) {
    await Promise.all(
      names.map(async (name) => {
        try {
          this.take(name, await call(this.relay(name)));
        } catch (err) {
          console.error('curtain: a relay did not answer its channel', name, String(err));
        }
      }),
    );
  }

  /** A relay's report, under the name the channel called it by (a relay just restarted does not know its own yet). */
  private take(name: string, report: RelayReport) {
    this.ledger.report({ ...report, relay: name });
  }

  /** Stores the relays that hold streams, and forgets those that hold none. */
  private persist() {
    for (const name of this.ledger.idle()) {
      this.ledger.forget(name);
      if (this.stored.delete(name)) this.sql.exec('DELETE FROM stream_relays WHERE name = ?', name);
    }
    for (const name of this.ledger.names) {
      if (this.stored.has(name)) continue;
      this.sql.exec('CREATE TABLE IF NOT EXISTS stream_relays (name TEXT PRIMARY KEY)');
      this.sql.exec('INSERT OR IGNORE INTO stream_relays (name) VALUES (?)', name);
      this.stored.add(name);
    }
  }
}
