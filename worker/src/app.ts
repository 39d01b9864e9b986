// Builds the Hono app used by the worker and by the tests: routes, authentication, errors, OpenAPI.
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import type { AppEnv } from './context';
import { requireAdmin } from './auth/admin';
import { authorize } from './auth/authorize';
import { ApiError, renderError } from './errors';
import { adminTokenRoutes } from './routes/admin-tokens';
import { auditRoutes } from './routes/audit';
import { changeRequestRoutes } from './routes/change-requests';
import { peopleRoutes } from './routes/people';
import { webhookRoutes } from './routes/webhooks';
import { pumpEvents } from './webhooks/outbox';
import { meSchema } from './routes/grant-schemas';
import { bootstrapRoutes } from './routes/bootstrap';
import { deploymentRoutes } from './routes/deployments';
import { evaluateRoutes } from './routes/evaluate';
import { releaseRoutes } from './routes/releases';
import { calendarRoutes } from './routes/calendar';
import { feedRoutes } from './routes/feed';
import { feedTokenRoutes } from './routes/feed-tokens';
import { feedbackAdminRoutes, feedbackRoutes } from './routes/feedback';
import { whatsNewRoutes } from './routes/whats-new';
import { flagScheduleRoutes } from './routes/flag-schedules';
import { flagdRoutes } from './routes/flagd';
import { flagRoutes } from './routes/flags';
import { exposureRoutes } from './routes/exposures';
import { trackRoutes } from './routes/track';
import { lookupRoutes } from './routes/lookup';
import { ofrepRoutes } from './routes/ofrep';
import { projectRoutes } from './routes/projects';
import { propagationRoutes } from './routes/propagation';
import { sdkKeyRoutes } from './routes/sdk-keys';
import { openDb } from './store/db';
import { edgeCorsOptions } from './edge/cors';

const edgeCors = cors(edgeCorsOptions);

/** Admin request bodies: 1 MiB, and 32 MiB for a flagd import (20,000 flags are about 7 MB). */
export const ADMIN_BODY_MAX_BYTES = 1024 * 1024;
export const ADMIN_IMPORT_MAX_BYTES = 32 * 1024 * 1024;
const tooLarge = (max: number): never => {
  throw new ApiError('PAYLOAD_TOO_LARGE', `The request body may be at most ${max / 1024 / 1024} MiB`);
};

/** The flagd import, `PUT /api/v1/projects/{project}/environments/{env}/flagd`: the one route that takes the larger body. */
const FLAGD_IMPORT_PATH = /^\/api\/v1\/projects\/[^/]+\/environments\/[^/]+\/flagd$/;
export const isFlagdImport = (method: string, path: string) => method === 'PUT' && FLAGD_IMPORT_PATH.test(path);

export function createApp() {
  const api = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const issues = result.error.issues.map((i) => ({ path: '/' + i.path.join('/'), message: i.message }));
        throw new ApiError('VALIDATION_FAILED', `Invalid input: ${issues[0].path} ${issues[0].message}`, issues);
      }
    },
  });
  api.openAPIRegistry.registerComponent('securitySchemes', 'AdminToken', { type: 'http', scheme: 'bearer', description: 'An admin token' });
  api.doc31('/openapi.json', {
    openapi: '3.1.0',
    servers: [{ url: '/api/v1' }],
    info: {
      title: 'Curtain admin API',
      version: '1.0.0',
      description: 'Projects, environments, flags, SDK keys, audit. Evaluation is OFREP at /ofrep/v1 (see the OFREP specification), plain lookups at /v1/flags, and what’s new, feedback and the release feed at /v1/whats-new, /v1/feedback and /v1/releases.atom (docs/announcing.md).',
    },
  });
  api.use('*', async (c, next) => {
    c.set('db', openDb(c.env.DB));
    if (c.req.path === '/api/v1/openapi.json') return next();
    return requireAdmin(c, next);
  });
  // after a write, the outbox turns its audit entries into webhook deliveries, in the background (webhooks/outbox.ts)
  api.use('*', async (c, next) => {
    await next();
    if (c.req.method !== 'GET' && c.res.status < 300) c.executionCtx.waitUntil(pumpEvents(c.env, c.var.db));
  });
  // Body sizes (docs/limits.md): a whole environment as a flagd file may be large, anything else is small.
  const importLimit = bodyLimit({ maxSize: ADMIN_IMPORT_MAX_BYTES, onError: () => tooLarge(ADMIN_IMPORT_MAX_BYTES) });
  const bodyLimitOf = bodyLimit({ maxSize: ADMIN_BODY_MAX_BYTES, onError: () => tooLarge(ADMIN_BODY_MAX_BYTES) });
  api.use('*', (c, next) => (isFlagdImport(c.req.method, c.req.path) ? importLimit(c, next) : bodyLimitOf(c, next)));
  // who may call what: one table for every route (auth/permissions.ts)
  api.use('*', (c, next) => (c.req.path === '/api/v1/openapi.json' ? next() : authorize(c, next)));
  // Bodies are JSON: one sent as another type is refused rather than read as JSON anyway.
  api.use('*', async (c, next) => {
    const type = c.req.header('content-type');
    if (type !== undefined && c.req.raw.body !== null && !/^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i.test(type)) {
      throw new ApiError('UNSUPPORTED_MEDIA_TYPE', `Request bodies are JSON: send content-type application/json, not ${type.split(';')[0]}`);
    }
    return next();
  });
  api.openapi(createRoute({ method: 'get', path: '/me', security: [{ AdminToken: [] }], responses: { 200: { description: 'Who is calling, and the roles they hold', content: { 'application/json': { schema: meSchema } } } } }), (c) => {
    const a = c.var.actor;
    return c.json({ token: { id: a.id, name: a.name }, kind: a.kind, email: a.email ?? null, grants: a.grants }, 200);
  });
  api.route('/', bootstrapRoutes);
  api.route('/', adminTokenRoutes);
  api.route('/', peopleRoutes);
  api.route('/', changeRequestRoutes);
  api.route('/', webhookRoutes);
  api.route('/', projectRoutes);
  api.route('/', flagRoutes);
  api.route('/', exposureRoutes);
  api.route('/', flagdRoutes);
  api.route('/', sdkKeyRoutes);
  api.route('/', auditRoutes);
  api.route('/', propagationRoutes);
  api.route('/', deploymentRoutes);
  api.route('/', releaseRoutes);
  api.route('/', flagScheduleRoutes);
  api.route('/', feedTokenRoutes);
  api.route('/', calendarRoutes);
  api.route('/', feedbackAdminRoutes);
  api.route('/', evaluateRoutes);
  api.onError(renderError);

  const app = new OpenAPIHono<AppEnv>();
  app.route('/api/v1', api);
  app.use('/ofrep/*', edgeCors);
  app.use('/v1/*', edgeCors);
  app.route('/ofrep/v1', ofrepRoutes);
  // announcing, before the lookups, whose SDK-key middleware covers all of /v1/*: the feed takes a feed token
  app.route('/v1', whatsNewRoutes);
  app.route('/v1', feedbackRoutes);
  app.route('/v1', trackRoutes);
  app.route('/v1', feedRoutes);
  app.route('/v1', lookupRoutes);
  app.onError((err, c) => {
    console.error('curtain: unhandled error', err instanceof Error ? err.message : String(err));
    return c.json({ errorDetails: 'An internal error occurred' }, 500);
  });
  app.notFound((c) => {
    if (c.req.path.startsWith('/api/')) return c.json(new ApiError('NOT_FOUND', `No route for ${c.req.method} ${c.req.path}`).body(), 404);
    if (/^\/(ofrep|v1)\//.test(c.req.path) || !c.env.ASSETS) return c.json({ errorDetails: 'Not found' }, 404);
    return c.env.ASSETS.fetch(c.req.raw);
  });
  return app;
}
