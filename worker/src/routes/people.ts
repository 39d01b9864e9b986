// /api/v1/people: the people who sign in through Cloudflare Access, and their roles. Caller: an admin over every project.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../context';
import { addPerson, listPeople, removePerson, updatePerson } from '../store/people';
import { personInputSchema, personPatchSchema, personSchema } from './grant-schemas';
import { errorResponses, json, jsonBody, nothingToChange, somethingToChange } from './schemas';

const security = [{ AdminToken: [] }];
const idParams = z.object({ id: z.string().regex(/^[a-z0-9]{16}$/) });

export const peopleRoutes = new OpenAPIHono<AppEnv>()
  .openapi(createRoute({ method: 'get', path: '/people', security, responses: { 200: json(z.object({ people: z.array(personSchema) }), 'Everyone with an entry, by email'), ...errorResponses } }), async (c) =>
    c.json({ people: await listPeople(c.var.db) }, 200),
  )
  .openapi(
    createRoute({ method: 'post', path: '/people', security, description: 'Adds a person by the email their Access sign-in carries, with their roles (grants).', request: jsonBody(personInputSchema), responses: { 201: json(personSchema, 'Added'), ...errorResponses, 409: errorResponses[400] } }),
    async (c) => c.json(await addPerson(c.var.db, c.var.actor, c.req.valid('json')), 201),
  )
  .openapi(
    createRoute({ method: 'patch', path: '/people/{id}', security, request: { params: idParams, ...jsonBody(personPatchSchema.refine(somethingToChange, nothingToChange)) }, responses: { 200: json(personSchema, 'Updated'), ...errorResponses } }),
    async (c) => c.json(await updatePerson(c.var.db, c.var.actor, c.req.valid('param').id, c.req.valid('json')), 200),
  )
  .openapi(createRoute({ method: 'delete', path: '/people/{id}', security, request: { params: idParams }, responses: { 204: { description: 'Removed' }, ...errorResponses } }), async (c) => {
    await removePerson(c.var.db, c.var.actor, c.req.valid('param').id);
    return c.body(null, 204);
  });
