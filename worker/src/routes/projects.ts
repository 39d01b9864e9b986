// /api/v1/projects and their environments (with their shared rules). Callers: as auth/permissions.ts says.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../context';
import { holdsRoleIn } from '../auth/permissions';
import { createEnvironment, createProject, environmentView, getEnvironment, getProject, listEnvironments, listProjects, projectView, updateProject } from '../store/projects';
import { nothingToChange, somethingToChange } from './schemas';
import { envParams, environmentSchema, errorResponses, json, keySchema, metadataSchema, projectParams, projectSchema, jsonBody } from './schemas';
import { environmentTag, updateEnvironment } from '../store/environment-rules';
import { publishAndAdopt } from './publish-and-adopt';
import { ifMatchHeaders, ifMatchOf, setEtag, tagged, writeConflicts } from './preconditions';

const security = [{ AdminToken: [] }];
const newProject = z.object({ key: keySchema, name: z.string().min(1).max(200) }).strict();
const projectPatchSchema = z
  .object({ name: z.string().min(1).max(200), staleAfterDays: z.number().int().min(1).max(3650) })
  .partial()
  .strict()
  .refine(somethingToChange, nothingToChange)
  .openapi('ProjectPatch');
const rulesSchema = z.record(z.string().min(1).max(128), z.unknown());
const environmentDetailSchema = environmentSchema
  .extend({ segments: rulesSchema, evaluators: rulesSchema, metadata: metadataSchema, dormantGuard: z.boolean() })
  .openapi('EnvironmentDetail');
const environmentPatchSchema = z
  .object({ name: z.string().min(1).max(200), segments: rulesSchema, evaluators: rulesSchema, metadata: metadataSchema, dormantGuard: z.boolean(), protected: z.boolean(), requiredApprovals: z.number().int().min(1).max(10) })
  .partial()
  .strict()
  .refine(somethingToChange, nothingToChange)
  .openapi('EnvironmentPatch');

export const projectRoutes = new OpenAPIHono<AppEnv>()
  .openapi(
    createRoute({ method: 'get', path: '/projects', security, responses: { 200: json(z.object({ projects: z.array(projectSchema) }), 'All projects'), 401: errorResponses[401] } }),
    // only the projects the caller holds a role in
    async (c) => c.json({ projects: (await listProjects(c.var.db)).filter((p) => holdsRoleIn(c.var.actor.grants, p.key)).map(projectView) }, 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/projects',
      security,
      request: jsonBody(newProject),
      responses: { 201: json(projectSchema, 'Created, with environments development, staging and production'), ...errorResponses, 409: errorResponses[400] },
    }),
    async (c) => c.json(projectView(await createProject(c.var.db, c.var.actor, c.req.valid('json'))), 201),
  )
  .openapi(
    createRoute({ method: 'get', path: '/projects/{project}', security, request: { params: projectParams }, responses: { 200: json(projectSchema, 'The project'), ...errorResponses } }),
    async (c) => c.json(projectView(await getProject(c.var.db, c.req.valid('param').project)), 200),
  )
  .openapi(
    createRoute({
      method: 'patch',
      path: '/projects/{project}',
      security,
      description: 'Renames the project or changes its settings (`staleAfterDays`: after how many days at 100 % a released flag is ready to clean up). Audited.',
      request: { params: projectParams, ...jsonBody(projectPatchSchema) },
      responses: { 200: json(projectSchema, 'Updated'), ...errorResponses },
    }),
    async (c) => {
      const project = await getProject(c.var.db, c.req.valid('param').project);
      return c.json(projectView(await updateProject(c.var.db, c.var.actor, project, c.req.valid('json'))), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/projects/{project}/environments',
      security,
      request: { params: projectParams },
      responses: { 200: json(z.object({ environments: z.array(environmentSchema) }), "The project's environments"), ...errorResponses },
    }),
    async (c) => {
      const project = await getProject(c.var.db, c.req.valid('param').project);
      return c.json({ environments: (await listEnvironments(c.var.db, project.id)).map(environmentView) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/projects/{project}/environments/{env}',
      security,
      request: { params: envParams },
      responses: { 200: tagged(json(environmentDetailSchema, 'The environment with its shared rules; its ETag names this version of what PATCH edits (name, guard, rules)')), ...errorResponses },
    }),
    async (c) => {
      const params = c.req.valid('param');
      const project = await getProject(c.var.db, params.project);
      const { view, etag } = await environmentTag(await getEnvironment(c.var.db, project.id, params.env));
      setEtag(c, etag);
      return c.json(view, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'patch',
      path: '/projects/{project}/environments/{env}',
      security,
      description:
        "Renames the environment, switches its dormant-code guard or its protection (`protected`: writes there by anyone but an admin open change requests; `requiredApprovals`: how many approvals each needs, 1–10), or replaces its shared rules: `segments` (Curtain), `evaluators` (flagd's `$evaluators`) and flag-set `metadata`. Rules are validated with every flag of the environment; a change is live at the edge within seconds.",
      request: { params: envParams, headers: ifMatchHeaders, ...jsonBody(environmentPatchSchema) },
      responses: { 200: tagged(json(environmentDetailSchema, 'Updated')), ...errorResponses, ...writeConflicts },
    }),
    async (c) => {
      const params = c.req.valid('param');
      const project = await getProject(c.var.db, params.project);
      const { row, affected } = await updateEnvironment(c.var.db, c.var.actor, project, params.env, c.req.valid('json'), ifMatchOf(c));
      await publishAndAdopt(c.env, c.var.db, affected);
      const { view, etag } = await environmentTag(row);
      setEtag(c, etag);
      return c.json(view, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/projects/{project}/environments',
      security,
      request: { params: projectParams, ...jsonBody(newProject) },
      responses: { 201: json(environmentSchema, 'Created'), ...errorResponses, 409: errorResponses[400] },
    }),
    async (c) => {
      const project = await getProject(c.var.db, c.req.valid('param').project);
      return c.json(environmentView(await createEnvironment(c.var.db, c.var.actor, project, c.req.valid('json'))), 201);
    },
  );
