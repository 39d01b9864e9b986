// ReleaseClock: one Durable Object per environment whose alarm records release starts and steps in D1 on time.
import { DurableObject } from 'cloudflare:workers';
import type { Bindings } from '../bindings';
import { openDb } from '../store/db';
import { advanceReleases } from '../store/release-progress';

export class ReleaseClock extends DurableObject<Bindings> {
  /** Records what is due for the environment now and sets the alarm for what comes next. */
  async wake(environmentId: string): Promise<number | null> {
    await this.ctx.storage.put('environmentId', environmentId);
    const next = await advanceReleases(openDb(this.env.DB), environmentId, Date.now());
    if (next === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(next);
    return next;
  }

  override async alarm(): Promise<void> {
    const id = await this.ctx.storage.get<string>('environmentId');
    if (id) await this.wake(id);
  }
}

/** Asks the environment's clock to look at its releases now (after a write that changes a schedule). */
export async function wakeReleaseClock(env: Bindings, environmentId: string): Promise<void> {
  try {
    await env.RELEASE_CLOCKS.get(env.RELEASE_CLOCKS.idFromName(environmentId)).wake(environmentId);
  } catch (err) {
    // the edge needs no clock (it computes steps from the time); only the recorded history waits for the next wake
    console.error('curtain: release clock unreachable', environmentId, String(err));
  }
}
