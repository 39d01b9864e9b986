// What the release clock's watch decided last, kept in the environment's ReleaseClock: each sequential guardrail's
// latest decision, and why the watch paused a release (sample-ratio mismatch, no traffic, a regression).

export interface Decision {
  at: string;
  outcome: 'ok' | 'regression' | 'improvement' | 'insufficient';
  inside: { n: number; value: number };
  outside: { n: number; value: number };
  /** the always-valid (1 − α) interval of inside − outside, or null before both sides have two observations */
  interval: [number, number] | null;
  reason: string;
}

export type PausedReason = 'sample_ratio_mismatch' | 'no_traffic' | 'guardrail';

export interface WatchPause {
  /** ms: a pause recorded at or after the release's own pausedAt is this pause */
  at: number;
  reason: PausedReason;
  message: string;
}

export class DecisionLedger {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS guardrail_decisions (release TEXT NOT NULL, guardrail INTEGER NOT NULL, decision TEXT NOT NULL, PRIMARY KEY (release, guardrail)) WITHOUT ROWID`);
    sql.exec(`CREATE TABLE IF NOT EXISTS watch_pauses (release TEXT PRIMARY KEY, at INTEGER NOT NULL, reason TEXT NOT NULL, message TEXT NOT NULL) WITHOUT ROWID`);
  }

  setDecision(release: string, guardrail: number, d: Decision): void {
    this.sql.exec(`INSERT OR REPLACE INTO guardrail_decisions (release, guardrail, decision) VALUES (?, ?, ?)`, release, guardrail, JSON.stringify(d));
  }

  decisions(release: string): Record<number, Decision> {
    const out: Record<number, Decision> = {};
    for (const r of this.sql.exec<{ guardrail: number; decision: string }>(`SELECT guardrail, decision FROM guardrail_decisions WHERE release = ?`, release)) out[r.guardrail] = JSON.parse(r.decision) as Decision;
    return out;
  }

  setPause(release: string, p: WatchPause): void {
    this.sql.exec(`INSERT OR REPLACE INTO watch_pauses (release, at, reason, message) VALUES (?, ?, ?, ?)`, release, p.at, p.reason, p.message);
  }

  pause(release: string): WatchPause | null {
    const r = this.sql.exec<{ at: number; reason: string; message: string }>(`SELECT at, reason, message FROM watch_pauses WHERE release = ?`, release).toArray()[0];
    return r ? { at: r.at, reason: r.reason as PausedReason, message: r.message } : null;
  }
}
