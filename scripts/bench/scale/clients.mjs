// Change-stream clients for bench:scale: opened a few at a time (as a reconnect storm would arrive), each
// recording when every refetchEvaluation event reached it; a refused stream (503: no relay had room at once,
// 429: a cap) or a connection that failed is tried again shortly, as the bench wants every stream open.
import { request } from 'node:http';

export class StreamClients {
  clients = [];
  refused = { 429: 0, 503: 0, other: 0, errors: 0 };
  #open = new Set();

  constructor(url) {
    this.url = url;
  }

  /** Opens `count` more streams, `concurrency` at a time; returns how long it took (ms). */
  async open(count, concurrency = 64) {
    const t0 = Date.now();
    let next = 0;
    const worker = async () => {
      while (next < count) {
        next++;
        await this.#openOne();
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
    return Date.now() - t0;
  }

  async #openOne() {
    for (let attempt = 0; ; attempt++) {
      const status = await this.#connect().catch(() => 'error');
      if (status === 200) return;
      this.refused[status === 'error' ? 'errors' : status === 429 || status === 503 ? status : 'other']++;
      if (attempt > 50) throw new Error(`a stream was refused ${attempt} times (last ${status})`);
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 80));
    }
  }

  /** One GET on its own connection (agent: false), as each browser has; resolves with its status. */
  #connect() {
    return new Promise((resolve, reject) => {
      const req = request(this.url, { agent: false, headers: { accept: 'text/event-stream' } }, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          return resolve(res.statusCode);
        }
        this.#follow(req, res);
        resolve(200);
      });
      req.on('error', reject);
      req.end();
    });
  }

  #follow(req, res) {
    const client = { events: new Map(), ended: false };
    this.clients.push(client);
    this.#open.add(req);
    res.setEncoding('utf8');
    let buffer = '';
    res.on('data', (value) => {
      buffer += value;
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const id = /^id: (\d+)$/m.exec(event);
        if (id && event.includes('refetchEvaluation')) client.events.set(Number(id[1]), performance.now());
      }
    });
    const ended = () => {
      client.ended = true;
      this.#open.delete(req);
    };
    res.on('end', ended);
    res.on('error', ended);
    req.on('error', ended);
  }

  /** Resolves when every open stream has event `version`, or after `timeoutMs`; returns how many have it. */
  async waitFor(version, timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const have = this.clients.filter((c) => c.events.has(version)).length;
      if (have === this.clients.length || Date.now() > deadline) return have;
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Milliseconds from `t0` (performance.now()) to event `version` at each stream that has it. */
  delays(version, t0) {
    return this.clients.filter((c) => c.events.has(version)).map((c) => c.events.get(version) - t0);
  }

  /** Closes every stream (the clients go away). */
  close() {
    for (const req of this.#open) req.destroy();
    this.#open.clear();
  }
}
