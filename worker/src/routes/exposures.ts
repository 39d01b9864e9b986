// GET /api/v1/projects/{project}/environments/{env}/flags/{flag}/exposures: a flag's evaluations per minute, by variant
// and side of its release. Caller: read on the project (auth/permissions.ts).
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../context';
import { EXPOSURE_SPAN_MAX_MS, flagExposures } from '../edge/exposures/exposure-reads';
import { ApiError } from '../errors';
import { getFlag } from '../store/flags';
import { getEnvironment, getProject } from '../store/projects';
import { envParams, errorResponses, json, keySchema } from './schemas';

const instant = z.string().refine((s) => Number.isFinite(Date.parse(s)), 'must be an RFC 3339 time').optional();

const minuteSchema = z.object({
  at: z.string().describe('the minute (UTC)'),
  variants: z.record(z.string(), z.object({ count: z.number(), inside: z.number().optional(), outside: z.number().optional() })),
});

export const exposureSchema = z
  .object({ flag: z.string(), environment: z.string(), from: z.string(), to: z.string(), minutes: z.array(minuteSchema) })
  .openapi('FlagExposures');

export const exposureRoutes = new OpenAPIHono<AppEnv>().openapi(
  createRoute({
    method: 'get',
    path: '/projects/{project}/environments/{env}/flags/{flag}/exposures',
    security: [{ AdminToken: [] }],
    description:
      'How often the edge evaluated the flag, per minute and variant, split inside/outside where a release decides it (`(none)`: no variant, `(disabled)`, `(error)`). Eventually consistent: an isolate flushes its counts every few seconds (docs/architecture.md, Exposures). `from` defaults to an hour before `to`, `to` to now; at most 24 hours at once.',
    request: { params: envParams.extend({ flag: keySchema }), query: z.object({ from: instant, to: instant }) },
    responses: { 200: json(exposureSchema, 'Counts per minute, oldest first; minutes without evaluations are left out'), ...errorResponses },
  }),
  async (c) => {
    const p = c.req.valid('param');
    const q = c.req.valid('query');
    const project = await getProject(c.var.db, p.project);
    const env = await getEnvironment(c.var.db, project.id, p.env);
    await getFlag(c.var.db, project, p.flag);
    const to = q.to ? Date.parse(q.to) : Date.now();
    const from = q.from ? Date.parse(q.from) : to - 60 * 60_000;
    if (!(from < to)) throw new ApiError('VALIDATION_FAILED', 'Invalid input: /from must be before /to', [{ path: '/from', message: 'must be before to' }]);
    if (to - from > EXPOSURE_SPAN_MAX_MS) throw new ApiError('VALIDATION_FAILED', 'Invalid input: /from to /to may span at most 24 hours', [{ path: '/from', message: 'at most 24 hours before to' }]);
    const minutes = await flagExposures(c.env, env.id, p.flag, from, to);
    return c.json({ flag: p.flag, environment: p.env, from: new Date(from).toISOString(), to: new Date(to).toISOString(), minutes }, 200);
  },
);
