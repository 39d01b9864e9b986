// The local exposure store, in the environment's ReleaseClock (SQLite-backed Durable Object): per-minute counts (the
// offline backend, under `npm start` and in tests) and, in every deployment, the release sides' user sketches.
import { HyperLogLog } from '../measure/hyperloglog';
import { foldMinutes, MINUTE, type ExposureBatch, type ExposureMinute, type FlagUsage, type UserSet } from '../measure/exposure-types';

/** Per-minute counts kept (the flag list's 24 hours and a week of history). */
const COUNT_DAYS = 8;
/** Users served inside a release that are remembered (their feedback may count toward a guardrail). */
export const SERVED_PER_RELEASE = 1_000_000;
/** Per-minute user sketches kept: the release view's last hour, and a margin. */
const SKETCH_MINUTES = 120;

export class ExposureLedger {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS exposure_minutes (flag TEXT NOT NULL, variant TEXT NOT NULL, side TEXT NOT NULL, minute INTEGER NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (flag, minute, variant, side)) WITHOUT ROWID`);
    sql.exec(`CREATE TABLE IF NOT EXISTS flag_last_seen (flag TEXT PRIMARY KEY, minute INTEGER NOT NULL) WITHOUT ROWID`);
    // minute -1: every user since the sketches began (the guardrails' cumulative sample)
    sql.exec(`CREATE TABLE IF NOT EXISTS served_inside (release TEXT NOT NULL, token TEXT NOT NULL, PRIMARY KEY (release, token)) WITHOUT ROWID`);
    sql.exec(`CREATE TABLE IF NOT EXISTS release_traffic (release TEXT NOT NULL, minute INTEGER NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (release, minute)) WITHOUT ROWID`);
    sql.exec(`CREATE TABLE IF NOT EXISTS release_users (release TEXT NOT NULL, side TEXT NOT NULL, minute INTEGER NOT NULL, registers BLOB NOT NULL, PRIMARY KEY (release, side, minute)) WITHOUT ROWID`);
  }

  /** Adds a flush: counts summed, sketches merged (a flush may repeat a minute another isolate reported). */
  record(batch: ExposureBatch, withCounts: boolean, now: number): void {
    if (withCounts) {
      for (const c of batch.counts) {
        this.sql.exec(
          `INSERT INTO exposure_minutes (flag, variant, side, minute, count) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET count = count + excluded.count`,
          c.flag, c.variant, c.side ?? '', c.minute, c.count,
        );
        this.sql.exec(`INSERT INTO flag_last_seen (flag, minute) VALUES (?, ?) ON CONFLICT DO UPDATE SET minute = max(minute, excluded.minute)`, c.flag, c.minute);
      }
      this.sql.exec(`DELETE FROM exposure_minutes WHERE minute < ?`, now - COUNT_DAYS * 24 * 60 * MINUTE);
    }
    for (const s of batch.served) {
      // a cap per release: past it, users newly served inside cannot make their feedback count (docs/limits.md)
      const held = this.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM served_inside WHERE release = ?`, s.release).one().n;
      for (const token of s.tokens.slice(0, Math.max(0, SERVED_PER_RELEASE - held))) this.sql.exec(`INSERT INTO served_inside (release, token) VALUES (?, ?) ON CONFLICT DO NOTHING`, s.release, token);
    }
    for (const t of batch.traffic) {
      this.sql.exec(`INSERT INTO release_traffic (release, minute, count) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET count = count + excluded.count`, t.release, t.minute, t.count);
    }
    if (batch.traffic.length) this.sql.exec(`DELETE FROM release_traffic WHERE minute < ?`, now - SKETCH_MINUTES * MINUTE);
    for (const u of batch.users) {
      for (const minute of [u.minute, -1]) this.mergeSketch(u.release, u.side, minute, u.registers);
    }
    if (batch.users.length) this.sql.exec(`DELETE FROM release_users WHERE minute >= 0 AND minute < ?`, now - SKETCH_MINUTES * MINUTE);
  }

  private mergeSketch(release: string, side: UserSet, minute: number, registers: Uint8Array) {
    const row = this.sql.exec<{ registers: ArrayBuffer }>(`SELECT registers FROM release_users WHERE release = ? AND side = ? AND minute = ?`, release, side, minute).toArray()[0];
    const merged = row ? new HyperLogLog(new Uint8Array(row.registers)).merge(registers) : new HyperLogLog(registers.slice());
    this.sql.exec(`INSERT OR REPLACE INTO release_users (release, side, minute, registers) VALUES (?, ?, ?, ?)`, release, side, minute, merged.registers.buffer as ArrayBuffer);
  }

  minutes(flag: string, from: number, to: number): ExposureMinute[] {
    const rows = this.sql
      .exec<{ minute: number; variant: string; side: string; count: number }>(`SELECT minute, variant, side, count FROM exposure_minutes WHERE flag = ? AND minute >= ? AND minute < ?`, flag, from, to)
      .toArray();
    return foldMinutes(rows);
  }

  usage(flags: string[], now: number): Record<string, FlagUsage> {
    const out: Record<string, FlagUsage> = {};
    for (const flag of flags) {
      const last = this.sql.exec<{ minute: number }>(`SELECT minute FROM flag_last_seen WHERE flag = ?`, flag).toArray()[0];
      const day = this.sql.exec<{ n: number | null }>(`SELECT sum(count) AS n FROM exposure_minutes WHERE flag = ? AND minute >= ?`, flag, now - 24 * 60 * MINUTE).one();
      out[flag] = { lastEvaluatedAt: last ? new Date(last.minute).toISOString() : null, evaluations24h: day.n ?? 0 };
    }
    return out;
  }

  /** Distinct users (estimates) each side of a release reached since `from` (a minute), or since the sketches began (`from` null). */
  users(release: string, from: number | null, sets: readonly UserSet[] = ['inside', 'outside']): Partial<Record<UserSet, number>> {
    const out: Partial<Record<UserSet, number>> = {};
    for (const side of sets) {
      const rows = (from === null
        ? this.sql.exec<{ registers: ArrayBuffer }>(`SELECT registers FROM release_users WHERE release = ? AND side = ? AND minute = -1`, release, side)
        : this.sql.exec<{ registers: ArrayBuffer }>(`SELECT registers FROM release_users WHERE release = ? AND side = ? AND minute >= ?`, release, side, from)
      ).toArray();
      const h = new HyperLogLog();
      for (const r of rows) h.merge(new Uint8Array(r.registers));
      out[side] = h.estimate();
    }
    return out;
  }

  /** Evaluations of a release's flags (release '' : of the whole environment) since `from`. */
  traffic(release: string, from: number): number {
    return this.sql.exec<{ n: number | null }>(`SELECT sum(count) AS n FROM release_traffic WHERE release = ? AND minute >= ?`, release, from).one().n ?? 0;
  }

  /** Whether the edge has reported serving this user (by token) the release's inside variant. */
  servedInside(release: string, token: string): boolean {
    return this.sql.exec(`SELECT 1 FROM served_inside WHERE release = ? AND token = ?`, release, token).toArray().length > 0;
  }

  /** Forgets a release's sketches (a release deleted, or started anew under the same key). */
  forget(release: string): void {
    this.sql.exec(`DELETE FROM release_users WHERE release = ?`, release);
    this.sql.exec(`DELETE FROM served_inside WHERE release = ?`, release);
  }
}
