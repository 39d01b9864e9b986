// The change streams one relay holds: opening one (the caps were checked by the channel), pushing OFREP events
// and keep-alives, closing the streams of revoked keys, and finding the streams whose clients are gone.
import { type StreamCounts } from './stream-protocol';

const encoder = new TextEncoder();
const PING = encoder.encode(': ping\n\n');

type Writer = WritableStreamDefaultWriter<Uint8Array>;

export class StreamHub {
  /** open streams → the key id they were opened with (DASHBOARD for the dashboard's) */
  private readonly streams = new Map<Writer, string>();
  private readonly perKey = new Map<string, number>();

  /** `onClose`: a stream closed (its client left, or it was closed here), so the counts changed */
  constructor(private readonly onClose: () => void) {}

  get size() {
    return this.streams.size;
  }

  counts(): StreamCounts {
    return { total: this.streams.size, byKey: Object.fromEntries(this.perKey) };
  }

  /** A new stream that tells its client to reconnect after `retryMs` when it breaks, then sends `hello`. */
  open(keyId: string, hello: string, retryMs: number): Response {
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const writer = writable.getWriter();
    this.streams.set(writer, keyId);
    this.perKey.set(keyId, (this.perKey.get(keyId) ?? 0) + 1);
    writer.closed.catch(() => {}).finally(() => this.drop(writer));
    writer.write(encoder.encode(`retry: ${retryMs}\n: connected\n\n${hello}`)).catch(() => this.drop(writer));
    return new Response(readable, {
      headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' },
    });
  }

  /** Closes the streams opened with any of `keyIds`. */
  closeKeys(keyIds: ReadonlySet<string>) {
    if (!keyIds.size) return;
    for (const [writer, keyId] of this.streams) {
      if (!keyIds.has(keyId)) continue;
      this.drop(writer);
      writer.close().catch(() => {});
    }
  }

  send(text: string) {
    this.write(encoder.encode(text), null);
  }

  /**
   * Writes a comment to the streams of `keyId` (all when null) and waits `settleMs`. A client that went away
   * without a word (its socket closed, a tab gone) is noticed only when something is written to its stream:
   * the write fails, its stream closes and gives its place back.
   */
  async sweep(keyId: string | null, settleMs: number) {
    this.write(PING, keyId);
    await new Promise((r) => setTimeout(r, settleMs));
  }

  private write(bytes: Uint8Array, keyId: string | null) {
    for (const [w, k] of this.streams) if (keyId === null || k === keyId) w.write(bytes).catch(() => this.drop(w));
  }

  private drop(writer: Writer) {
    const keyId = this.streams.get(writer);
    if (keyId === undefined) return;
    this.streams.delete(writer);
    const n = (this.perKey.get(keyId) ?? 1) - 1;
    if (n > 0) this.perKey.set(keyId, n);
    else this.perKey.delete(keyId);
    this.onClose();
  }
}
