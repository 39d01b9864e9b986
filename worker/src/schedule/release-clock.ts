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
import type { ExposureBatch } from '../measure/exposure-types';

export class ReleaseClock extends DurableObject<Bindings> {
  #ledger: ExposureLedger | undefined;
  private get ledger() {
    return (this.#ledger ??= new ExposureLedger(this.ctx.storage.sql));
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
    if (changes.applied > 0 || releases.changed) {
      await publishEnvironments(this.env, db, [environmentId]);
      // what the clock recorded (steps, starts, releases, scheduled changes) is announced like any write
      this.ctx.waitUntil(pumpEvents(this.env, db));
    }
    const due = [releases.next, changes.next].filter((t): t is number => t !== null);
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
