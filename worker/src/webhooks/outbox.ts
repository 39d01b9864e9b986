// The outbox: turns new audit entries into deliveries for the subscriptions that want them (one row each, its id the
// message id), then hands pending deliveries to the queue. Runs after admin writes and clock alarms, in the background:
// a delivery never rides on the request that caused it. Idempotent: ids are fixed by entry and subscription.
import { and, asc, eq, gt, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Bindings } from '../bindings';
import type { Db, WebhookDeliveryRow } from '../store/db';
import { auditLog, webhookCursor, webhookDeliveries, webhooks } from '../store/schema';
import { eventsOf, payloadOf } from './events';

const PAGE = 200;
/** A delivery handed to the queue and not heard of for this long (the queue lost it, or the send failed) is handed over again. */
export const REQUEUE_AFTER_MS = 10 * 60_000;

export interface QueueMessage {
  delivery: string;
}

/** New audit entries → delivery rows, and the cursor moved past them, in one batch. Answers how many deliveries it made. */
async function collect(db: Db): Promise<number> {
  const cursor = await db.query.webhookCursor.findFirst({ where: eq(webhookCursor.id, 1) });
  if (!cursor) return 0; // nobody ever subscribed
  const entries = await db.select().from(auditLog).where(gt(auditLog.id, cursor.auditId)).orderBy(asc(auditLog.id)).limit(PAGE);
  if (!entries.length) return 0;
  const projectIds = [...new Set(entries.map((e) => e.projectId).filter((p): p is string => p !== null))];
  const subs = projectIds.length ? await db.select().from(webhooks).where(and(inArray(webhooks.projectId, projectIds), isNull(webhooks.disabledAt))) : [];
  const rows: WebhookDeliveryRow[] = [];
  for (const e of entries) {
    const types = eventsOf({ ...e, before: e.before, after: e.after, flags: e.flags ?? null });
    for (const w of subs) {
      if (w.projectId !== e.projectId || w.createdAt > e.at) continue;
      types.forEach((type, n) => {
        if (!w.events.includes(type)) return;
        rows.push({ id: `msg_${e.id}_${w.id}_${n}`, webhookId: w.id, event: type, auditId: e.id, payload: payloadOf(type, { ...e, flags: e.flags ?? null }), state: 'pending', attempts: 0, lastStatus: null, lastError: null, queuedAt: null, createdAt: e.at, deliveredAt: null });
      });
    }
  }
  const last = entries[entries.length - 1].id;
  await db.batch([
    db.update(webhookCursor).set({ auditId: sql`max(${webhookCursor.auditId}, ${last})` }).where(eq(webhookCursor.id, 1)),
    // one statement a row: D1 binds at most 100 parameters per statement
    ...rows.map((r) => db.insert(webhookDeliveries).values(r).onConflictDoNothing()),
  ]);
  return rows.length + (entries.length === PAGE ? await collect(db) : 0);
}

/** Claims pending deliveries not (or no longer) in the queue and sends them to it. */
async function handOver(env: Bindings, db: Db, now: number): Promise<number> {
  const due = db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.state, 'pending'), or(isNull(webhookDeliveries.queuedAt), lt(webhookDeliveries.queuedAt, now - REQUEUE_AFTER_MS))))
    .limit(100);
  const claimed = await db.update(webhookDeliveries).set({ queuedAt: now }).where(inArray(webhookDeliveries.id, due)).returning({ id: webhookDeliveries.id });
  if (claimed.length) await env.WEBHOOKS.sendBatch(claimed.map((c) => ({ body: { delivery: c.id } satisfies QueueMessage, contentType: 'json' })));
  return claimed.length;
}

/** Runs the outbox once; never throws (a failed run is caught up by the next one). */
export async function pumpEvents(env: Bindings, db: Db, now = Date.now()): Promise<void> {
  try {
    await collect(db);
    await handOver(env, db, now);
  } catch (err) {
    console.error('curtain: webhook outbox', err instanceof Error ? err.message : String(err));
  }
}
