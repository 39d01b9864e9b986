// The channel's count of an environment's change streams, across its relays: what each relay reported plus
// what it was granted since, so that the caps per key and per environment are exact however many relays hold them.
import type { AdmitRequest, RelayReport, StreamCaps, StreamCounts } from './stream-protocol';

/**
 * Relays of a region are added as it fills: new streams are spread over floor(streams / (cap × FILL)) + 1
 * relays, so a region's relays stay about FILL full and a random pick seldom lands on a full one.
 */
const FILL = 0.75;

interface Entry {
  instance: string;
  /** what the relay last reported (its report number `n`), and the last admission answer it has applied */
  reported: StreamCounts;
  n: number;
  applied: number;
  /** the sequence number of the last admission answer sent to this instance */
  seq: number;
  /** grants of answers after `applied`: counted until the relay reports them applied */
  unacked: { seq: number; granted: Record<string, number> }[];
  /** false for a relay known from storage only (the channel restarted) until it reports */
  known: boolean;
}

/** A relay's name is `<environment id>:<region>:<index>`. */
export const regionOf = (relay: string) => relay.split(':')[1] ?? '';

export class StreamLedger {
  private readonly relays = new Map<string, Entry>();

  get names() {
    return [...this.relays.keys()];
  }

  get unknown() {
    return [...this.relays].filter(([, e]) => !e.known).map(([n]) => n);
  }

  /** A relay named in storage, whose streams are not known yet. */
  remember(name: string) {
    if (!this.relays.has(name)) this.relays.set(name, { instance: '', reported: { total: 0, byKey: {} }, n: 0, applied: 0, seq: 0, unacked: [], known: false });
  }

  /**
   * Takes a relay's report: the newest replaces what it reported before, and a new instance (the relay
   * restarted, its streams are gone) starts afresh. `admitting`: the report comes with an admission request. A
   * relay has one such request in flight at a time, so a grant it has not applied by then never reached it.
   */
  report(r: RelayReport, admitting = false) {
    const e = this.relays.get(r.relay);
    if (!e || e.instance !== r.instance) {
      this.relays.set(r.relay, { instance: r.instance, reported: r.held, n: r.n, applied: r.applied, seq: r.applied, unacked: [], known: true });
      return;
    }
    if (r.n > e.n) {
      e.reported = r.held;
      e.n = r.n;
    }
    e.applied = Math.max(e.applied, r.applied);
    e.unacked = admitting ? [] : e.unacked.filter((u) => u.seq > e.applied);
    e.known = true;
  }

  /** Relays that hold no stream and are owed none: the channel may forget them. */
  idle(): string[] {
    return [...this.relays].filter(([, e]) => e.known && e.reported.total === 0 && e.unacked.length === 0).map(([n]) => n);
  }

  forget(name: string) {
    this.relays.delete(name);
  }

  private heldBy(e: Entry, keyId: string | null) {
    let n = keyId === null ? e.reported.total : (e.reported.byKey[keyId] ?? 0);
    for (const u of e.unacked) for (const [k, g] of Object.entries(u.granted)) if (keyId === null || k === keyId) n += g;
    return n;
  }

  /** Streams held across relays: all (keyId null) or one key's. */
  count(keyId: string | null = null, relays: Iterable<Entry> = this.relays.values()) {
    let n = 0;
    for (const e of relays) n += this.heldBy(e, keyId);
    return n;
  }

  /** Each relay and the streams it holds. */
  held(): { relay: string; streams: number }[] {
    return [...this.relays].map(([relay, e]) => ({ relay, streams: this.heldBy(e, null) }));
  }

  /** Relays that hold streams of `keyId` (any stream when null). */
  holding(keyId: string | null): string[] {
    return [...this.relays].filter(([, e]) => this.heldBy(e, keyId) > 0).map(([n]) => n);
  }

  /** Key ids that streams are held with (the dashboard's excepted). */
  keys(): Set<string> {
    const keys = new Set<string>();
    for (const e of this.relays.values()) {
      for (const [k, n] of Object.entries(e.reported.byKey)) if (n > 0) keys.add(k);
      for (const u of e.unacked) for (const k of Object.keys(u.granted)) keys.add(k);
    }
    return keys;
  }

  /** The caps `want` would pass: null when all of it fits, else the key ids (null: the environment's) it would not fit. */
  shortOf(want: Record<string, number>, caps: StreamCaps, isKey: (k: string) => boolean): (string | null)[] {
    const short: (string | null)[] = [];
    let asked = 0;
    for (const [k, n] of Object.entries(want)) {
      asked += n;
      if (isKey(k) && this.count(k) + n > caps.perKey) short.push(k);
    }
    if (this.count() + asked > caps.perEnvironment) short.push(null);
    return short;
  }

  /**
   * Grants what fits of `request.want` (first come, key by key) and counts it as the relay's until it reports
   * it applied. The request's own report must have been taken first (`report(request, true)`). `active(k)`: whether key k may have streams (the dashboard's always may).
   */
  grant(request: AdmitRequest, caps: StreamCaps, active: (k: string) => boolean, isKey: (k: string) => boolean) {
    // forgotten as idle while its admission waited for a sweep: its request's report stands again
    if (!this.relays.has(request.relay)) this.report(request, true);
    const e = this.relays.get(request.relay)!;
    const granted: Record<string, number> = {};
    const revoked: string[] = [];
    let free = caps.perEnvironment - this.count();
    for (const [k, n] of Object.entries(request.want)) {
      if (!active(k)) {
        revoked.push(k);
        continue;
      }
      const g = Math.max(0, Math.min(n, free, isKey(k) ? caps.perKey - this.count(k) : Infinity));
      if (g > 0) granted[k] = g;
      free -= g;
    }
    const seq = ++e.seq;
    if (Object.keys(granted).length) e.unacked.push({ seq, granted });
    return { seq, granted, revoked };
  }

  /** How many relays new streams of `region` should be spread over. */
  shards(region: string, perRelay: number) {
    const inRegion = [...this.relays].filter(([n]) => regionOf(n) === region).map(([, e]) => e);
    return Math.floor(this.count(null, inRegion) / (perRelay * FILL)) + 1;
  }
}
