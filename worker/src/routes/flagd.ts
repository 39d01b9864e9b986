// /api/v1/projects/{project}/environments/{env}/flagd: an environment as a flagd file, out and in.
// Caller: an admin token.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../context';
import { exportEnvironment } from '../store/flagd-import';
import { heldResponse } from './change-request-schemas';
import { perform } from './held-writes';
import { loadProjectState } from '../store/flag-set';
import { effectiveState } from '../store/settle';
import { getProject } from '../store/projects';
import { envParams, errorResponses, json, jsonBody } from './schemas';
import { flagdFile } from './write-schemas';
import { notFound } from '../errors';

const security = [{ AdminToken: [] }];
const reportSchema = z
  .object({
    dryRun: z.boolean(),
    report: z.object({
      created: z.array(z.string()),
      updated: z.array(z.string()),
      unchanged: z.array(z.string()),
      deleted: z.array(z.string()),
      notInFile: z.array(z.string()),
      sharedRulesChanged: z.boolean(),
      warnings: z
        .array(z.object({ flag: z.string().nullable(), path: z.string(), message: z.string() }))
        .describe("Rules that flagd loads and evaluates but Curtain's stricter checks would refuse, in the environment after the import: the flag they concern (null for a shared rule no flag uses), a JSON pointer and what is wrong"),
      releases: z
        .array(
          z.object({
            flag: z.string(),
            environment: z.string(),
            release: z.object({ key: z.string(), state: z.string(), percent: z.number() }),
            change: z.enum(['targeting', 'switch', 'variants', 'delete']),
            refused: z.boolean(),
          }),
        )
        .describe('flags the file touches that a running release owns: a change of their rules is applied (they decide before the release); one of their switch, default variant, the variants the release serves, or their deletion is refused (409 RELEASE_OWNS_FLAG) unless `releaseAction` ends the release with the import'),
      dormant: z.array(z.string()).describe('flags the file switches on that no recorded deployment of the environment uses: refused (409 DORMANT_CODE) unless `force=true`'),
    }),
  })
  .openapi('ImportReport');
const flag = (description: string) => z.enum(['true', 'false']).default('false').transform((v) => v === 'true').describe(description);

export const flagdRoutes = new OpenAPIHono<AppEnv>()
  .openapi(
    createRoute({ method: 'get', path: '/projects/{project}/environments/{env}/flagd', security, request: { params: envParams }, responses: { 200: json(flagdFile, 'The environment as a flagd file'), ...errorResponses } }),
    async (c) => {
      const params = c.req.valid('param');
      const state = effectiveState(await loadProjectState(c.var.db, (await getProject(c.var.db, params.project)).id), Date.now());
      const env = state.environments.find((e) => e.key === params.env);
      if (!env) throw notFound(`Environment '${params.env}'`);
      return c.json(exportEnvironment(state, env) as unknown as Record<string, unknown>, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'put',
      path: '/projects/{project}/environments/{env}/flagd',
      security,
      description:
        "Imports a flagd file into the environment, all or nothing. Any file that flagd loads is accepted: rules that Curtain's stricter checks would refuse (an unknown operator, bad arguments to sem_ver/starts_with/ends_with, partial versions, negative fractional weights, a $ref to a missing shared rule, targeting that can return a name that is not a variant) are listed under `report.warnings` and evaluate as flagd evaluates them; `strict=true` refuses them instead (400 INVALID_DEFINITION with the same paths). Flag keys follow the API's key rule. A flag may carry Curtain's attributes beside flagd's fields (`description`, `tags`, `clientVisible`), set with the import; the export is a plain flagd file without them. Flags of the project missing from the file are left alone unless `prune=true`, which deletes them. `dryRun=true` reports without writing. A flag a running release owns keeps its switch, default variant and the variants the release serves (409 RELEASE_OWNS_FLAG, listed in `report.releases`, unless `releaseAction`); flags switched on must be deployed (409 DORMANT_CODE unless `force=true`).",
      request: {
        params: envParams,
        query: z.object({
          dryRun: flag('report without writing'),
          prune: flag('delete flags absent from the file'),
          strict: flag("refuse rules that Curtain's stricter checks refuse, instead of importing them with warnings"),
          force: flag('switch on flags that no recorded deployment uses (the dormant-code guard)'),
          releaseAction: z.enum(['rollback', 'kill']).optional().describe('ends the releases that own flags the file changes, with the import (409 RELEASE_OWNS_FLAG otherwise)'),
        }),
        ...jsonBody(flagdFile),
      },
      responses: { 200: json(reportSchema, 'What changed (or would change)'), ...heldResponse, ...errorResponses, 409: { description: 'Refused: a running release owns a flag the file changes, or the dormant-code guard', content: errorResponses[400].content } },
    }),
    async (c) => {
      const params = c.req.valid('param');
      return perform(c, 'flagd.import', await getProject(c.var.db, params.project), { params, query: c.req.valid('query'), body: c.req.valid('json') });
    },
  );
