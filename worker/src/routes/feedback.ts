// Feedback on releases. POST /v1/feedback — caller: an SDK key, server or client (client keys only for releases whose
// flags are all client-visible). GET /api/v1/…/releases/{release}/feedback — caller: an admin token.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { Hono } from 'hono';
import type { AppEnv } from '../context';
import { requireSdkKey } from '../auth/sdk-key';
import { FEEDBACK_MAX_BYTES, parseFeedback } from '../edge/feedback-input';
import { failure, readJsonObject, type EdgeFailure } from '../edge/json-body';
import { evaluateFlag } from '../engine';
import { openDb } from '../store/db';
import { FEEDBACK_RETENTION_DAYS, FEEDBACK_USER_WINDOW_MS, listFeedback, recordFeedback } from '../store/feedback';
import { sha256Hex } from '../auth/secrets';
import { murmur3 } from '../engine';
import { servedToken } from '../measure/exposure-types';
import { bucketId } from '../edge/exposures/release-sides';
import { clockOf } from '../edge/exposures/clock';
import { flushExposures } from '../edge/exposures/exposure-flush';
import type { Bindings } from '../bindings';

function retentionDays(env: Bindings): number {
  const d = Number(env.FEEDBACK_RETENTION_DAYS ?? FEEDBACK_RETENTION_DAYS);
  return Number.isFinite(d) && d > 0 ? d : FEEDBACK_RETENTION_DAYS;
}

/** Whether the edge reported serving the user inside; this isolate's own counts are flushed first. */
async function wasServedInside(env: Bindings, environmentId: string, release: string, token: string): Promise<boolean> {
  try {
    await flushExposures(env);
    return await clockOf(env, environmentId).servedInside(release, token);
  } catch (err) {
    console.error('curtain: served-inside record unavailable', environmentId, String(err));
    return false;
  }
}
import { getEnvironment, getProject } from '../store/projects';
import { feedbackArrived } from '../store/release-guardrails';
import { getRelease } from '../store/releases';
import { publishAndAdopt } from './publish-and-adopt';
import { envParams, errorResponses, json, keySchema } from './schemas';

const refuse = (f: EdgeFailure, headers?: Record<string, string>) =>
  Response.json({ errorCode: f.errorCode, errorDetails: f.errorDetails, ...(f.issues ? { issues: f.issues } : {}) }, { status: f.status, headers });

export const feedbackRoutes = new Hono<AppEnv>().post('/feedback', requireSdkKey, async (c) => {
  const now = Date.now();
  const read = await readJsonObject(c.req.raw, FEEDBACK_MAX_BYTES);
  if (!read.ok) return refuse(read.failure);
  const parsed = parseFeedback(read.body);
  if (!parsed.ok) return refuse(parsed.failure);
  const { release, context, rating, comment } = parsed.value;
  const sdk = c.var.sdk;
  const releases = sdk.live.snapshot.document.releases ?? {};
  const def = Object.prototype.hasOwnProperty.call(releases, release) ? releases[release] : undefined;
  const flags = def ? Object.entries(def.flags) : [];
  if (!def || (sdk.kind === 'client' && !flags.every(([flag]) => sdk.live.clientVisible.has(flag)))) {
    return refuse(failure(404, 'RELEASE_NOT_FOUND', `No release '${release}' has reached this environment`));
  }
  // the variants this user has now, evaluated as OFREP evaluates them
  const variants: Record<string, string | null> = {};
  let inside = false;
  for (const [flag, v] of flags) {
    const variant = evaluateFlag(sdk.live.compiled, flag, context, { now }).variant ?? null;
    variants[flag] = variant;
    if (variant === v.inside) inside = true;
  }
  const db = openDb(c.env.DB);
  const environmentId = sdk.live.snapshot.environmentId;
  // what makes it count (docs/announcing.md, threat model): the edge served this user inside, and where it comes from,
  // both keyed by the release's salt, which never leaves the server
  const servedInside = inside && (await wasServedInside(c.env, environmentId, release, servedToken(murmur3, def.salt, bucketId(context, def.bucketBy ?? 'targetingKey'))));
  const source = (await sha256Hex(`${def.salt}\u0002${c.req.header('cf-connecting-ip') ?? ''}`)).slice(0, 32);
  const keepFrom = now - retentionDays(c.env) * 24 * 60 * 60_000;
  const outcome = await recordFeedback(db, { environmentId, releaseKey: release, sdkKeyId: sdk.keyId, userKey: context.targetingKey, rating, comment, context, variants, inside, servedInside, source, keepFrom, at: now });
  if (!outcome.ok) {
    if (outcome.refused === 'no-release') return refuse(failure(404, 'RELEASE_NOT_FOUND', `No release '${release}' in this environment`));
    const details =
      outcome.refused === 'user-limit'
        ? `This user sent feedback on '${release}' less than ${FEEDBACK_USER_WINDOW_MS / 1000} s ago`
        : outcome.refused === 'release-full'
          ? `Release '${release}' holds all the feedback it keeps`
          : 'This key has reached its feedback limit for the minute';
    return refuse(failure(429, 'RATE_LIMITED', details), { 'retry-after': '60' });
  }
  const guard = await feedbackArrived(db, environmentId, release, `feedback via SDK key ${sdk.keyId}`, now);
  if (guard.affected.length) await publishAndAdopt(c.env, db, guard.affected);
  // nothing about who counts: not whether the user is inside, nor what they were served
  return c.json({ id: outcome.id, release, rating }, 201);
});

const counts = { total: z.number(), positive: z.number(), neutral: z.number(), negative: z.number() };
const feedbackListSchema = z
  .object({
    feedback: z.array(z.object({ id: z.number(), at: z.string(), rating: z.enum(['positive', 'neutral', 'negative']), comment: z.string().nullable(), user: z.string(), inside: z.boolean(), variants: z.record(z.string(), z.string().nullable()), context: z.record(z.string(), z.unknown()) })),
    counts: z.object({ ...counts, byVariant: z.array(z.object({ flag: z.string(), variant: z.string().nullable(), ...counts })) }),
    nextBefore: z.number().nullable().describe('pass as `before` for the next page; null on the last'),
  })
  .openapi('ReleaseFeedback');

export const feedbackAdminRoutes = new OpenAPIHono<AppEnv>().openapi(
  createRoute({
    method: 'get',
    path: '/projects/{project}/environments/{env}/releases/{release}/feedback',
    security: [{ AdminToken: [] }],
    description: 'The release’s feedback, newest first, a page at a time, with counts over all of it per rating and per flag variant the users had.',
    request: {
      params: envParams.extend({ release: keySchema }),
      query: z.object({ limit: z.coerce.number().int().min(1).max(200).optional().describe('default 50'), before: z.coerce.number().int().min(1).optional().describe('the `nextBefore` of the previous page') }),
    },
    responses: { 200: json(feedbackListSchema, 'A page of feedback and the counts'), ...errorResponses },
  }),
  async (c) => {
    const p = c.req.valid('param');
    const q = c.req.valid('query');
    const project = await getProject(c.var.db, p.project);
    const env = await getEnvironment(c.var.db, project.id, p.env);
    const row = await getRelease(c.var.db, env, p.release);
    return c.json(await listFeedback(c.var.db, row.id, { limit: q.limit ?? 50, before: q.before }), 200);
  },
);
