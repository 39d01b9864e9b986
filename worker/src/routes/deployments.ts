// /api/v1/projects/{project}/environments/{env}/deployments: what CI deployed, and the flags deployed but not released.
// Caller: an admin token (a CI pipeline's).
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../context';
import { publishAndAdopt } from './publish-and-adopt';
import { flagReferences, listDeployments, recordDeployment, unreleasedFlags } from '../store/deployments';
import { getFlag } from '../store/flags';
import { getEnvironment, getProject } from '../store/projects';
import { deploymentInputSchema, deploymentSchema } from './release-schemas';
import { envParams, errorResponses, json, jsonBody, keySchema, projectParams } from './schemas';

const security = [{ AdminToken: [] }];
const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  before: z.string().max(64).optional().describe('the `next` of the previous page'),
});

async function resolve(c: { var: AppEnv['Variables'] }, params: { project: string; env: string }) {
  const project = await getProject(c.var.db, params.project);
  return { project, env: await getEnvironment(c.var.db, project.id, params.env) };
}

export const deploymentRoutes = new OpenAPIHono<AppEnv>()
  .openapi(
    createRoute({
      method: 'post',
      path: '/projects/{project}/environments/{env}/deployments',
      security,
      description: 'Records a deployment. Flags it names that do not exist yet are created dormant: boolean, disabled in every environment.',
      request: { params: envParams, ...jsonBody(deploymentInputSchema) },
      responses: { 201: json(z.object({ deployment: deploymentSchema, createdFlags: z.array(z.string()) }), 'Recorded'), ...errorResponses },
    }),
    async (c) => {
      const { project, env } = await resolve(c, c.req.valid('param'));
      const { deployment, createdFlags, affected } = await recordDeployment(c.var.db, c.var.actor, project, env, c.req.valid('json'));
      await publishAndAdopt(c.env, c.var.db, affected);
      return c.json({ deployment, createdFlags }, 201);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/projects/{project}/environments/{env}/deployments',
      security,
      request: { params: envParams, query: pageQuery },
      responses: { 200: json(z.object({ deployments: z.array(deploymentSchema), next: z.string().nullable() }), 'Newest first; `next` is the `before` of the following page'), ...errorResponses },
    }),
    async (c) => {
      const { env } = await resolve(c, c.req.valid('param'));
      const { limit, before } = c.req.valid('query');
      return c.json(await listDeployments(c.var.db, env, limit, before), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/projects/{project}/environments/{env}/unreleased-flags',
      security,
      description: 'Flags that a recorded deployment uses but that are neither on nor under a release in this environment: deployed, not released.',
      request: { params: envParams },
      responses: { 200: json(z.object({ flags: z.array(z.object({ key: z.string(), lastDeployedAt: z.string(), lastVersion: z.string() })) }), 'Deployed, not released'), ...errorResponses },
    }),
    async (c) => {
      const { project, env } = await resolve(c, c.req.valid('param'));
      return c.json({ flags: await unreleasedFlags(c.var.db, project, env) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/projects/{project}/flags/{flag}/references',
      security,
      description: 'Where the code uses the flag: per environment, the newest recorded deployment that uses it, with the file and line of each use it recorded (`curtain deploy record --flags-from DIR` sends them).',
      request: { params: projectParams.extend({ flag: keySchema }) },
      responses: {
        200: json(
          z.object({
            environments: z.array(
              z.object({
                environment: z.string(),
                deployment: z.object({ id: z.string(), version: z.string(), commit: z.string().nullable(), at: z.string() }),
                references: z.array(z.object({ file: z.string(), line: z.number() })),
              }),
            ),
          }),
          'Environments whose deployments use the flag',
        ),
        ...errorResponses,
      },
    }),
    async (c) => {
      const p = c.req.valid('param');
      const project = await getProject(c.var.db, p.project);
      const { state } = await getFlag(c.var.db, project, p.flag);
      return c.json({ environments: await flagReferences(c.var.db, project, state.environments, p.flag) }, 200);
    },
  );
