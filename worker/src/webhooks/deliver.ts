// The queue consumer: posts each delivery, signed, to its subscription's URL; a 2xx acknowledges it, anything else is
// retried by the queue with exponential backoff until it succeeds or MAX_ATTEMPTS have failed. Each attempt is logged.
import { eq } from 'drizzle-orm';
import type { Bindings } from '../bindings';
import { openDb, type Db } from '../store/db';
import { webhookDeliveries, webhooks } from '../store/schema';
import { payloadOf, slackMessage } from './events';
import type { QueueMessage } from './outbox';
import { signedHeaders } from './sign';
import { unseal } from './secret-box';
import { backoffSeconds } from './events';

/** Attempts before a delivery counts as failed (wrangler.toml's max_retries is the same): ~13 h with the default backoff. */
export const MAX_ATTEMPTS = 20;
const TIMEOUT_MS = 10_000;


type Outcome = { done: true } | { done: false; delaySeconds: number };

async function attempt(env: Bindings, db: Db, id: string, queueAttempts: number, now: number): Promise<Outcome> {
  const row = await db.select().from(webhookDeliveries).innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId)).where(eq(webhookDeliveries.id, id)).get();
  if (!row || row.webhook_deliveries.state !== 'pending') return { done: true };
  const { webhook_deliveries: d, webhooks: w } = row;
  const payload = d.payload as ReturnType<typeof payloadOf>;
  const body = JSON.stringify(w.format === 'slack' ? slackMessage(payload) : payload);
  let status: number | null = null;
  let error: string | null = null;
  try {
    const res = await fetch(w.url, { method: 'POST', headers: await signedHeaders(await unseal(env, w.secret), d.id, body, now), body, redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) });
    status = res.status;
    await res.body?.cancel();
    if (res.status < 200 || res.status >= 300) error = `HTTP ${res.status}`;
  } catch (err) {
    error = err instanceof Error ? `${err.name}: ${err.message}`.slice(0, 300) : 'failed';
  }
  const attempts = d.attempts + 1;
  if (error === null) {
    await db.update(webhookDeliveries).set({ state: 'delivered', attempts, lastStatus: status, lastError: null, deliveredAt: now }).where(eq(webhookDeliveries.id, id));
    return { done: true };
  }
  const delaySeconds = backoffSeconds(queueAttempts, Number(env.WEBHOOK_RETRY_SECONDS ?? 30));
  const failed = queueAttempts >= MAX_ATTEMPTS;
  // queued_at: when the queue should bring it back; the outbox hands it over again only well after that
  await db.update(webhookDeliveries).set({ state: failed ? 'failed' : 'pending', attempts, lastStatus: status, lastError: error, queuedAt: now + delaySeconds * 1000 }).where(eq(webhookDeliveries.id, id));
  return failed ? { done: true } : { done: false, delaySeconds };
}

export async function deliverBatch(batch: MessageBatch<QueueMessage>, env: Bindings): Promise<void> {
  const db = openDb(env.DB);
  for (const message of batch.messages) {
    try {
      const outcome = await attempt(env, db, message.body.delivery, message.attempts, Date.now());
      if (outcome.done) message.ack();
      else message.retry({ delaySeconds: outcome.delaySeconds });
    } catch (err) {
      console.error('curtain: webhook delivery', message.body.delivery, err instanceof Error ? err.message : String(err));
      message.retry({ delaySeconds: 30 });
    }
  }
}
