// POST /api/v1/projects/{project}/environments/{env}/evaluate: every flag for one context, answered as the edge
// answers it (the snapshot this isolate evaluates with, the same engine and clock), plus which rule of each flag's
// targeting matched. For people debugging "why did this user get that?". Caller: an admin token.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../context';
import { explainAll } from '../engine/explain';
import type { EvaluationContext } from '../engine/types';
import { environmentDocument, loadProjectState } from '../store/flag-set';
import { getEnvironment, getProject } from '../store/projects';
import { edgeRequest, liveSnapshot } from '../edge/live-snapshots';
import { envParams, errorResponses, json, jsonBody } from './schemas';

/** Evaluate-as contexts (docs/limits.md): as big as a person pastes, never as deep as an attack. */
const CONTEXT_MAX_BYTES = 64 * 1024;
const CONTEXT_MAX_DEPTH = 32;
/** Flags explained between two yields of the thread (a few milliseconds of work). */
const EXPLAIN_SLICE = 500;

/** How deep a JSON value nests, counted without recursion (a value thousands of levels deep must not overflow). */
function depthOf(value: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    max = Math.max(max, d + 1);
    if (max > CONTEXT_MAX_DEPTH) return max;
    for (const child of Object.values(v)) stack.push([child, d + 1]);
  }
  return max;
}

const contextSchema = z
  .object({ targetingKey: z.string().max(1024).optional() })
  .catchall(z.unknown())
  .refine((ctx) => depthOf(ctx) <= CONTEXT_MAX_DEPTH, `may nest at most ${CONTEXT_MAX_DEPTH} levels`)
  .refine((ctx) => new TextEncoder().encode(JSON.stringify(ctx)).byteLength <= CONTEXT_MAX_BYTES, `may be at most ${CONTEXT_MAX_BYTES / 1024} KiB as JSON`)
  .describe('an OpenFeature evaluation context: targetingKey and any attributes');

const resultSchema = z
  .object({
    key: z.string(),
    value: z.unknown().optional(),
    variant: z.string().optional(),
    reason: z.enum(['STATIC', 'TARGETING_MATCH', 'SPLIT', 'DEFAULT', 'DISABLED', 'ERROR']),
    errorCode: z.string().optional(),
    errorMessage: z.string().optional(),
    matched: z.object({
      branch: z.number().int().nullable().describe('0-based index of the condition of the flag’s top-level `if` that matched; null when none did'),
    }),
  })
  .openapi('ExplainedEvaluation');

export const evaluateRoutes = new OpenAPIHono<AppEnv>().openapi(
  createRoute({
    method: 'post',
    path: '/projects/{project}/environments/{env}/evaluate',
    security: [{ AdminToken: [] }],
    description:
      'Evaluates every flag of the environment for `context` now, exactly as the edge would (DISABLED flags included), and says which condition of each flag’s top-level `if` matched.',
    request: { params: envParams, ...jsonBody(z.object({ context: contextSchema }).strict()) },
    responses: { 200: json(z.object({ results: z.array(resultSchema) }), 'One result per flag, in the environment’s order'), ...errorResponses },
  }),
  async (c) => {
    const params = c.req.valid('param');
    const context = c.req.valid('json').context as EvaluationContext;
    const project = await getProject(c.var.db, params.project);
    const env = await getEnvironment(c.var.db, project.id, params.env);
    // the snapshot this isolate's edge evaluates with (compiled already; a write made here is in it at once),
    // else the environment's document read from D1
    const live = await liveSnapshot(edgeRequest(c), env.id).catch(() => null);
    const doc = live?.snapshot.document ?? environmentDocument(await loadProjectState(c.var.db, project.id), env);
    // each result is serialized as it is made, so that the work of a large environment is all in slices: the isolate
    // serves other requests (other projects' evaluations) in between
    const parts: string[] = [];
    for (const { result, branch } of explainAll(doc, context, Date.now(), live?.compiled)) {
      const { metadata: _metadata, ...answer } = result;
      parts.push(JSON.stringify({ ...answer, matched: { branch } }));
      if (parts.length % EXPLAIN_SLICE === 0) await new Promise((resolve) => setTimeout(resolve, 0));
    }
    // the schema's `{ results }`, serialized above rather than by c.json (which would do it all at once)
    return new Response(`{"results":[${parts.join(',')}]}`, { status: 200, headers: { 'content-type': 'application/json' } }) as never;
  },
);
