// EnvironmentChannel: one Durable Object per environment. It holds the newest snapshot, serves it to edge
// locations, copies it to KV, admits change streams and sends each change to the relays that hold them, and
// counts who has applied which version.
import { DurableObject } from 'cloudflare:workers';
import { ChannelRelays } from './channel-relays';
import { ChannelStore, type Head } from './channel-store';
import type { Envelope } from './format';
import { copyToKv } from './kv-copy';
import { DASHBOARD, streamCaps, type AdmitAnswer, type AdmitRequest } from './stream-protocol';

export type { Head } from './channel-store';

export interface ApplyReport {
  location: string;
  isolate: string;
  version: number;
  appliedAt: number;
}

export interface PropagationStatus extends Head {
  locations: { location: string; isolates: number; appliedIsolates: number; lastAppliedAt: number | null }[];
  applied: { locations: number; isolates: number; ofLocations: number; ofIsolates: number };
  lastAppliedAt: number | null;
}

export interface PublishAnswer {
  accepted: boolean;
  /** the version the channel holds after the call (-1: none) */
  version: number;
  /** chunks the envelope names that the channel does not hold: put them (putChunks), then publish again */
  missing?: string[];
}

/** Isolates not heard from for this long no longer count as serving. */
const ISOLATE_TTL_MS = 5 * 60_000;
/** KV accepts about one write per second per key: coalesce copies. */
const KV_COPY_DELAY_MS = 1000;
const KV_RETRY_MS = 10_000;

/** The chunk ids an envelope names (none for a format-1 snapshot, which holds its flags itself). */
const namedChunks = (envelope: Partial<Envelope>) => (Array.isArray(envelope.chunks) ? envelope.chunks.map((c) => c.id) : []);

export class EnvironmentChannel extends DurableObject<Env> {
  private readonly store: ChannelStore;
  private readonly isolates = new Map<string, ApplyReport>();
  private readonly relays: ChannelRelays;
  /** the SDK key ids of the newest snapshot, and its version */
  private activeKeys: { version: number; ids: ReadonlySet<string> } | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new ChannelStore(ctx.storage);
    this.relays = new ChannelRelays(ctx.storage.sql, (name) => env.RELAYS.get(env.RELAYS.idFromName(name)), streamCaps(env));
    ctx.blockConcurrencyWhile(async () => {
      this.store.load();
      this.relays.load();
    });
  }

  private get head() {
    return this.store.head;
  }

  /**
   * Accepts a snapshot only if it is newer than the one held, so racing publishers never go back in time,
   * and only once it holds every chunk the envelope names (`chunks`: some or all of them, sent along).
   */
  async publish(envelope: string, version: number, builtAt: number, chunks: [string, string][] = []): Promise<PublishAnswer> {
    if (this.head && version <= this.head.version) return { accepted: false, version: this.head.version };
    const parsed = JSON.parse(envelope) as Partial<Envelope>;
    const now = Date.now();
    this.store.putChunks(chunks, now);
    const ids = namedChunks(parsed);
    const missing = this.store.missing(ids);
    if (missing.length) return { accepted: false, version: this.head?.version ?? -1, missing };
    const head = { version, builtAt, publishedAt: now };
    this.store.commit(head, envelope, new Set(ids), now);
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + KV_COPY_DELAY_MS);
    this.activeKeys = { version, ids: new Set(Object.keys(parsed.sdkKeys ?? {})) };
    this.relays.deliver({ version, publishedAt: now }, this.activeKeys.ids);
    return { accepted: true, version };
  }

  /** The ids of `ids` that the channel does not hold. */
  async missingChunks(ids: string[]): Promise<string[]> {
    return this.store.missing(ids);
  }

  /** Chunks for a publish to come, sent ahead when they would not fit in one call with it. */
  async putChunks(chunks: [string, string][]): Promise<void> {
    this.store.putChunks(chunks, Date.now());
  }

  async getHead(): Promise<Head | null> {
    return this.head;
  }

  /** The envelope's text when it is newer than `haveVersion`, else null. */
  async read(haveVersion: number): Promise<string | null> {
    return this.head && this.head.version > haveVersion ? this.store.envelope : null;
  }

  /** The texts of chunks by id; null for one not held (the channel has moved on: read the envelope again). */
  async readChunks(ids: string[]): Promise<(string | null)[]> {
    return ids.map((id) => this.store.chunks.get(id)?.text ?? null);
  }

  async reportApplied(report: ApplyReport): Promise<void> {
    const prev = this.isolates.get(report.isolate);
    if (!prev || prev.version <= report.version) this.isolates.set(report.isolate, report);
  }

  async status(now = Date.now()): Promise<PropagationStatus | null> {
    if (!this.head) return null;
    const byLocation = new Map<string, { isolates: number; applied: number; last: number | null }>();
    let lastAppliedAt: number | null = null;
    for (const [id, r] of this.isolates) {
      if (now - r.appliedAt > ISOLATE_TTL_MS && r.version < this.head.version) {
        this.isolates.delete(id);
        continue;
      }
      const loc = byLocation.get(r.location) ?? { isolates: 0, applied: 0, last: null };
      loc.isolates++;
      if (r.version >= this.head.version) {
        loc.applied++;
        loc.last = Math.max(loc.last ?? 0, r.appliedAt);
        lastAppliedAt = Math.max(lastAppliedAt ?? 0, r.appliedAt);
      }
      byLocation.set(r.location, loc);
    }
    const locations = [...byLocation].map(([location, l]) => ({ location, isolates: l.isolates, appliedIsolates: l.applied, lastAppliedAt: l.last }));
    return {
      ...this.head,
      locations,
      applied: {
        locations: locations.filter((l) => l.appliedIsolates === l.isolates).length,
        isolates: locations.reduce((n, l) => n + l.appliedIsolates, 0),
        ofLocations: locations.length,
        ofIsolates: locations.reduce((n, l) => n + l.isolates, 0),
      },
      lastAppliedAt,
    };
  }

  /**
   * Copies the newest snapshot to KV, the durable copy that cold isolates read when this object is unreachable.
   * KV failing: tried again every KV_RETRY_MS for as long as it fails (the runtime's own alarm retries stop after six).
   */
  override async alarm(): Promise<void> {
    const envelope = this.store.envelope;
    if (!this.head || envelope === null) return;
    const parsed = JSON.parse(envelope) as Partial<Envelope> & { environmentId: string };
    const version = this.head.version;
    let next: number | null;
    try {
      const copy = { environmentId: parsed.environmentId, version, envelope, ids: namedChunks(parsed), textOf: (id: string) => this.store.chunks.get(id)?.text };
      next = await copyToKv(this.env.SNAPSHOTS, this.ctx.storage.sql, copy, Date.now());
      // a newer version arrived during the copy: its own alarm was skipped (this one was running), so copy again soon
      if (this.head.version !== version) next = Date.now() + KV_COPY_DELAY_MS;
    } catch (err) {
      console.error('curtain: copying the snapshot to KV failed, trying again', parsed.environmentId, String(err));
      next = Date.now() + KV_RETRY_MS;
    }
    if (next !== null && (await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(next);
  }

  /**
   * A relay's streams waiting to open, with its counts: what the caps allow (wrangler.toml: STREAMS_PER_ENVIRONMENT,
   * STREAMS_PER_KEY, counted across relays), refusing keys the newest snapshot no longer holds.
   */
  async admitStreams(request: AdmitRequest): Promise<AdmitAnswer> {
    const head = () => (this.head ? { version: this.head.version, publishedAt: this.head.publishedAt } : null);
    return this.relays.admit(request, head, (keyId) => this.isActive(keyId));
  }

  /** Streams held across the relays: in all, or with one key. */
  async streamCount(keyId: string | null = null): Promise<number> {
    return this.relays.count(keyId);
  }

  /** The relays holding the environment's streams, and how many each holds. */
  async streamRelays(): Promise<{ relay: string; streams: number }[]> {
    return this.relays.relays();
  }

  /** Whether streams may be opened with `keyId`: a key of the newest snapshot (with none yet, the edge's word stands). */
  private isActive(keyId: string) {
    if (keyId === DASHBOARD || !this.head || this.store.envelope === null) return true;
    if (this.activeKeys?.version !== this.head.version) {
      const parsed = JSON.parse(this.store.envelope) as Partial<Envelope>;
      this.activeKeys = { version: this.head.version, ids: new Set(Object.keys(parsed.sdkKeys ?? {})) };
    }
    return this.activeKeys.ids.has(keyId);
  }
}
