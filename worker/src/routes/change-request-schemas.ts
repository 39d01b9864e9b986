// Schemas of change requests (zod, and so the OpenAPI document): the request, the 202 a held write answers, edits and reviews.
import { z } from '@hono/zod-openapi';

const who = z.object({ id: z.string().nullable(), name: z.string() });
const review = who.extend({ at: z.string(), comment: z.string().nullable() });

export const changeRequestSchema = z
  .object({
    id: z.string(),
    state: z.enum(['open', 'approved', 'applied', 'rejected', 'expired']).describe('open: waiting for approvals; approved: has them and can be applied; expired: not applied in time'),
    kind: z.string().describe('the held write: flag.create, flag.update, flag.delete, flag.configure, flag.schedule, flag.unschedule, flagd.import, release.create, release.update, release.delete, release.start, release.resume'),
    summary: z.string(),
    project: z.string(),
    environment: z.string().nullable().describe('the protected environment it changes'),
    change: z.object({ params: z.record(z.string(), z.string()), query: z.record(z.string(), z.unknown()), body: z.unknown() }).describe('the exact write held: its path parameters, query and body'),
    base: z.unknown().describe('what the change was made from: the target as it was then (a flag’s definition and config there, a release, the environment’s file)'),
    author: who,
    requiredApprovals: z.number(),
    approvals: z.array(review),
    rejection: review.nullable(),
    appliedBy: who.nullable(),
    appliedAt: z.string().nullable(),
    expiresAt: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    url: z.string().describe('its page in the dashboard, relative to the deployment’s origin'),
  })
  .openapi('ChangeRequest');

export const heldResponse = {
  202: {
    description: 'Held for approval: the environment is protected, so the write opened a change request that holds it; nothing changed yet',
    content: { 'application/json': { schema: z.object({ changeRequest: changeRequestSchema }).openapi('ChangeRequestHeld') } },
  },
} as const;

export const commentSchema = z.object({ comment: z.string().max(2000).optional() }).strict().openapi('ChangeRequestReview');
export const editSchema = z.object({ body: z.unknown().describe('the write’s new body (validated as its route validates it)') }).strict().openapi('ChangeRequestEdit');
