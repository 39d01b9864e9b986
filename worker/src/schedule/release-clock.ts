// ReleaseClock: one Durable Object per environment whose alarm records, on time, what the edge already applies by
// the clock: release starts and steps, and scheduled flag changes (then published as a new version).
import { DurableObject } from 'cloudflare:workers';
import type { Bindings } from '../bindings';
import { publishEnvironments } from '../snapshot/publish';
import { openDb } from '../store/db';
import { applyDueChanges } from '../store/schedule-recording';
import { advanceReleases } from '../store/release-progress';
import { pumpEvents } from '../webhooks/outbox';
import { ExposureLedger } from './exposure-ledger';
import { DecisionLedger } from './decision-ledger';
import { watchReleases } from './release-watch';

/** How often the watch looks while a release rolls out. */
const WATCH_MS = 60_000;
import { TrackLedger, type TrackedEvent } from './track-ledger';
import type { ExposureBatch } from '../measure/exposure-types';

export class ReleaseClock extends DurableObject<Bindings> {
  #ledger: ExposureLedger | undefined;
  private get ledger() {
    return (this.#ledger ??= new ExposureLedger(this.ctx.storage.sql));
  }

  #track: TrackLedger | undefined;
  private get tracked() {
    return (this.#track ??= new TrackLedger(this.ctx.storage.sql));
  }
  #decisions: DecisionLedger | undefined;
  private get ledgers() {
    return { exposures: this.ledger, tracked: this.tracked, decisions: (this.#decisions ??= new DecisionLedger(this.ctx.storage.sql)) };
  }

  /** Whether the edge served this user (a servedToken) the release's inside variant: feedback counts only then. */
  servedInside(release: string, token: string): boolean {
    return this.ledger.servedInside(release, token);
  }

  /** What the release view shows of a release's measures: users each side since `from`, guardrail decisions, the watch's pause. */
  releaseMeasures(release: string, from: number) {
    const l = this.ledgers;
    const users = l.exposures.users(release, from);
    return { inside: users.inside ?? 0, outside: users.outside ?? 0, decisions: l.decisions.decisions(release), pause: l.decisions.pause(release) };
  }

  /** One POST /v1/track's events, attributed to releases and sides at the edge; refused when the key is at its cap. */
  recordTrack(keyId: string, minute: number, events: TrackedEvent[]): 'ok' | 'key-limit' {
    return this.tracked.record(keyId, minute, events);
  }

  /** An isolate's flush (edge/exposures): counts (offline backend only) and the release sides' user sketches. */
  recordExposures(batch: ExposureBatch, withCounts: boolean): void {
    this.ledger.record(batch, withCounts, Date.now());
  }

  exposureMinutes(flag: string, from: number, to: number) {
    return this.ledger.minutes(flag, from, to);
  }

  flagUsage(flags: string[], now: number) {
    return this.ledger.usage(flags, now);
  }

  /** Distinct users each side of a release reached since `from` (ms), or since its sketches began (null). */
  releaseUsers(release: string, from: number | null) {
    return this.ledger.users(release, from);
  }

  /** Records what is due for the environment now and sets the alarm for what comes next. */
  async wake(environmentId: string): Promise<number | null> {
    await this.ctx.storage.put('environmentId', environmentId);
    const db = openDb(this.env.DB);
    const now = Date.now();
    const releases = await advanceReleases(db, environmentId, now);
    const changes = await applyDueChanges(db, environmentId, now);
    // guardrail tests, sample ratio, traffic: each minute while a release rolls out (schedule/release-watch.ts)
    const watch = await watchReleases(db, environmentId, this.ledgers, now);
    if (changes.applied > 0 || releases.changed || watch.affected.length > 0) {
      await publishEnvironments(this.env, db, [...new Set([environmentId, ...watch.affected])]);
      // what the clock recorded (steps, starts, releases, scheduled changes) is announced like any write
      this.ctx.waitUntil(pumpEvents(this.env, db));
    }
    const due = [releases.next, changes.next, watch.rolling ? now + WATCH_MS : null].filter((t): t is number => t !== null);
    const next = due.length ? Math.min(...due) : null;
    if (next === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(next);
    return next;
  }

  override async alarm(): Promise<void> {
    const id = await this.ctx.storage.get<string>('environmentId');
    if (id) await this.wake(id);
  }
}

/** Asks the environment's clock to look at its schedules now (after a write that changes one). */
export async function wakeReleaseClock(env: Bindings, environmentId: string): Promise<void> {
  try {
    await env.RELEASE_CLOCKS.get(env.RELEASE_CLOCKS.idFromName(environmentId)).wake(environmentId);
  } catch (err) {
    // the edge needs no clock (it computes steps and scheduled changes from the time); only the record waits
    console.error('curtain: release clock unreachable', environmentId, String(err));
  }
}
