// EnvironmentChannel: one Durable Object per environment. It holds the newest snapshot, serves it to edge
// locations, copies it to KV, pushes change events to open streams, and counts who has applied which version.
import { DurableObject } from 'cloudflare:workers';
import { kvKey } from './format';

export interface Head {
  version: number;
  builtAt: number;
  publishedAt: number;
}

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

/** Isolates not heard from for this long no longer count as serving. */
const ISOLATE_TTL_MS = 5 * 60_000;
/** KV accepts about one write per second per key: coalesce copies. */
const KV_COPY_DELAY_MS = 1000;
const HEARTBEAT_MS = 25_000;

const encoder = new TextEncoder();

export class EnvironmentChannel extends DurableObject<Env> {
  private head: Head | null = null;
  private text: string | null = null;
  private readonly isolates = new Map<string, ApplyReport>();
  /** open change streams → the SDK key id they were opened with (null for the dashboard's) */
  private readonly streams = new Map<WritableStreamDefaultWriter<Uint8Array>, string | null>();
  private heartbeat: ReturnType<typeof setInterval> | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // Reads write nothing: an object that was never published to (an environment id that does not exist,
    // as in a forged SDK key) keeps no storage. The table is made by the first publish.
    ctx.blockConcurrencyWhile(async () => {
      const exists = ctx.storage.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'snapshot'").toArray().length > 0;
      const row = exists ? ctx.storage.sql.exec<{ version: number; built_at: number; published_at: number; body: string }>('SELECT * FROM snapshot').toArray()[0] : undefined;
      if (row) {
        this.head = { version: row.version, builtAt: row.built_at, publishedAt: row.published_at };
        this.text = row.body;
      }
    });
  }

  /** Accepts a snapshot only if it is newer than the one held, so racing publishers never go back in time. */
  async publish(body: string, version: number, builtAt: number): Promise<{ accepted: boolean; version: number }> {
    if (this.head && version <= this.head.version) return { accepted: false, version: this.head.version };
    const publishedAt = Date.now();
    this.ctx.storage.sql.exec('CREATE TABLE IF NOT EXISTS snapshot (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER, built_at INTEGER, published_at INTEGER, body TEXT)');
    this.ctx.storage.sql.exec('INSERT OR REPLACE INTO snapshot (id, version, built_at, published_at, body) VALUES (1, ?, ?, ?, ?)', version, builtAt, publishedAt, body);
    this.head = { version, builtAt, publishedAt };
    this.text = body;
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + KV_COPY_DELAY_MS);
    this.closeRevokedStreams(body);
    this.broadcast(version, publishedAt);
    return { accepted: true, version };
  }

  async getHead(): Promise<Head | null> {
    return this.head;
  }

  /** The snapshot text when it is newer than `haveVersion`, else null. */
  async read(haveVersion: number): Promise<string | null> {
    return this.head && this.head.version > haveVersion ? this.text : null;
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

  /** Copies the newest snapshot to KV, the durable copy that cold isolates read when this object is unreachable. */
  override async alarm(): Promise<void> {
    if (!this.head || !this.text) return;
    const body = JSON.parse(this.text) as { environmentId: string };
    await this.env.SNAPSHOTS.put(kvKey(body.environmentId), this.text, { metadata: { version: this.head.version } });
  }

  /**
   * A server-sent-events stream of OFREP `refetchEvaluation` events for this environment. `?key=<id>`:
   * an SDK key's stream, closed when the key is revoked; it replays the current version only to a
   * client that reconnects with an older `Last-Event-ID`. The dashboard's stream (no key) always gets it.
   */
  override async fetch(request: Request): Promise<Response> {
    const keyId = new URL(request.url).searchParams.get('key');
    const lastSeen = Number(request.headers.get('last-event-id') ?? NaN);
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const writer = writable.getWriter();
    this.streams.set(writer, keyId);
    writer.closed.catch(() => {}).finally(() => this.streams.delete(writer));
    const replay = this.head && (keyId === null || lastSeen < this.head.version);
    const hello = replay && this.head ? this.event(this.head.version, this.head.publishedAt) : '';
    writer.write(encoder.encode(`retry: 2000\n: connected\n\n${hello}`)).catch(() => this.streams.delete(writer));
    this.heartbeat ??= setInterval(() => this.send(': keep-alive\n\n'), HEARTBEAT_MS);
    return new Response(readable, {
      headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' },
    });
  }

  private event(version: number, publishedAt: number) {
    const data = JSON.stringify({ type: 'refetchEvaluation', etag: `"v${version}"`, lastModified: Math.floor(publishedAt / 1000) });
    return `id: ${version}\nevent: message\ndata: ${data}\n\n`;
  }

  private broadcast(version: number, publishedAt: number) {
    this.send(this.event(version, publishedAt));
  }

  private closeRevokedStreams(body: string) {
    const active = (JSON.parse(body) as { sdkKeys?: Record<string, unknown> }).sdkKeys ?? {};
    for (const [writer, keyId] of this.streams) {
      if (keyId !== null && !(keyId in active)) {
        this.streams.delete(writer);
        writer.close().catch(() => {});
      }
    }
  }

  private send(text: string) {
    const bytes = encoder.encode(text);
    for (const w of this.streams.keys()) w.write(bytes).catch(() => this.streams.delete(w));
    if (this.streams.size === 0 && this.heartbeat) {
      clearInterval(this.heartbeat);
      this.heartbeat = null;
    }
  }
}
