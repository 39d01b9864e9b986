// /api/v1/projects/{project}/flags and per-environment flag config. Callers: as auth/permissions.ts says; in a protected environment a write may open a change request (held-writes.ts).
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../context';
import { flagView, getFlag, listFlags, servedView } from '../store/flags';
import { heldResponse } from './change-request-schemas';
import { perform } from './held-writes';
import { getProject } from '../store/projects';
import { flagWriteQuery } from './release-schemas';
import { envConfigPatchSchema, envParams, errorResponses, flagInputSchema, flagPatchSchema, flagSchema, json, keySchema, projectParams, jsonBody } from './schemas';
import { entityTag } from '../store/write-conditions';
import { effectiveState } from '../store/settle';
import { withArchiveWarning, withUsage } from './flag-usage';
import { ifMatchHeaders, ifMatchOf, setEtag, tagged, writeConflicts } from './preconditions';

const security = [{ AdminToken: [] }];

const flagParams = projectParams.extend({ flag: keySchema });
const envFlagParams = envParams.extend({ flag: keySchema });

export const flagRoutes = new OpenAPIHono<AppEnv>()
  .openapi(
    createRoute({
      method: 'get',
      path: '/projects/{project}/flags',
      security,
      request: { params: projectParams, query: z.object({ stale: z.enum(['true', 'false']).optional().describe('true: only the flags ready to clean up') }) },
      responses: { 200: json(z.object({ flags: z.array(flagSchema) }), 'Every flag, with its config and usage in every environment, and whether it is stale'), ...errorResponses },
    }),
    async (c) => {
      const project = await getProject(c.var.db, c.req.valid('param').project);
      const flags = await withUsage(c, project, await listFlags(c.var.db, project));
      return c.json({ flags: c.req.valid('query').stale === 'true' ? flags.filter((f) => f.stale !== null) : flags }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/projects/{project}/flags',
      security,
      description: 'Creates a flag, DISABLED in every environment unless `environments` says otherwise. A boolean flag without variants gets `{on: true, off: false}` and default variant `on`.',
      request: { params: projectParams, ...jsonBody(flagInputSchema) },
      responses: { 201: tagged(json(flagSchema, 'Created')), ...heldResponse, ...errorResponses, 409: writeConflicts[409] },
    }),
    async (c) => {
      const params = c.req.valid('param');
      return perform(c, 'flag.create', await getProject(c.var.db, params.project), { params, query: {}, body: c.req.valid('json') });
    },
  )
  .openapi(
    createRoute({ method: 'get', path: '/projects/{project}/flags/{flag}', security, request: { params: flagParams }, responses: { 200: tagged(json(flagSchema, 'The flag; its ETag names this version of the definition and of every environment’s config')), ...errorResponses } }),
    async (c) => {
      const params = c.req.valid('param');
      const project = await getProject(c.var.db, params.project);
      const found = await getFlag(c.var.db, project, params.flag);
      const now = Date.now();
      // as a write will read it: what the release clock has yet to record is applied first (store/settle.ts)
      const state = effectiveState(found.state, now);
      setEtag(c, await entityTag(flagView(found.flag, state)));
      const [view] = await withUsage(c, project, [servedView(found.flag, state, now)]);
      return c.json(view, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'patch',
      path: '/projects/{project}/flags/{flag}',
      security,
      request: { params: flagParams, query: flagWriteQuery.omit({ force: true }), headers: ifMatchHeaders, ...jsonBody(flagPatchSchema) },
      responses: { 200: tagged(json(flagSchema, 'Updated')), ...heldResponse, ...errorResponses, ...writeConflicts },
    }),
    async (c) => {
      const params = c.req.valid('param');
      const body = c.req.valid('json');
      const project = await getProject(c.var.db, params.project);
      const res: Response = await perform(c, 'flag.update', project, { params, query: c.req.valid('query'), body }, ifMatchOf(c));
      // a 202 (held for approval) is not an archive yet: no warning
      return (body.archived === true && res.status === 200 ? await withArchiveWarning(c, project, params.flag, res) : res) as never;
    },
  )
  .openapi(
    createRoute({ method: 'delete', path: '/projects/{project}/flags/{flag}', security, description: 'Deletes the flag in every environment, with its pending scheduled changes. Refused (409) while a release owns it or a draft release names it; ended releases keep their record (a flag created again under the key is never in them).', request: { params: flagParams, query: flagWriteQuery.pick({ releaseAction: true }), headers: ifMatchHeaders }, responses: { 204: { description: 'Deleted' }, ...heldResponse, ...errorResponses, ...writeConflicts } }),
    async (c) => {
      const params = c.req.valid('param');
      return perform(c, 'flag.delete', await getProject(c.var.db, params.project), { params, query: c.req.valid('query'), body: null }, ifMatchOf(c));
    },
  )
  .openapi(
    createRoute({
      method: 'patch',
      path: '/projects/{project}/environments/{env}/flags/{flag}',
      security,
      description:
        "Changes a flag's state, default variant or targeting in one environment; live at the edge within seconds. Switching a flag on that no recorded deployment of the environment uses answers 409 DORMANT_CODE unless `?force=true`. While a release owns the flag there (scheduled, rolling out or paused), changing its switch or default variant answers 409 RELEASE_OWNS_FLAG unless `?releaseAction=rollback|kill` ends the release with the change; its targeting may change (the flag's own rules decide before the release).",
      request: { params: envFlagParams, query: flagWriteQuery, headers: ifMatchHeaders, ...jsonBody(envConfigPatchSchema) },
      responses: { 200: tagged(json(flagSchema, 'Updated')), ...heldResponse, ...errorResponses, ...writeConflicts },
    }),
    async (c) => {
      const params = c.req.valid('param');
      return perform(c, 'flag.configure', await getProject(c.var.db, params.project), { params, query: c.req.valid('query'), body: c.req.valid('json') }, ifMatchOf(c));
    },
  );
