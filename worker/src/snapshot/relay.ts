// StreamRelay: a Durable Object that holds up to STREAMS_PER_RELAY of an environment's change streams, near
// their clients. The channel admits each stream (the caps are counted across relays) and sends every relay
// each change; the relay writes it to its streams.
import { DurableObject } from 'cloudflare:workers';
import { channelOf } from './publish';
import { RelayAdmission } from './relay-admission';
import { StreamHub } from './stream-hub';
import {
  busyRetryAfterS,
  capRetryAfterS,
  DASHBOARD,
  type AdmitAnswer,
  type Delivery,
  type HeadEvent,
  type RelayReport,
  reconnectMs,
  refetchEvent,
  RELAY_FULL_HEADER,
  RELAY_SHARDS_HEADER,
  streamCaps,
  type StreamCaps,
} from './stream-protocol';

/** Keep-alive comments, and a report to the channel (which also brings any change this relay missed). */
const HEARTBEAT_MS = 25_000;
/** How long a sweep waits after writing for the streams of clients that are gone to close. */
const SWEEP_SETTLE_MS = 100;
/** Revoked keys remembered, to refuse a grant that crossed their revocation on the way. */
const REVOKED_KEPT = 1000;

const bare = (status: number, headers: Record<string, string> = {}) => new Response(null, { status, headers: { 'cache-control': 'no-store', ...headers } });

export class StreamRelay extends DurableObject<Env> {
  private readonly instance = crypto.randomUUID();
  private readonly caps: StreamCaps;
  private readonly hub: StreamHub;
  private readonly admission: RelayAdmission;
  /** `<environment id>:<region>:<index>`, and the environment: known from the first stream asked for */
  private name = '';
  private environmentId = '';
  private reports = 0;
  private head: HeadEvent | null = null;
  private shards = 1;
  private readonly revoked = new Set<string>();
  private heartbeat: ReturnType<typeof setInterval> | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.caps = streamCaps(env);
    this.hub = new StreamHub(() => this.admission.touch());
    this.admission = new RelayAdmission({
      admit: (request) => channelOf(this.env, this.environmentId).admitStreams(request),
      report: () => this.reportNow(),
      answered: (answer) => this.answered(answer),
      isRevoked: (keyId) => this.revoked.has(keyId),
    });
  }

  /**
   * A stream: `?environment=&relay=<name>[&key=<SDK key id>]` (no key: the dashboard's). Answers it, or 401 (the
   * key was revoked), 429 (a cap), 503 with RELAY_FULL_HEADER (this relay is full: the worker tries another).
   */
  override async fetch(request: Request): Promise<Response> {
    const params = new URL(request.url).searchParams;
    const environmentId = params.get('environment');
    const name = params.get('relay');
    if (!environmentId || !name) return bare(400);
    this.environmentId = environmentId;
    this.name = name;
    if (this.hub.size + this.admission.pending >= this.caps.perRelay) return bare(503, { [RELAY_FULL_HEADER]: '1', [RELAY_SHARDS_HEADER]: String(this.shards) });
    const keyId = params.get('key') ?? DASHBOARD;
    const lastSeen = Number(request.headers.get('last-event-id') ?? NaN);
    const outcome = await this.admission.request(keyId, () => {
      // the dashboard's stream always starts with the current version; an SDK key's only after a missed one
      const replay = this.head && (keyId === DASHBOARD || lastSeen < this.head.version);
      const response = this.hub.open(keyId, replay && this.head ? refetchEvent(this.head) : '', reconnectMs());
      response.headers.set(RELAY_SHARDS_HEADER, String(this.shards));
      return response;
    });
    if (outcome.kind === 'granted') {
      this.heartbeat ??= setInterval(() => this.beat(), HEARTBEAT_MS);
      return outcome.response;
    }
    if (outcome.kind === 'revoked') return bare(401);
    if (outcome.kind === 'cap') return bare(429, { 'retry-after': String(capRetryAfterS()) });
    return bare(503, { 'retry-after': String(busyRetryAfterS()) });
  }

  /** A change: closes the streams of revoked keys, then tells the others (once per version). */
  async deliver(delivery: Delivery): Promise<RelayReport> {
    this.forgetKeys(delivery.revoked);
    this.advance(delivery);
    return this.reportNow();
  }

  /** Writes to the streams of `keyId` (all when null) so that those whose clients are gone close; then reports. */
  async sweep(keyId: string | null): Promise<RelayReport> {
    await this.hub.sweep(keyId, SWEEP_SETTLE_MS);
    return this.reportNow();
  }

  async counts(): Promise<RelayReport> {
    return this.reportNow();
  }

  private reportNow() {
    return { relay: this.name, instance: this.instance, n: ++this.reports, applied: this.admission.applied, held: this.hub.counts() };
  }

  private answered(answer: AdmitAnswer) {
    this.shards = answer.shards;
    this.forgetKeys(answer.revoked);
    if (answer.head) this.advance(answer.head);
  }

  /** A newer version: sent to the streams open (when it comes with an admission, before its streams open). */
  private advance(head: HeadEvent) {
    if (this.head && head.version <= this.head.version) return;
    this.head = { version: head.version, publishedAt: head.publishedAt };
    this.hub.send(refetchEvent(this.head));
  }

  private forgetKeys(keyIds: string[]) {
    for (const k of keyIds) {
      this.revoked.delete(k);
      this.revoked.add(k);
      if (this.revoked.size > REVOKED_KEPT) this.revoked.delete(this.revoked.values().next().value!);
    }
    this.hub.closeKeys(new Set(keyIds));
  }

  private beat() {
    if (this.hub.size === 0 && this.admission.pending === 0) {
      clearInterval(this.heartbeat!);
      this.heartbeat = null;
    } else this.hub.send(': keep-alive\n\n');
    this.admission.touch();
  }
}
