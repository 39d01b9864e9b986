// Tracking events (POST /v1/track) in the environment's ReleaseClock: per release, metric and side, the users who sent
// the event (a rate's numerator, once per user) and the sum of its values (a mean); a per-key cap per minute.
import type { Side } from '../measure/exposure-types';

/** Events one SDK key may send per minute (docs/limits.md), over all its users and releases. */
export const TRACK_KEY_LIMIT_PER_MINUTE = 600;
/** Users kept per release, metric and side: past it an event still counts toward a mean, not toward a rate. */
export const TRACK_USERS_PER_SIDE = 200_000;

export interface TrackedEvent {
  release: string;
  side: Side;
  /** a keyed hash of the user's bucketing value: never the value itself */
  user: string;
  metric: string;
  value: number | null;
}

export interface SideStats {
  /** users with the event */
  users: number;
  /** events with a value, their sum and sum of squares */
  n: number;
  sum: number;
  sumsq: number;
}

export class TrackLedger {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS track_users (release TEXT NOT NULL, metric TEXT NOT NULL, side TEXT NOT NULL, user TEXT NOT NULL, PRIMARY KEY (release, metric, side, user)) WITHOUT ROWID`);
    sql.exec(`CREATE TABLE IF NOT EXISTS track_values (release TEXT NOT NULL, metric TEXT NOT NULL, side TEXT NOT NULL, users INTEGER NOT NULL DEFAULT 0, n INTEGER NOT NULL DEFAULT 0, sum REAL NOT NULL DEFAULT 0, sumsq REAL NOT NULL DEFAULT 0, PRIMARY KEY (release, metric, side)) WITHOUT ROWID`);
    sql.exec(`CREATE TABLE IF NOT EXISTS track_keys (key_id TEXT NOT NULL, minute INTEGER NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (key_id, minute)) WITHOUT ROWID`);
  }

  /** Records one request's events unless the key is at its cap for the minute (then nothing is written). */
  record(keyId: string, minute: number, events: TrackedEvent[]): 'ok' | 'key-limit' {
    const used = this.sql.exec<{ n: number }>(`SELECT n FROM track_keys WHERE key_id = ? AND minute = ?`, keyId, minute).toArray()[0]?.n ?? 0;
    if (used >= TRACK_KEY_LIMIT_PER_MINUTE) return 'key-limit';
    this.sql.exec(`INSERT INTO track_keys (key_id, minute, n) VALUES (?, ?, 1) ON CONFLICT DO UPDATE SET n = n + 1`, keyId, minute);
    this.sql.exec(`DELETE FROM track_keys WHERE minute < ?`, minute - 60_000);
    for (const e of events) {
      this.sql.exec(`INSERT INTO track_values (release, metric, side) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, e.release, e.metric, e.side);
      const stats = this.sql.exec<{ users: number }>(`SELECT users FROM track_values WHERE release = ? AND metric = ? AND side = ?`, e.release, e.metric, e.side).one();
      if (stats.users < TRACK_USERS_PER_SIDE) {
        const added = this.sql.exec(`INSERT INTO track_users (release, metric, side, user) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`, e.release, e.metric, e.side, e.user).rowsWritten;
        if (added > 0) this.sql.exec(`UPDATE track_values SET users = users + 1 WHERE release = ? AND metric = ? AND side = ?`, e.release, e.metric, e.side);
      }
      if (e.value !== null) {
        this.sql.exec(`UPDATE track_values SET n = n + 1, sum = sum + ?, sumsq = sumsq + ? WHERE release = ? AND metric = ? AND side = ?`, e.value, e.value * e.value, e.release, e.metric, e.side);
      }
    }
    return 'ok';
  }

  stats(release: string, metric: string): Record<Side, SideStats> {
    const out: Record<Side, SideStats> = { inside: { users: 0, n: 0, sum: 0, sumsq: 0 }, outside: { users: 0, n: 0, sum: 0, sumsq: 0 } };
    for (const r of this.sql.exec<{ side: string; users: number; n: number; sum: number; sumsq: number }>(`SELECT side, users, n, sum, sumsq FROM track_values WHERE release = ? AND metric = ?`, release, metric)) {
      out[r.side as Side] = { users: r.users, n: r.n, sum: r.sum, sumsq: r.sumsq };
    }
    return out;
  }

  forget(release: string): void {
    this.sql.exec(`DELETE FROM track_users WHERE release = ?`, release);
    this.sql.exec(`DELETE FROM track_values WHERE release = ?`, release);
  }
}
