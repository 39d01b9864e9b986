// /api/v1/projects/{project}/environments/{env}/flags/{flag}/schedule: one-off changes at a time (switch on or off,
// set a split) without a release. Caller: an admin token.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../context';
import { wakeReleaseClock } from '../schedule/release-clock';
import { publishAndAdopt } from './publish-and-adopt';
import { cancelScheduledChange, listSchedule, scheduleChange } from '../store/flag-schedules';
import { getProject } from '../store/projects';
import { forceQuery } from './release-schemas';
import { envParams, errorResponses, json, jsonBody, keySchema, stateSchema } from './schemas';

const security = [{ AdminToken: [] }];
const params = envParams.extend({ flag: keySchema });

const changeInput = z
  .object({
    at: z.iso.datetime({ offset: true }).describe('when the change takes effect (RFC 3339, in the future)'),
    state: stateSchema.optional(),
    defaultVariant: z.string().min(1).max(128).nullable().optional(),
    targeting: z.unknown().optional().describe('JsonLogic that replaces the flag’s rules'),
    split: z
      .array(z.tuple([z.string().min(1).max(128), z.number().int().min(0)]))
      .min(1)
      .max(100)
      .optional()
      .describe('a split for everyone the flag’s rules leave to the default, as `fractional` buckets [[variant, weight], …]; the rules stay'),
  })
  .strict()
  .openapi('ScheduledChangeInput');

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
      responses: { 201: json(changeSchema, 'Scheduled'), ...errorResponses, 409: { description: 'Refused: the flag is archived, a release owns it, or the dormant-code guard', content: errorResponses[400].content } },
    }),
    async (c) => {
      const p = c.req.valid('param');
      const { view, affected, environmentId } = await scheduleChange(c.var.db, c.var.actor, await getProject(c.var.db, p.project), p.env, p.flag, c.req.valid('json'), c.req.valid('query').force === 'true', Date.now());
      await publishAndAdopt(c.env, c.var.db, affected);
      await wakeReleaseClock(c.env, environmentId);
      return c.json(view, 201);
    },
  )
  .openapi(
    createRoute({ method: 'delete', path: '/projects/{project}/environments/{env}/flags/{flag}/schedule/{id}', security, request: { params: params.extend({ id: z.string().max(64) }) }, responses: { 204: { description: 'Cancelled' }, ...errorResponses } }),
    async (c) => {
      const p = c.req.valid('param');
      const { affected } = await cancelScheduledChange(c.var.db, c.var.actor, await getProject(c.var.db, p.project), p.env, p.flag, p.id, Date.now());
      await publishAndAdopt(c.env, c.var.db, affected);
      return c.body(null, 204);
    },
  );
