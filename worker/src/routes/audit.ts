// The audit log: /api/v1/projects/{project}/audit (a project's changes) and /api/v1/audit (the instance's: admin
// tokens, which belong to no project; `?all=true` adds every project's). Caller: an admin token.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../context';
import { listAudit, listInstanceAudit } from '../store/audit';
import { getProject } from '../store/projects';
import { auditEntrySchema, errorResponses, json, keySchema, projectParams } from './schemas';

const security = [{ AdminToken: [] }];
const limit = z.coerce.number().int().min(1).max(500).default(100);

export const auditRoutes = new OpenAPIHono<AppEnv>()
  .openapi(
    createRoute({
      method: 'get',
      path: '/projects/{project}/audit',
      security,
      request: {
        params: projectParams,
        query: z.object({ limit, flag: keySchema.optional().openapi({ description: 'only the entries that concern this flag: its changes, and the releases, scheduled changes, deployments and imports that name it' }) }),
      },
      responses: { 200: json(z.object({ entries: z.array(auditEntrySchema) }), 'Newest first'), ...errorResponses },
    }),
    async (c) => {
      const project = await getProject(c.var.db, c.req.valid('param').project);
      const { limit, flag } = c.req.valid('query');
      return c.json({ entries: await listAudit(c.var.db, project.id, limit, flag) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/audit',
      security,
      description: 'Changes that belong to no project: admin tokens created and revoked. With `all=true`, every entry of every project as well.',
      request: { query: z.object({ limit, all: z.enum(['true', 'false']).optional().openapi({ description: 'include every project’s entries (each with its projectId)' }) }) },
      responses: {
        200: json(z.object({ entries: z.array(auditEntrySchema.extend({ projectId: z.string().nullable() })) }), 'Newest first'),
        400: errorResponses[400],
        401: errorResponses[401],
      },
    }),
    async (c) => {
      const { limit, all } = c.req.valid('query');
      return c.json({ entries: await listInstanceAudit(c.var.db, limit, all === 'true') }, 200);
    },
  );
