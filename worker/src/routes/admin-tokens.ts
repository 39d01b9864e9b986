// /api/v1/admin-tokens: tokens for people and CI, each with a role. Caller: an admin over every project.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../context';
import { createAdminToken, listAdminTokens, revokeAdminToken } from '../store/admin-tokens';
import { tokenInputSchema, tokenSchema } from './grant-schemas';
import { errorResponses, json, jsonBody } from './schemas';

const security = [{ AdminToken: [] }];

export const adminTokenRoutes = new OpenAPIHono<AppEnv>()
  .openapi(
    createRoute({ method: 'get', path: '/admin-tokens', security, responses: { 200: json(z.object({ adminTokens: z.array(tokenSchema) }), 'Without their secrets'), 401: errorResponses[401] } }),
    async (c) => c.json({ adminTokens: await listAdminTokens(c.var.db) }, 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/admin-tokens',
      security,
      description: 'Creates a token with a role (`viewer`, `editor`, `releaser`, `admin`, `signal`) in some projects or all, optionally narrowed to some environments, optionally expiring. `signal` needs exactly one project and one environment.',
      request: jsonBody(tokenInputSchema),
      responses: { 201: json(tokenSchema.extend({ secret: z.string() }), 'Created; the secret is in this response only'), ...errorResponses },
    }),
    async (c) => {
      const input = c.req.valid('json');
      return c.json(await createAdminToken(c.var.db, c.var.actor, { ...input, role: input.role ?? 'admin' }), 201);
    },
  )
  .openapi(
    createRoute({
      method: 'delete',
      path: '/admin-tokens/{id}',
      security,
      request: { params: z.object({ id: z.string().regex(/^[a-z0-9]{16}$/) }) },
      responses: { 204: { description: 'Revoked' }, ...errorResponses },
    }),
    async (c) => {
      await revokeAdminToken(c.var.db, c.var.actor, c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
