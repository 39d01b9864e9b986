// ReleaseClock: one Durable Object per environment whose alarm records, on time, what the edge already applies by
// the clock: release starts and steps, and scheduled flag changes (then published as a new version).
import { DurableObject } from 'cloudflare:workers';
import type { Bindings } from '../bindings';
import { publishEnvironments } from '../snapshot/publish';
import { openDb } from '../store/db';
import { applyDueChanges } from '../store/schedule-recording';
import { advanceReleases } from '../store/release-progress';
import { pumpEvents } from '../webhooks/outbox';

export class ReleaseClock extends DurableObject<Bindings> {
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
