// The release calendar: GET /api/v1/projects/{project}[/environments/{env}]/calendar?from=&to=. Caller: an admin token.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../context';
import { ApiError } from '../errors';
import { releaseCalendar } from '../store/release-calendar';
import { getEnvironment, getProject, listEnvironments } from '../store/projects';
import { envParams, errorResponses, json, projectParams } from './schemas';

const security = [{ AdminToken: [] }];
const DAY = 86_400_000;
/** The longest range one request may ask for. */
const MAX_DAYS = 366;

const isoTime = z.iso.datetime({ offset: true });
const rangeQuery = z.object({
  from: isoTime.optional().describe('RFC 3339; default: 30 days ago'),
  to: isoTime.optional().describe(`RFC 3339, after \`from\`, at most ${MAX_DAYS} days later; default: 90 days from now`),
});

const calendarEntry = z
  .object({
    environment: z.string(),
    key: z.string(),
    name: z.string(),
    owner: z.string().nullable(),
    state: z.enum(['draft', 'scheduled', 'rolling_out', 'paused', 'released', 'rolled_back']),
    killed: z.boolean(),
    flags: z.array(z.string()),
    startAt: z.string().nullable(),
    pausedAt: z.string().nullable(),
    endAt: z.string().nullable().describe('released or rolled back at; for a plan still running to 100 %, when it will be released'),
    steps: z.array(z.object({ step: z.number(), percent: z.number(), startsAt: z.string().nullable().describe('null: will not come as planned (paused, rolled back)') })),
  })
  .openapi('CalendarEntry');
const calendarSchema = z.object({ from: z.string(), to: z.string(), releases: z.array(calendarEntry) }).openapi('ReleaseCalendar');

function range(q: z.infer<typeof rangeQuery>, now: number) {
  const from = q.from ? Date.parse(q.from) : now - 30 * DAY;
  const to = q.to ? Date.parse(q.to) : Math.max(now, from) + 90 * DAY;
  if (to <= from) throw new ApiError('VALIDATION_FAILED', 'Invalid input: /to must be after from', [{ path: '/to', message: 'must be after from' }]);
  if (to - from > MAX_DAYS * DAY) throw new ApiError('VALIDATION_FAILED', `Invalid input: /to may be at most ${MAX_DAYS} days after from`, [{ path: '/to', message: `at most ${MAX_DAYS} days after from` }]);
  return { from, to };
}

const description = 'Past and upcoming releases whose span (start to end; open while running or paused) meets the range: started and scheduled ones, and drafts with a planned start. Each step’s start is computed from the plan, with the same clock as the edge. Ordered by start.';

export const calendarRoutes = new OpenAPIHono<AppEnv>()
  .openapi(
    createRoute({ method: 'get', path: '/projects/{project}/environments/{env}/calendar', security, description, request: { params: envParams, query: rangeQuery }, responses: { 200: json(calendarSchema, 'The environment’s releases in the range'), ...errorResponses } }),
    async (c) => {
      const p = c.req.valid('param');
      const now = Date.now();
      const r = range(c.req.valid('query'), now);
      const project = await getProject(c.var.db, p.project);
      const env = await getEnvironment(c.var.db, project.id, p.env);
      return c.json({ from: new Date(r.from).toISOString(), to: new Date(r.to).toISOString(), releases: await releaseCalendar(c.var.db, project.id, [env], r, now) }, 200);
    },
  )
  .openapi(
    createRoute({ method: 'get', path: '/projects/{project}/calendar', security, description: `${description} Every environment of the project.`, request: { params: projectParams, query: rangeQuery }, responses: { 200: json(calendarSchema, 'The project’s releases in the range'), ...errorResponses } }),
    async (c) => {
      const now = Date.now();
      const r = range(c.req.valid('query'), now);
      const project = await getProject(c.var.db, c.req.valid('param').project);
      return c.json({ from: new Date(r.from).toISOString(), to: new Date(r.to).toISOString(), releases: await releaseCalendar(c.var.db, project.id, await listEnvironments(c.var.db, project.id), r, now) }, 200);
    },
  );
