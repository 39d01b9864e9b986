// Webhook subscriptions of a project and their delivery log: create (the secret shown once), change, delete, list the
// deliveries, and make one pending again for a redelivery (same message id, so receivers deduplicate).
import { and, desc, eq, sql } from 'drizzle-orm';
import { randomId } from '../auth/secrets';
import { seal } from '../webhooks/secret-box';

/** The settings the signing secret is sealed with (webhooks/secret-box.ts). */
type Sealer = Parameters<typeof seal>[0];
import { ApiError, notFound } from '../errors';
import { newSecret } from '../webhooks/sign';
import { auditInsert, type AuditActor } from './audit';
import type { Db, ProjectRow, WebhookDeliveryRow, WebhookRow } from './db';
import { auditLog, webhookCursor, webhookDeliveries, webhooks, type WebhookEvent } from './schema';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export const webhookView = (w: WebhookRow) => ({ id: w.id, url: w.url, events: w.events, format: w.format, enabled: w.disabledAt === null, createdBy: w.createdBy, createdAt: iso(w.createdAt)! });

export const deliveryView = (d: WebhookDeliveryRow) => ({
  id: d.id,
  event: d.event,
  state: d.state,
  attempts: d.attempts,
  lastStatus: d.lastStatus,
  lastError: d.lastError,
  payload: d.payload,
  createdAt: iso(d.createdAt)!,
  deliveredAt: iso(d.deliveredAt),
});

export const listWebhooks = async (db: Db, project: ProjectRow) => (await db.select().from(webhooks).where(eq(webhooks.projectId, project.id)).orderBy(desc(webhooks.createdAt))).map(webhookView);

export async function getWebhook(db: Db, project: ProjectRow, id: string) {
  const row = await db.query.webhooks.findFirst({ where: and(eq(webhooks.projectId, project.id), eq(webhooks.id, id)) });
  if (!row) throw notFound(`Webhook '${id}'`);
  return row;
}

export interface WebhookInput {
  url: string;
  events: WebhookEvent[];
  format?: 'standard' | 'slack';
}

const resource = (project: ProjectRow, id: string) => `projects/${project.key}/webhooks/${id}`;

export async function createWebhook(db: Db, sealer: Sealer, actor: AuditActor, project: ProjectRow, input: WebhookInput) {
  const now = Date.now();
  const secret = newSecret();
  const row: WebhookRow = { id: randomId(), projectId: project.id, url: input.url, events: [...new Set(input.events)], format: input.format ?? 'standard', secret: await seal(sealer, secret), createdBy: actor.name, createdAt: now, disabledAt: null };
  await db.batch([
    // the outbox starts at the log's end the first time anyone subscribes: nothing from before is announced
    db.insert(webhookCursor).values({ id: 1, auditId: sql`(SELECT coalesce(max(${auditLog.id}), 0) FROM ${auditLog})` }).onConflictDoNothing(),
    db.insert(webhooks).values(row),
    auditInsert(db, { actor, action: 'webhook.create', projectId: project.id, resource: resource(project, row.id), after: webhookView(row) }, now),
  ]);
  return { ...webhookView(row), secret };
}

export async function updateWebhook(db: Db, actor: AuditActor, project: ProjectRow, id: string, patch: Partial<WebhookInput> & { enabled?: boolean }) {
  const row = await getWebhook(db, project, id);
  const { enabled, ...rest } = patch;
  const next: WebhookRow = { ...row, ...rest, ...(enabled === undefined ? {} : { disabledAt: enabled ? null : (row.disabledAt ?? Date.now()) }) };
  const now = Date.now();
  await db.batch([
    db.update(webhooks).set({ url: next.url, events: next.events, format: next.format, disabledAt: next.disabledAt }).where(eq(webhooks.id, id)),
    auditInsert(db, { actor, action: 'webhook.update', projectId: project.id, resource: resource(project, id), before: webhookView(row), after: webhookView(next) }, now),
  ]);
  return webhookView(next);
}

export async function deleteWebhook(db: Db, actor: AuditActor, project: ProjectRow, id: string) {
  const row = await getWebhook(db, project, id);
  await db.batch([db.delete(webhooks).where(eq(webhooks.id, id)), auditInsert(db, { actor, action: 'webhook.delete', projectId: project.id, resource: resource(project, id), before: webhookView(row) }, Date.now())]);
}

export async function listDeliveries(db: Db, project: ProjectRow, id: string, limit: number) {
  await getWebhook(db, project, id);
  return (await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, id)).orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id)).limit(limit)).map(deliveryView);
}

/** Makes a delivery pending again (not yet handed to the queue): the next pump hands it over. */
export async function redeliver(db: Db, actor: AuditActor, project: ProjectRow, webhookId: string, deliveryId: string) {
  await getWebhook(db, project, webhookId);
  const row = await db.query.webhookDeliveries.findFirst({ where: and(eq(webhookDeliveries.webhookId, webhookId), eq(webhookDeliveries.id, deliveryId)) });
  if (!row) throw notFound(`Delivery '${deliveryId}'`);
  if (row.state === 'pending' && row.queuedAt !== null && row.queuedAt > Date.now()) throw new ApiError('INVALID_STATE', `Delivery '${deliveryId}' is being retried already`);
  const [updated] = await db.update(webhookDeliveries).set({ state: 'pending', queuedAt: null, lastError: null }).where(eq(webhookDeliveries.id, deliveryId)).returning();
  return deliveryView(updated);
}
