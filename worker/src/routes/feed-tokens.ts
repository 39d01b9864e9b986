// /api/v1/projects/{project}/environments/{env}/feed-tokens: read-only tokens for the environment's Atom feed of
// releases (GET /v1/releases.atom?token=…). Caller: an admin token.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../context';
import { getEnvironment, getProject } from '../store/projects';
import { createFeedToken, listFeedTokens, revokeFeedToken } from '../store/feed-tokens';
import { envParams, errorResponses, json, jsonBody } from './schemas';

const security = [{ AdminToken: [] }];
const feedTokenSchema = z.object({ id: z.string(), name: z.string(), prefix: z.string(), createdAt: z.string(), revokedAt: z.string().nullable() }).openapi('FeedToken');
const newToken = z.object({ name: z.string().min(1).max(200) }).strict();

async function resolve(c: { var: AppEnv['Variables'] }, params: { project: string; env: string }) {
  const project = await getProject(c.var.db, params.project);
  return { project, env: await getEnvironment(c.var.db, project.id, params.env) };
}

export const feedTokenRoutes = new OpenAPIHono<AppEnv>()
  .openapi(
    createRoute({ method: 'get', path: '/projects/{project}/environments/{env}/feed-tokens', security, request: { params: envParams }, responses: { 200: json(z.object({ feedTokens: z.array(feedTokenSchema) }), 'Feed tokens of the environment, newest first, without their secrets'), ...errorResponses } }),
    async (c) => {
      const { env } = await resolve(c, c.req.valid('param'));
      return c.json({ feedTokens: await listFeedTokens(c.var.db, env) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/projects/{project}/environments/{env}/feed-tokens',
      security,
      description: 'Creates a read-only token for the environment’s Atom feed of releases. It reads that feed and nothing else. The secret and the feed URL are in this response only.',
      request: { params: envParams, ...jsonBody(newToken) },
      responses: { 201: json(feedTokenSchema.extend({ secret: z.string(), url: z.string().describe('the feed’s path with the token, to be put after the server’s origin') }), 'Created'), ...errorResponses },
    }),
    async (c) => {
      const { project, env } = await resolve(c, c.req.valid('param'));
      return c.json(await createFeedToken(c.var.db, c.var.actor, project, env, c.req.valid('json')), 201);
    },
  )
  .openapi(
    createRoute({
      method: 'delete',
      path: '/projects/{project}/environments/{env}/feed-tokens/{id}',
      security,
      description: 'Revokes a feed token: the feed refuses it from the next request on.',
      request: { params: envParams.extend({ id: z.string().regex(/^[a-z0-9]{16}$/) }) },
      responses: { 204: { description: 'Revoked' }, ...errorResponses },
    }),
    async (c) => {
      const params = c.req.valid('param');
      const { project, env } = await resolve(c, params);
      await revokeFeedToken(c.var.db, c.var.actor, project, env, params.id);
      return c.body(null, 204);
    },
  );
