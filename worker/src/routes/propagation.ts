// "Is my change live everywhere?": propagation status and the environment's change stream for the dashboard.
// Caller: an admin token.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../context';
import { channelOf } from '../snapshot/publish';
import { openStream } from '../snapshot/stream-open';
import { getEnvironment, getProject } from '../store/projects';
import { envParams, errorResponses, json } from './schemas';

const statusSchema = z
  .object({
    version: z.number().describe('the newest committed version'),
    publishedAt: z.string().nullable(),
    locations: z.array(z.object({ location: z.string(), isolates: z.number(), appliedIsolates: z.number(), lastAppliedAt: z.string().nullable() })),
    applied: z.object({ locations: z.number(), isolates: z.number(), ofLocations: z.number(), ofIsolates: z.number() }),
    lastAppliedAt: z.string().nullable(),
  })
  .openapi('Propagation');

const iso = (ms: number | null | undefined) => (ms ? new Date(ms).toISOString() : null);

export const propagationRoutes = new OpenAPIHono<AppEnv>()
  .openapi(
    createRoute({
      method: 'get',
      path: '/projects/{project}/environments/{env}/propagation',
      security: [{ AdminToken: [] }],
      description: 'How many edge locations and isolates serve the newest version of the environment, and when the last one applied it.',
      request: { params: envParams },
      responses: { 200: json(statusSchema, 'Propagation of the newest version'), ...errorResponses },
    }),
    async (c) => {
      const params = c.req.valid('param');
      const env = await getEnvironment(c.var.db, (await getProject(c.var.db, params.project)).id, params.env);
      const s = await channelOf(c.env, env.id).status();
      return c.json(
        {
          version: s?.version ?? env.version,
          publishedAt: iso(s?.publishedAt),
          locations: (s?.locations ?? []).map((l) => ({ ...l, lastAppliedAt: iso(l.lastAppliedAt) })),
          applied: s?.applied ?? { locations: 0, isolates: 0, ofLocations: 0, ofIsolates: 0 },
          lastAppliedAt: iso(s?.lastAppliedAt),
        },
        200,
      );
    },
  )
  .get('/projects/:project/environments/:env/events', async (c) => {
    const env = await getEnvironment(c.var.db, (await getProject(c.var.db, c.req.param('project'))).id, c.req.param('env'));
    return openStream(c.env, env.id, null, c.req.raw);
  });
