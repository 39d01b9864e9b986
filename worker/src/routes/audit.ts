// /api/v1/projects/{project}/audit: who changed what, when, before and after. Caller: an admin token.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../context';
import { listAudit } from '../store/audit';
import { getProject } from '../store/projects';
import { auditEntrySchema, errorResponses, json, projectParams } from './schemas';

export const auditRoutes = new OpenAPIHono<AppEnv>().openapi(
  createRoute({
    method: 'get',
    path: '/projects/{project}/audit',
    security: [{ AdminToken: [] }],
    request: { params: projectParams, query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }) },
    responses: { 200: json(z.object({ entries: z.array(auditEntrySchema) }), 'Newest first'), ...errorResponses },
  }),
  async (c) => {
    const project = await getProject(c.var.db, c.req.valid('param').project);
    return c.json({ entries: await listAudit(c.var.db, project.id, c.req.valid('query').limit) }, 200);
  },
);
