// The change streams an environment's channel keeps open: opening one within the caps, pushing OFREP
// `refetchEvaluation` events and keep-alives, and closing the streams of revoked keys.

/** Streams past a cap are refused with 429; a client may try again after this many seconds (OFREP providers poll meanwhile). */
export const STREAM_RETRY_AFTER_S = 60;
const HEARTBEAT_MS = 25_000;
/** Defaults of the caps, when wrangler.toml's [vars] do not set them. */
const DEFAULT_PER_ENVIRONMENT = 5000;
const DEFAULT_PER_KEY = 1000;

const encoder = new TextEncoder();

export interface StreamCaps {
  /** streams the environment's channel keeps open, all callers together (the dashboard's too) */
  perEnvironment: number;
  /** streams opened with one SDK key */
  perKey: number;
}

const positive = (value: unknown, fallback: number) => {
  const n = Number(value);
  return Number.isSafeInteger(n) && n > 0 ? n : fallback;
};

/** The caps from the worker's vars (STREAMS_PER_ENVIRONMENT, STREAMS_PER_KEY). */
export function streamCaps(vars: { STREAMS_PER_ENVIRONMENT?: string; STREAMS_PER_KEY?: string }): StreamCaps {
  return { perEnvironment: positive(vars.STREAMS_PER_ENVIRONMENT, DEFAULT_PER_ENVIRONMENT), perKey: positive(vars.STREAMS_PER_KEY, DEFAULT_PER_KEY) };
}

export const refetchEvent = (version: number, publishedAt: number) => {
  const data = JSON.stringify({ type: 'refetchEvaluation', etag: `"v${version}"`, lastModified: Math.floor(publishedAt / 1000) });
  return `id: ${version}\nevent: message\ndata: ${data}\n\n`;
};

export class StreamHub {
  /** open streams → the SDK key id they were opened with (null for the dashboard's) */
  private readonly streams = new Map<WritableStreamDefaultWriter<Uint8Array>, string | null>();
  private readonly perKey = new Map<string, number>();
  private heartbeat: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly caps: StreamCaps) {}

  get size() {
    return this.streams.size;
  }

  /** A new stream that starts with `hello`, or a 429 when a cap is reached. */
  open(keyId: string | null, hello: string): Response {
    if (this.streams.size >= this.caps.perEnvironment || (keyId !== null && (this.perKey.get(keyId) ?? 0) >= this.caps.perKey)) {
      return new Response(null, { status: 429, headers: { 'retry-after': String(STREAM_RETRY_AFTER_S), 'cache-control': 'no-store' } });
    }
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const writer = writable.getWriter();
    this.streams.set(writer, keyId);
    if (keyId !== null) this.perKey.set(keyId, (this.perKey.get(keyId) ?? 0) + 1);
    writer.closed.catch(() => {}).finally(() => this.drop(writer));
    writer.write(encoder.encode(`retry: 2000\n: connected\n\n${hello}`)).catch(() => this.drop(writer));
    this.heartbeat ??= setInterval(() => this.send(': keep-alive\n\n'), HEARTBEAT_MS);
    return new Response(readable, {
      headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' },
    });
  }

  /** Closes the streams of SDK keys that are no longer active. */
  closeRevoked(active: Record<string, unknown>) {
    for (const [writer, keyId] of this.streams) {
      if (keyId !== null && !Object.prototype.hasOwnProperty.call(active, keyId)) {
        this.drop(writer);
        writer.close().catch(() => {});
      }
    }
  }

  send(text: string) {
    const bytes = encoder.encode(text);
    for (const w of this.streams.keys()) w.write(bytes).catch(() => this.drop(w));
    if (this.streams.size === 0 && this.heartbeat) {
      clearInterval(this.heartbeat);
      this.heartbeat = null;
    }
  }

  private drop(writer: WritableStreamDefaultWriter<Uint8Array>) {
    if (!this.streams.has(writer)) return;
    const keyId = this.streams.get(writer)!;
    this.streams.delete(writer);
    if (keyId === null) return;
    const n = (this.perKey.get(keyId) ?? 1) - 1;
    if (n > 0) this.perKey.set(keyId, n);
    else this.perKey.delete(keyId);
  }
}
