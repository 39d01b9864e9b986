// /api/v1/projects/{project}/change-requests: the writes protected environments hold, and their review: approve (not
// the author), reject, edit (the author; voids the approvals), apply (re-checks the base: 409 with a diff when the
// target changed since). Callers: a role that may make the held write (auth/permissions.ts).
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../context';
import { assertAllowed } from '../auth/authorize';
import { routePermissions } from '../auth/permissions';
import { ApiError } from '../errors';
import { approveRequest, assertState, editRequest, getRequest, isRequestRace, listRequests, markApplied, rejectRequest, requestState, requestView, reviewedActor } from '../store/change-requests';
import type { ChangeRequestRow, ProjectRow } from '../store/db';
import { jsonDiff } from '../store/json-diff';
import { getProject, listEnvironments } from '../store/projects';
import { changeRequestSchema, commentSchema, editSchema } from './change-request-schemas';
import { baseOf, heldKinds, requestFields } from './held-writes';
import type { HeldContext } from './held-kinds';
import { errorResponses, json, jsonBody, projectParams } from './schemas';

const security = [{ AdminToken: [] }];
const idParams = projectParams.extend({ id: z.string().regex(/^[a-z0-9]{16}$/) });
const one = z.object({ changeRequest: changeRequestSchema });
const conflict = { 409: { description: 'Refused: the request is not in a state that allows it (`INVALID_STATE`), or its target changed since it was made (`CHANGE_REQUEST_STALE`, with `diff`)', content: errorResponses[400].content } };

async function load(c: Context<AppEnv>, params: { project: string; id: string }) {
  const project = await getProject(c.var.db, params.project);
  const row = await getRequest(c.var.db, project, params.id);
  const envs = await listEnvironments(c.var.db, project.id);
  const x: HeldContext = { env: c.env, db: c.var.db, actor: c.var.actor, project, now: Date.now() };
  return { project, row, envs, x, view: (r: ChangeRequestRow) => requestView(r, project, envs, x.now) };
}

/** The reviewer must be allowed to make the held write themselves (its route's entry, in its environment). */
function assertMayReview(c: Context<AppEnv>, project: ProjectRow, row: ChangeRequestRow, doing: string) {
  const kind = heldKinds[row.kind];
  const rule = routePermissions[kind.route];
  const place = { project: project.key, env: row.operation.params.env };
  assertAllowed(c.var.actor, rule.need, rule.scope, place, `${doing} change request '${row.id}'`);
  for (const [param, need] of Object.entries(rule.query ?? {})) if (row.operation.query[param] !== undefined) assertAllowed(c.var.actor, need, rule.scope, place, `${doing} change request '${row.id}'`);
}

export const changeRequestRoutes = new OpenAPIHono<AppEnv>()
  .openapi(
    createRoute({
      method: 'get',
      path: '/projects/{project}/change-requests',
      security,
      request: { params: projectParams, query: z.object({ state: z.enum(['open', 'approved', 'applied', 'rejected', 'expired']).optional().describe('only requests in this state (`open`: still waiting for approvals)') }) },
      responses: { 200: json(z.object({ changeRequests: z.array(changeRequestSchema) }), 'The project’s change requests, newest first (the last 200)'), ...errorResponses },
    }),
    async (c) => {
      const project = await getProject(c.var.db, c.req.valid('param').project);
      const envs = await listEnvironments(c.var.db, project.id);
      const now = Date.now();
      const want = c.req.valid('query').state;
      const rows = (await listRequests(c.var.db, project, 200)).filter((r) => !want || requestState(r, now) === want);
      return c.json({ changeRequests: rows.map((r) => requestView(r, project, envs, now)) }, 200);
    },
  )
  .openapi(createRoute({ method: 'get', path: '/projects/{project}/change-requests/{id}', security, request: { params: idParams }, responses: { 200: json(one.extend({ diff: z.array(z.object({ path: z.string(), before: z.unknown(), after: z.unknown() })).describe('what changed in the target since the request was made (empty: applying it changes exactly what was reviewed)') }), 'The request, and how its target moved since'), ...errorResponses } }), async (c) => {
    const { row, x, view } = await load(c, c.req.valid('param'));
    const drift = row.state === 'open' ? jsonDiff(row.base, (await baseOf(x, heldKinds[row.kind], row.operation)).base) : [];
    return c.json({ changeRequest: view(row), diff: drift }, 200);
  })
  .openapi(
    createRoute({ method: 'patch', path: '/projects/{project}/change-requests/{id}', security, description: 'The author replaces the held write’s body. Every approval given so far is void; the base is read again.', request: { params: idParams, ...jsonBody(editSchema) }, responses: { 200: json(one, 'Edited; approvals voided'), ...errorResponses, ...conflict } }),
    async (c) => {
      const { project, row, envs, x, view } = await load(c, c.req.valid('param'));
      assertMayReview(c, project, row, 'edit');
      const kind = heldKinds[row.kind];
      if (!kind.body) throw new ApiError('VALIDATION_FAILED', `Invalid input: a ${row.kind} request has no body to edit`, [{ path: '/body', message: 'nothing to edit' }]);
      const parsed = kind.body.safeParse(c.req.valid('json').body);
      if (!parsed.success) throw new ApiError('VALIDATION_FAILED', `Invalid input: /body${'/' + parsed.error.issues[0].path.join('/')} ${parsed.error.issues[0].message}`, parsed.error.issues.map((i) => ({ path: '/body/' + i.path.join('/'), message: i.message })));
      const op = { ...row.operation, body: parsed.data };
      const env = envs.filter((e) => e.id === row.environmentId);
      const { summary, operation, base, baseTag, requiredApprovals, expiresAt } = await requestFields(x, kind, op, env);
      return c.json({ changeRequest: view(await editRequest(x.db, c.var.actor, project, row, { summary, operation, base, baseTag, requiredApprovals, expiresAt }, x.now)) }, 200);
    },
  )
  .openapi(
    createRoute({ method: 'post', path: '/projects/{project}/change-requests/{id}/approve', security, description: 'Approves the request as it is now. Its author cannot (403); approving twice counts once.', request: { params: idParams, ...jsonBody(commentSchema) }, responses: { 200: json(one, 'Approved'), ...errorResponses, ...conflict } }),
    async (c) => {
      const { project, row, x, view } = await load(c, c.req.valid('param'));
      assertMayReview(c, project, row, 'approve');
      return c.json({ changeRequest: view(await approveRequest(x.db, c.var.actor, project, row, c.req.valid('json').comment, x.now)) }, 200);
    },
  )
  .openapi(
    createRoute({ method: 'post', path: '/projects/{project}/change-requests/{id}/reject', security, description: 'Rejects the request (its author may withdraw it this way).', request: { params: idParams, ...jsonBody(commentSchema) }, responses: { 200: json(one, 'Rejected'), ...errorResponses, ...conflict } }),
    async (c) => {
      const { project, row, x, view } = await load(c, c.req.valid('param'));
      if (c.var.actor.id !== row.authorId) assertMayReview(c, project, row, 'reject');
      return c.json({ changeRequest: view(await rejectRequest(x.db, c.var.actor, project, row, c.req.valid('json').comment, x.now)) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/projects/{project}/change-requests/{id}/apply',
      security,
      description:
        'Applies an approved request: the held write runs as its author would have run it, through the same checks (validation, release ownership, the dormant-code guard), audited with its author, approvers and applier. Refused (409 CHANGE_REQUEST_STALE, with the diff) when its target changed since the request was made or edited: re-review rather than overwrite.',
      request: { params: idParams },
      responses: { 200: json(one.extend({ result: z.unknown().describe('what the held write answers') }), 'Applied'), ...errorResponses, ...conflict },
    }),
    async (c) => {
      const { project, row, x, view } = await load(c, c.req.valid('param'));
      assertMayReview(c, project, row, 'apply');
      assertState(row, x.now, ['approved'], 'applied');
      const kind = heldKinds[row.kind];
      const { base, baseTag } = await baseOf(x, kind, row.operation);
      if (baseTag !== row.baseTag) {
        throw new ApiError('CHANGE_REQUEST_STALE', `The target of change request '${row.id}' changed since it was made: nothing was applied. Review the change again (edit it, or open a new one).`, undefined, { diff: jsonDiff(row.base, base), current: base });
      }
      let answer;
      try {
        answer = await kind.run({ ...x, actor: reviewedActor(row, c.var.actor) }, row.operation);
      } catch (err) {
        if (isRequestRace(err)) throw new ApiError('INVALID_STATE', `Change request '${row.id}' was edited, rejected or applied while this apply was made: nothing was applied`, undefined, { retryable: true });
        throw err;
      }
      let after = await getRequest(x.db, project, row.id);
      // a write that changed nothing wrote no audit entry to mark the request: it is applied all the same
      if (after.state === 'open') after = await markApplied(x.db, c.var.actor, project, after, x.now);
      return c.json({ changeRequest: view(after), result: answer.body ?? null }, 200);
    },
  );

