// The channel's storage: the newest envelope and the chunks it names, in SQLite rows kept below the
// platform's limit (2 MB per string or row in a SQLite-backed Durable Object), mirrored in memory.
import { pieces } from './chunks';

export interface Head {
  version: number;
  builtAt: number;
  publishedAt: number;
}

/**
 * UTF-16 code units per row: at most 3 UTF-8 bytes each, so a row stays under 2 MB whatever the text. A
 * chunk (about 512 Ki units) takes one row, seldom two; the envelope one.
 */
const ROW_CHARS = 600_000;
/** A chunk put ahead of its publish and not named by the envelope since is dropped after this long. */
const STAGED_TTL_MS = 60_000;
const ENVELOPE = '@envelope';

export class ChannelStore {
  head: Head | null = null;
  envelope: string | null = null;
  /** the chunks held (those the envelope names, and those put ahead of a publish), by id */
  readonly chunks = new Map<string, { text: string; storedAt: number }>();

  constructor(private readonly storage: DurableObjectStorage) {}

  private get sql() {
    return this.storage.sql;
  }

  private hasTable(name: string) {
    return this.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", name).toArray().length > 0;
  }

  /** Reads what is stored. Reads write nothing: an object never published to keeps no storage. */
  load() {
    if (this.hasTable('channel_head')) {
      const row = this.sql.exec<{ version: number; built_at: number; published_at: number }>('SELECT version, built_at, published_at FROM channel_head').toArray()[0];
      if (row) this.head = { version: row.version, builtAt: row.built_at, publishedAt: row.published_at };
      const texts = new Map<string, { parts: string[]; storedAt: number }>();
      for (const r of this.sql.exec<{ name: string; body: string; stored_at: number }>('SELECT name, body, stored_at FROM channel_parts ORDER BY name, seq')) {
        const t = texts.get(r.name) ?? { parts: [], storedAt: r.stored_at };
        t.parts.push(r.body);
        texts.set(r.name, t);
      }
      for (const [name, t] of texts) {
        if (name === ENVELOPE) this.envelope = t.parts.join('');
        else this.chunks.set(name, { text: t.parts.join(''), storedAt: t.storedAt });
      }
    } else if (this.hasTable('snapshot')) {
      // storage of the first format (one row, the whole snapshot): served as it is until the next publish
      const row = this.sql.exec<{ version: number; built_at: number; published_at: number; body: string }>('SELECT * FROM snapshot').toArray()[0];
      if (row) {
        this.head = { version: row.version, builtAt: row.built_at, publishedAt: row.published_at };
        this.envelope = row.body;
      }
    }
  }

  private ensureTables() {
    this.sql.exec('CREATE TABLE IF NOT EXISTS channel_head (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER, built_at INTEGER, published_at INTEGER)');
    this.sql.exec('CREATE TABLE IF NOT EXISTS channel_parts (name TEXT, seq INTEGER, body TEXT, stored_at INTEGER, PRIMARY KEY (name, seq))');
  }

  private writeText(name: string, text: string, now: number) {
    this.sql.exec('DELETE FROM channel_parts WHERE name = ?', name);
    pieces(text, ROW_CHARS).forEach((piece, seq) => this.sql.exec('INSERT INTO channel_parts (name, seq, body, stored_at) VALUES (?, ?, ?, ?)', name, seq, piece, now));
  }

  /** Stores chunks ahead of the publish that names them (content-addressed: one already held is skipped). */
  putChunks(chunks: [id: string, text: string][], now: number) {
    const fresh = chunks.filter(([id]) => !this.chunks.has(id));
    if (!fresh.length) return;
    this.storage.transactionSync(() => {
      this.ensureTables();
      for (const [id, text] of fresh) this.writeText(id, text, now);
    });
    for (const [id, text] of fresh) this.chunks.set(id, { text, storedAt: now });
  }

  missing(ids: string[]): string[] {
    return ids.filter((id) => !this.chunks.has(id));
  }

  /** Makes `envelope` the newest, in one transaction; drops the chunks it does not name (but recent puts). */
  commit(head: Head, envelope: string, named: ReadonlySet<string>, now: number) {
    const dropped = [...this.chunks].filter(([id, c]) => !named.has(id) && now - c.storedAt >= STAGED_TTL_MS).map(([id]) => id);
    this.storage.transactionSync(() => {
      this.ensureTables();
      this.sql.exec('INSERT OR REPLACE INTO channel_head (id, version, built_at, published_at) VALUES (1, ?, ?, ?)', head.version, head.builtAt, head.publishedAt);
      this.writeText(ENVELOPE, envelope, now);
      for (const id of dropped) this.sql.exec('DELETE FROM channel_parts WHERE name = ?', id);
      this.sql.exec('DROP TABLE IF EXISTS snapshot');
    });
    for (const id of dropped) this.chunks.delete(id);
    this.head = head;
    this.envelope = envelope;
  }
}
