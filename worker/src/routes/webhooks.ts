// /api/v1/projects/{project}/webhooks: subscriptions to events, signed with Standard Webhooks headers and delivered
// through the queue, with their delivery log and a redeliver action. Caller: a project admin.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../context';
import { getProject } from '../store/projects';
import { createWebhook, deleteWebhook, listDeliveries, listWebhooks, redeliver, updateWebhook } from '../store/webhooks';
import { EVENTS } from '../webhooks/events';
import { pumpEvents } from '../webhooks/outbox';
import { errorResponses, json, jsonBody, nothingToChange, projectParams, somethingToChange } from './schemas';

const security = [{ AdminToken: [] }];
const eventSchema = z.enum(EVENTS as [string, ...string[]]);
const input = z
  .object({
    url: z.url({ protocol: /^https?$/ }).max(2048).describe('where events are posted (https in production; http for a local receiver)'),
    events: z.array(eventSchema).min(1).max(EVENTS.length),
    format: z.enum(['standard', 'slack']).optional().describe('standard (default): `{ type, timestamp, data }`; slack: `{ text }` for a Slack incoming webhook. Both are signed'),
  })
  .strict();
const webhookSchema = z.object({ id: z.string(), url: z.string(), events: z.array(z.string()), format: z.enum(['standard', 'slack']), enabled: z.boolean(), createdBy: z.string(), createdAt: z.string() }).openapi('Webhook');
const deliverySchema = z
  .object({ id: z.string().describe('the webhook-id header: the same through retries and redeliveries'), event: z.string(), state: z.enum(['pending', 'delivered', 'failed']), attempts: z.number(), lastStatus: z.number().nullable(), lastError: z.string().nullable(), payload: z.unknown(), createdAt: z.string(), deliveredAt: z.string().nullable() })
  .openapi('WebhookDelivery');
const idParams = projectParams.extend({ id: z.string().regex(/^[a-z0-9]{16}$/) });

export const webhookRoutes = new OpenAPIHono<AppEnv>()
  .openapi(createRoute({ method: 'get', path: '/projects/{project}/webhooks', security, request: { params: projectParams }, responses: { 200: json(z.object({ webhooks: z.array(webhookSchema) }), 'The project’s subscriptions (never their secrets)'), ...errorResponses } }), async (c) =>
    c.json({ webhooks: await listWebhooks(c.var.db, await getProject(c.var.db, c.req.valid('param').project)) }, 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/projects/{project}/webhooks',
      security,
      description: `Subscribes a URL to events (${EVENTS.join(', ')}). Each delivery is signed with the Standard Webhooks headers (webhook-id, webhook-timestamp, webhook-signature: HMAC-SHA256 with the secret answered here, once) and retried with backoff until the receiver answers 2xx.`,
      request: { params: projectParams, ...jsonBody(input) },
      responses: { 201: json(webhookSchema.extend({ secret: z.string().describe('`whsec_…`: verify deliveries with it; shown only now') }), 'Subscribed'), ...errorResponses },
    }),
    async (c) => c.json(await createWebhook(c.var.db, c.env, c.var.actor, await getProject(c.var.db, c.req.valid('param').project), c.req.valid('json') as never), 201),
  )
  .openapi(
    createRoute({ method: 'patch', path: '/projects/{project}/webhooks/{id}', security, request: { params: idParams, ...jsonBody(input.partial().extend({ enabled: z.boolean().optional() }).strict().refine(somethingToChange, nothingToChange)) }, responses: { 200: json(webhookSchema, 'Updated'), ...errorResponses } }),
    async (c) => {
      const p = c.req.valid('param');
      return c.json(await updateWebhook(c.var.db, c.var.actor, await getProject(c.var.db, p.project), p.id, c.req.valid('json') as never), 200);
    },
  )
  .openapi(createRoute({ method: 'delete', path: '/projects/{project}/webhooks/{id}', security, request: { params: idParams }, responses: { 204: { description: 'Deleted, with its delivery log' }, ...errorResponses } }), async (c) => {
    const p = c.req.valid('param');
    await deleteWebhook(c.var.db, c.var.actor, await getProject(c.var.db, p.project), p.id);
    return c.body(null, 204);
  })
  .openapi(
    createRoute({ method: 'get', path: '/projects/{project}/webhooks/{id}/deliveries', security, request: { params: idParams, query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }) }, responses: { 200: json(z.object({ deliveries: z.array(deliverySchema) }), 'The delivery log, newest first'), ...errorResponses } }),
    async (c) => {
      const p = c.req.valid('param');
      return c.json({ deliveries: await listDeliveries(c.var.db, await getProject(c.var.db, p.project), p.id, c.req.valid('query').limit) }, 200);
    },
  )
  .openapi(
    createRoute({ method: 'post', path: '/projects/{project}/webhooks/{id}/deliveries/{delivery}/redeliver', security, description: 'Sends a delivery again (delivered, failed or pending), with the same webhook-id.', request: { params: idParams.extend({ delivery: z.string().max(100) }) }, responses: { 202: json(deliverySchema, 'Queued again'), ...errorResponses } }),
    async (c) => {
      const p = c.req.valid('param');
      const view = await redeliver(c.var.db, c.var.actor, await getProject(c.var.db, p.project), p.id, p.delivery);
      c.executionCtx.waitUntil(pumpEvents(c.env, c.var.db));
      return c.json(view, 202);
    },
  );
