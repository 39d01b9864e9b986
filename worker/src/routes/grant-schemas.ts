// Request and response schemas of roles: a grant (role, projects, environments), tokens and people.
import { z } from '@hono/zod-openapi';
import { keySchema } from './schemas';

export const roleSchema = z
  .enum(['viewer', 'editor', 'releaser', 'admin', 'signal'])
  .describe('viewer: read; editor: flags and rules, not releases; releaser: releases, schedules, kill (and what an editor may); admin: keys, tokens, people, webhooks, settings (and all the rest); signal: post guardrail readings and alerts to the releases of one environment, nothing else');

export const grantFields = {
  role: roleSchema,
  projects: z.array(keySchema).min(1).max(100).optional().describe('the projects the role holds in (absent: every project, now and later)'),
  environments: z.array(keySchema).min(1).max(50).optional().describe('narrows the role to these environments of those projects: elsewhere it may only read the project’s own pages (absent: all)'),
};

export const grantSchema = z.object(grantFields).strict().openapi('Grant');
const grantView = z.object({ role: roleSchema, projects: z.array(z.string()).nullable(), environments: z.array(z.string()).nullable() });

export const tokenInputSchema = z
  .object({ name: z.string().min(1).max(200), ...grantFields, role: roleSchema.optional().describe('default admin (as tokens were before roles)'), expiresAt: z.iso.datetime({ offset: true }).optional().describe('when the token stops working (RFC 3339, in the future)') })
  .strict()
  .openapi('AdminTokenInput');

export const tokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: roleSchema,
    projects: z.array(z.string()).nullable(),
    environments: z.array(z.string()).nullable(),
    expiresAt: z.string().nullable(),
    createdBy: z.string().nullable(),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
  })
  .openapi('AdminToken');

export const personInputSchema = z
  .object({ email: z.email().max(320), name: z.string().max(200).optional(), grants: z.array(grantSchema).max(50).default([]) })
  .strict()
  .openapi('PersonInput');
export const personPatchSchema = z.object({ name: z.string().max(200), grants: z.array(grantSchema).max(50) }).partial().strict().openapi('PersonPatch');
export const personSchema = z.object({ id: z.string(), email: z.string(), name: z.string(), grants: z.array(grantView), createdAt: z.string(), updatedAt: z.string() }).openapi('Person');

export const meSchema = z
  .object({
    token: z.object({ id: z.string(), name: z.string() }).describe('who is calling (a token, or a person signed in through Access)'),
    kind: z.enum(['bootstrap', 'token', 'person']),
    email: z.string().nullable(),
    grants: z.array(grantView).describe('the roles the caller holds (empty: none yet; ask an admin)'),
  })
  .openapi('Me');
