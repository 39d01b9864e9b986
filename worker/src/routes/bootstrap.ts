// POST /api/v1/bootstrap: first-start setup used by `npm start`. Caller: an admin token.
// Idempotent: creates the default project (development, staging, production) when there is none,
// and a server SDK key for development when asked and none is active.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { and, eq, isNull } from 'drizzle-orm';
import type { AppEnv } from '../context';
import { publishAndAdopt } from './publish-and-adopt';
import { createProject, getEnvironment, listProjects, projectView } from '../store/projects';
import { sdkKeys } from '../store/schema';
import { createSdkKey } from '../store/sdk-keys';
import { errorResponses, json, projectSchema, jsonBody } from './schemas';

const input = z.object({ createServerKey: z.boolean().default(false) }).strict();

export const bootstrapRoutes = new OpenAPIHono<AppEnv>().openapi(
  createRoute({
    method: 'post',
    path: '/bootstrap',
    security: [{ AdminToken: [] }],
    request: jsonBody(input),
    responses: {
      200: json(z.object({ project: projectSchema, created: z.boolean(), sdkKey: z.string().nullable() }), 'The default project, and a new development server key when one was created'),
      ...errorResponses,
    },
  }),
  async (c) => {
    const db = c.var.db;
    const existing = (await listProjects(db))[0];
    const project = existing ?? (await createProject(db, c.var.actor, { key: 'default', name: 'Default project' }));
    const development = await getEnvironment(db, project.id, 'development').catch(() => null);
    let sdkKey: string | null = null;
    if (c.req.valid('json').createServerKey && development) {
      const active = await db.query.sdkKeys.findFirst({ where: and(eq(sdkKeys.environmentId, development.id), eq(sdkKeys.kind, 'server'), isNull(sdkKeys.revokedAt)) });
      if (!active) sdkKey = (await createSdkKey(db, c.var.actor, project, development, { name: 'development server key', kind: 'server' })).secret;
    }
    if (!existing || sdkKey) await publishAndAdopt(c.env, db, development ? [development.id] : []);
    return c.json({ project: projectView(project), created: !existing, sdkKey }, 200);
  },
);
