// /api/v1/projects and their environments. Caller: an admin token.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../context';
import { createEnvironment, createProject, environmentView, getProject, listEnvironments, listProjects, projectView } from '../store/projects';
import { environmentSchema, errorResponses, json, keySchema, projectParams, projectSchema } from './schemas';

const security = [{ AdminToken: [] }];
const newProject = z.object({ key: keySchema, name: z.string().min(1).max(200) }).strict();

export const projectRoutes = new OpenAPIHono<AppEnv>()
  .openapi(
    createRoute({ method: 'get', path: '/projects', security, responses: { 200: json(z.object({ projects: z.array(projectSchema) }), 'All projects'), 401: errorResponses[401] } }),
    async (c) => c.json({ projects: (await listProjects(c.var.db)).map(projectView) }, 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/projects',
      security,
      request: { body: { content: { 'application/json': { schema: newProject } }, required: true } },
      responses: { 201: json(projectSchema, 'Created, with environments development, staging and production'), ...errorResponses, 409: errorResponses[400] },
    }),
    async (c) => c.json(projectView(await createProject(c.var.db, c.var.actor.name, c.req.valid('json'))), 201),
  )
  .openapi(
    createRoute({ method: 'get', path: '/projects/{project}', security, request: { params: projectParams }, responses: { 200: json(projectSchema, 'The project'), ...errorResponses } }),
    async (c) => c.json(projectView(await getProject(c.var.db, c.req.valid('param').project)), 200),
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
      method: 'post',
      path: '/projects/{project}/environments',
      security,
      request: { params: projectParams, body: { content: { 'application/json': { schema: newProject } }, required: true } },
      responses: { 201: json(environmentSchema, 'Created'), ...errorResponses, 409: errorResponses[400] },
    }),
    async (c) => {
      const project = await getProject(c.var.db, c.req.valid('param').project);
      return c.json(environmentView(await createEnvironment(c.var.db, c.var.actor.name, project, c.req.valid('json'))), 201);
    },
  );
