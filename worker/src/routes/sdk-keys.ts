// /api/v1/projects/{project}/environments/{env}/sdk-keys. Caller: an admin token.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../context';
import { publishAndAdopt } from './publish-and-adopt';
import { getEnvironment, getProject } from '../store/projects';
import { createSdkKey, getSdkKey, listSdkKeys, MAX_RATE_LIMIT, revokeSdkKey, sdkKeyTag, setSdkKeyRateLimit } from '../store/sdk-keys';
import { entityTag } from '../store/write-conditions';
import { ifMatchHeaders, ifMatchOf, setEtag, tagged, writeConflicts } from './preconditions';
import { envParams, errorResponses, json, sdkKeySchema, jsonBody } from './schemas';

const security = [{ AdminToken: [] }];
const rateLimit = z
  .number()
  .int()
  .min(1)
  .max(MAX_RATE_LIMIT)
  .nullable()
  .openapi({ description: `Evaluations per second per edge location, averaged over 10 s (1–${MAX_RATE_LIMIT}); null: no limit` });
const newKey = z
  .object({
    name: z.string().min(1).max(200),
    kind: z.enum(['server', 'client']),
    rateLimit: rateLimit.optional().openapi({ description: 'Default: none for server keys, 1000 for client keys' }),
  })
  .strict();
const keyPatch = z.object({ rateLimit }).strict().openapi('SdkKeyPatch');
const keyParams = envParams.extend({ id: z.string().regex(/^[a-z0-9]{16}$/) });

async function resolve(c: { var: AppEnv['Variables'] }, params: { project: string; env: string }) {
  const project = await getProject(c.var.db, params.project);
  return { project, env: await getEnvironment(c.var.db, project.id, params.env) };
}

export const sdkKeyRoutes = new OpenAPIHono<AppEnv>()
  .openapi(
    createRoute({
      method: 'get',
      path: '/projects/{project}/environments/{env}/sdk-keys',
      security,
      request: { params: envParams },
      responses: { 200: json(z.object({ sdkKeys: z.array(sdkKeySchema) }), 'Keys of the environment, without their secrets'), ...errorResponses },
    }),
    async (c) => {
      const { env } = await resolve(c, c.req.valid('param'));
      return c.json({ sdkKeys: await listSdkKeys(c.var.db, env) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/projects/{project}/environments/{env}/sdk-keys',
      security,
      description: 'Creates a server key (evaluates every flag) or a client key (safe in a browser: only client-visible flags). The secret is in this response only.',
      request: { params: envParams, ...jsonBody(newKey) },
      responses: { 201: tagged(json(sdkKeySchema.extend({ secret: z.string() }), 'Created')), ...errorResponses },
    }),
    async (c) => {
      const { project, env } = await resolve(c, c.req.valid('param'));
      const created = await createSdkKey(c.var.db, c.var.actor, project, env, c.req.valid('json'));
      await publishAndAdopt(c.env, c.var.db, [env.id]);
      const { secret: _shownOnce, ...view } = created;
      setEtag(c, await entityTag(view));
      return c.json(created, 201);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/projects/{project}/environments/{env}/sdk-keys/{id}',
      security,
      request: { params: keyParams },
      responses: { 200: tagged(json(sdkKeySchema, 'The key, without its secret; its ETag names this version (limit, revocation)')), ...errorResponses },
    }),
    async (c) => {
      const params = c.req.valid('param');
      const { env } = await resolve(c, params);
      const { view, etag } = await sdkKeyTag(await getSdkKey(c.var.db, env, params.id));
      setEtag(c, etag);
      return c.json(view, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'patch',
      path: '/projects/{project}/environments/{env}/sdk-keys/{id}',
      security,
      description: "Sets an active key's evaluation limit; it takes effect at the edge within the same bound as any other change. 404 for a revoked or unknown key.",
      request: { params: envParams.extend({ id: z.string() }), headers: ifMatchHeaders, ...jsonBody(keyPatch) },
      responses: { 200: tagged(json(sdkKeySchema, 'The key as it is now')), ...errorResponses, ...writeConflicts },
    }),
    async (c) => {
      const params = c.req.valid('param');
      const { project, env } = await resolve(c, params);
      const { view, changed } = await setSdkKeyRateLimit(c.var.db, c.var.actor, project, env, params.id, c.req.valid('json').rateLimit, ifMatchOf(c));
      if (changed) await publishAndAdopt(c.env, c.var.db, [env.id]);
      setEtag(c, await entityTag(view));
      return c.json(view, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'delete',
      path: '/projects/{project}/environments/{env}/sdk-keys/{id}',
      security,
      description: 'Revokes a key; it stops working at the edge within the same bound as any other change.',
      request: { params: keyParams, headers: ifMatchHeaders },
      responses: { 204: { description: 'Revoked' }, ...errorResponses, ...writeConflicts },
    }),
    async (c) => {
      const params = c.req.valid('param');
      const { project, env } = await resolve(c, params);
      await revokeSdkKey(c.var.db, c.var.actor, project, env, params.id, ifMatchOf(c));
      await publishAndAdopt(c.env, c.var.db, [env.id]);
      return c.body(null, 204);
    },
  );
