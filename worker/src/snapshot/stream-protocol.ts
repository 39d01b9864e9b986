// Change streams across objects: the caps, the OFREP event, and what the worker, the relays and the channel
// tell each other (docs/architecture.md, "Push").

/** Defaults of the caps, when wrangler.toml's [vars] do not set them. */
const DEFAULT_PER_ENVIRONMENT = 250_000;
const DEFAULT_PER_KEY = 200_000;
const DEFAULT_PER_RELAY = 2_000;

export interface StreamCaps {
  /** streams an environment keeps open, all relays and callers together (the dashboard's too) */
  perEnvironment: number;
  /** streams opened with one SDK key, all relays together */
  perKey: number;
  /** streams one relay object holds */
  perRelay: number;
}

const positive = (value: unknown, fallback: number) => {
  const n = Number(value);
  return Number.isSafeInteger(n) && n > 0 ? n : fallback;
};

/** The caps from the worker's vars (STREAMS_PER_ENVIRONMENT, STREAMS_PER_KEY, STREAMS_PER_RELAY). */
export function streamCaps(vars: { STREAMS_PER_ENVIRONMENT?: string; STREAMS_PER_KEY?: string; STREAMS_PER_RELAY?: string }): StreamCaps {
  return {
    perEnvironment: positive(vars.STREAMS_PER_ENVIRONMENT, DEFAULT_PER_ENVIRONMENT),
    perKey: positive(vars.STREAMS_PER_KEY, DEFAULT_PER_KEY),
    perRelay: positive(vars.STREAMS_PER_RELAY, DEFAULT_PER_RELAY),
  };
}

/** The key id counted for the dashboard's streams, which have no SDK key (SDK key ids are 16 of [a-z0-9]). */
export const DASHBOARD = '';

/** Open streams: in all, and by key id. */
export interface StreamCounts {
  total: number;
  byKey: Record<string, number>;
}

/** What a relay tells the channel of itself: its name, which instance (a restart makes a new one), its streams. */
export interface RelayReport {
  relay: string;
  instance: string;
  /** this instance's reports are numbered: of two, the higher is newer */
  n: number;
  /** the sequence number of the last admission answer whose streams `held` counts */
  applied: number;
  held: StreamCounts;
}

export interface AdmitRequest extends RelayReport {
  /** new streams waiting at the relay, by key id */
  want: Record<string, number>;
}

export interface HeadEvent {
  version: number;
  publishedAt: number;
}

export interface AdmitAnswer {
  seq: number;
  /** streams the relay may open, by key id (the first that came); the others are refused */
  granted: Record<string, number>;
  /** keys of `want` that are no longer active: refused with 401 */
  revoked: string[];
  head: HeadEvent | null;
  /** how many relays of this relay's region new streams should be spread over */
  shards: number;
}

/** What the channel sends every relay after a publish. */
export interface Delivery extends HeadEvent {
  /** keys that streams may still be open with and that the new version no longer holds: their streams close */
  revoked: string[];
}

export const refetchEvent = ({ version, publishedAt }: HeadEvent) => {
  const data = JSON.stringify({ type: 'refetchEvaluation', etag: `"v${version}"`, lastModified: Math.floor(publishedAt / 1000) });
  return `id: ${version}\nevent: message\ndata: ${data}\n\n`;
};

const between = (min: number, max: number) => Math.round(min + Math.random() * (max - min));

/**
 * `Retry-After` of a stream refused at a cap: 30–90 s, uniformly, so that the clients refused together (a
 * reconnect storm past a cap) come back spread over a minute rather than at once. OFREP providers poll meanwhile.
 */
export const capRetryAfterS = () => between(30, 90);
/** `Retry-After` when no relay had room or the channel could not be asked: soon, spread over 2–10 s. */
export const busyRetryAfterS = () => between(2, 10);
/**
 * The SSE `retry` each stream is given: how long its EventSource waits before reconnecting when the stream
 * breaks (a relay restart, a deploy). 1–5 s, uniformly: a relay's 2,000 streams come back at about 500 a second.
 */
export const reconnectMs = () => between(1000, 5000);

/** Headers between the worker and a relay. */
export const RELAY_SHARDS_HEADER = 'x-curtain-shards';
export const RELAY_FULL_HEADER = 'x-curtain-relay-full';
