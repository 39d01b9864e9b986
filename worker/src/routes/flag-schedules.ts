// /api/v1/projects/{project}/environments/{env}/flags/{flag}/schedule: one-off changes at a time (switch on or off,
// set a split) without a release. Caller: an admin token.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../context';
import { listSchedule } from '../store/flag-schedules';
import { heldResponse } from './change-request-schemas';
import { perform } from './held-writes';
import { getProject } from '../store/projects';
import { forceQuery } from './release-schemas';
import { envParams, errorResponses, json, jsonBody, keySchema, stateSchema } from './schemas';
import { changeInput } from './write-schemas';

const security = [{ AdminToken: [] }];
const params = envParams.extend({ flag: keySchema });



const changeSchema = z
  .object({ id: z.string(), at: z.string(), state: stateSchema.optional(), defaultVariant: z.string().nullable().optional(), targeting: z.unknown().optional(), split: z.array(z.tuple([z.string(), z.number()])).optional(), createdBy: z.string(), createdAt: z.string() })
  .openapi('ScheduledChange');

export const flagScheduleRoutes = new OpenAPIHono<AppEnv>()
  .openapi(
    createRoute({ method: 'get', path: '/projects/{project}/environments/{env}/flags/{flag}/schedule', security, request: { params }, responses: { 200: json(z.object({ schedule: z.array(changeSchema) }), 'Pending changes, soonest first'), ...errorResponses } }),
    async (c) => {
      const p = c.req.valid('param');
      return c.json({ schedule: await listSchedule(c.var.db, await getProject(c.var.db, p.project), p.env, p.flag) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/projects/{project}/environments/{env}/flags/{flag}/schedule',
      security,
      description: 'Schedules a change of state, default variant, the rules (`targeting` replaces them) or a split after the rules (`split` keeps them) at a time. It travels with the definition and the edge applies it on time; edits made meanwhile keep it (it changes only what it names). Switching on is guarded like an immediate switch (`?force=true`); the switch and default variant of a flag a running release owns cannot be scheduled (409 RELEASE_OWNS_FLAG).',
      request: { params, query: forceQuery, ...jsonBody(changeInput) },
      responses: { 201: json(changeSchema, 'Scheduled'), ...heldResponse, ...errorResponses, 409: { description: 'Refused: the flag is archived, a release owns it, or the dormant-code guard', content: errorResponses[400].content } },
    }),
    async (c) => {
      const params = c.req.valid('param');
      return perform(c, 'flag.schedule', await getProject(c.var.db, params.project), { params, query: c.req.valid('query'), body: c.req.valid('json') });
    },
  )
  .openapi(
    createRoute({ method: 'delete', path: '/projects/{project}/environments/{env}/flags/{flag}/schedule/{id}', security, request: { params: params.extend({ id: z.string().max(64) }) }, responses: { 204: { description: 'Cancelled' }, ...heldResponse, ...errorResponses } }),
    async (c) => {
      const params = c.req.valid('param');
      return perform(c, 'flag.unschedule', await getProject(c.var.db, params.project), { params, query: {}, body: null });
    },
  );
