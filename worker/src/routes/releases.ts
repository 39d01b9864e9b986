// /api/v1/projects/{project}/environments/{env}/releases: plan, start, pause, resume, roll back, kill; guardrail
// readings and Alertmanager alerts. Callers: as auth/permissions.ts says (plans and starts may be held for approval).
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../context';
import { publishAndAdopt } from './publish-and-adopt';
import { wakeReleaseClock } from '../schedule/release-clock';
import { getEnvironment, getProject } from '../store/projects';
import { releaseAction, releaseTag, type ReleaseAction } from '../store/release-actions';
import { heldResponse } from './change-request-schemas';
import { perform } from './held-writes';
import { receiveAlerts, recordReadings } from '../store/release-guardrails';
import { getRelease, listReleases, releaseView } from '../store/releases';
import { releaseMeasures } from '../edge/exposures/exposure-reads';
import { isSequential } from '../store/schema';
import type { Decision } from '../schedule/decision-ledger';
import { alertmanagerSchema, readingsSchema, releaseActionQuery, releaseInputSchema, releasePatchSchema, releaseSchema } from './release-schemas';
import { envParams, errorResponses, json, jsonBody, keySchema } from './schemas';
import { ifMatchHeaders, ifMatchOf, setEtag, tagged, writeConflicts } from './preconditions';

const security = [{ AdminToken: [] }];
const releaseParams = envParams.extend({ release: keySchema });
const conflict = writeConflicts;

async function scope(c: Context<AppEnv>, params: { project: string; env: string }) {
  const project = await getProject(c.var.db, params.project);
  const env = await getEnvironment(c.var.db, project.id, params.env);
  return { db: c.var.db, actor: c.var.actor, project, env, now: Date.now() };
}

const actions: { action: ReleaseAction; description: string }[] = [
  {
    action: 'start',
    description:
      'Starts the plan now, or schedules it for `startAt`. Switches the release’s flags on in this environment; from now until it ends the release owns them (writes that would change what they serve answer 409 RELEASE_OWNS_FLAG). Refused by the dormant-code guard (409 DORMANT_CODE) unless `?force=true`, and with 409 TAKES_FEATURE_AWAY when a flag serves the inside variant by default now (the users outside the first step would lose it) unless `?acknowledgeLoss=true`.',
  },
  { action: 'pause', description: 'Freezes the rollout at its current percentage.' },
  { action: 'resume', description: 'Continues the remaining steps from where the pause stood, with the same users.' },
  { action: 'rollback', description: 'Ends the release: the outside variant becomes its flags’ default variant, so everyone the flags’ own rules leave to it gets the outside variant (the rules still apply).' },
  { action: 'kill', description: 'Ends the release: its flags serve the outside variant to everyone (the default variant becomes the outside one and their rules are cleared; the history keeps them). For every flag at once, no confirmation; live within the propagation bound.' },
];

let routes = new OpenAPIHono<AppEnv>()
  .openapi(
    createRoute({ method: 'get', path: '/projects/{project}/environments/{env}/releases', security, request: { params: envParams }, responses: { 200: json(z.object({ releases: z.array(releaseSchema) }), 'Releases of the environment, newest first'), ...errorResponses } }),
    async (c) => {
      const s = await scope(c, c.req.valid('param'));
      return c.json({ releases: (await listReleases(s.db, s.env)).map((r) => releaseView(r, s.now)) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/projects/{project}/environments/{env}/releases',
      security,
      description: 'Plans a release (state `draft`): flags, steps, optional start time, bucketing attribute, notes, guardrails. Nothing changes at the edge until it is started.',
      request: { params: envParams, ...jsonBody(releaseInputSchema) },
      responses: { 201: tagged(json(releaseSchema, 'Created as a draft')), ...heldResponse, ...errorResponses, 409: conflict[409] },
    }),
    async (c) => {
      const params = c.req.valid('param');
      return perform(c, 'release.create', await getProject(c.var.db, params.project), { params, query: {}, body: c.req.valid('json') });
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/projects/{project}/environments/{env}/releases/{release}',
      security,
      request: { params: releaseParams },
      responses: { 200: tagged(json(releaseSchema, 'The release, with where its plan stands now; its ETag names the stored version (it changes with each edit, action and recorded step)')), ...errorResponses },
    }),
    async (c) => {
      const p = c.req.valid('param');
      const s = await scope(c, p);
      const row = await getRelease(s.db, s.env, p.release);
      setEtag(c, await releaseTag(row));
      const view = releaseView(row, s.now);
      // users reached each side (estimates) and the watch's findings: not part of the stored version, which the ETag names
      const m = await releaseMeasures(c.env, s.env.id, row.key, view.startedAt, s.now);
      const guardrails = view.guardrails.map((g, i) => (isSequential(g) ? { ...g, decision: (m.decisions[i] as Decision | undefined) ?? null } : g));
      const pause = view.state === 'paused' && m.pause && row.pausedAt !== null && m.pause.at >= row.pausedAt ? m.pause : null;
      return c.json({ ...view, guardrails, exposures: m.exposures, pausedReason: pause?.reason ?? null, pausedMessage: pause?.message ?? null }, 200);
    },
  )
  .openapi(
    createRoute({ method: 'patch', path: '/projects/{project}/environments/{env}/releases/{release}', security, description: 'Edits a release before it starts (draft, or scheduled with the start ahead).', request: { params: releaseParams, headers: ifMatchHeaders, ...jsonBody(releasePatchSchema) }, responses: { 200: tagged(json(releaseSchema, 'Updated')), ...heldResponse, ...errorResponses, ...conflict } }),
    async (c) => {
      const params = c.req.valid('param');
      return perform(c, 'release.update', await getProject(c.var.db, params.project), { params, query: {}, body: c.req.valid('json') }, ifMatchOf(c));
    },
  )
  .openapi(
    createRoute({ method: 'delete', path: '/projects/{project}/environments/{env}/releases/{release}', security, description: 'Deletes a release before it starts.', request: { params: releaseParams, headers: ifMatchHeaders }, responses: { 204: { description: 'Deleted' }, ...heldResponse, ...errorResponses, ...conflict } }),
    async (c) => {
      const params = c.req.valid('param');
      return perform(c, 'release.delete', await getProject(c.var.db, params.project), { params, query: {}, body: null }, ifMatchOf(c));
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/projects/{project}/environments/{env}/releases/{release}/metrics',
      security,
      description: 'Guardrail readings (`{ metric, value, at? }` or `{ readings: [...] }`). Each guardrail on a reported metric is checked over its window; a breach pauses or rolls back the release at once, audited with the readings.',
      request: { params: releaseParams, ...jsonBody(readingsSchema) },
      responses: { 200: json(z.object({ release: releaseSchema, breached: z.unknown().nullable() }), 'The release after the readings, and the guardrail breached, if any'), ...errorResponses },
    }),
    async (c) => {
      const p = c.req.valid('param');
      const s = await scope(c, p);
      const body = c.req.valid('json');
      const { release, breached, affected } = await recordReadings(s, p.release, 'readings' in body ? body.readings : [body]);
      await publishAndAdopt(c.env, s.db, affected);
      return c.json({ release, breached }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/projects/{project}/environments/{env}/alertmanager',
      security,
      description: 'A Prometheus Alertmanager webhook receiver (`webhook_configs` with this URL and the admin token as bearer credentials). A firing alert labelled `release="<key>"` pauses that release of this environment, or rolls it back when labelled `action="rollback"` or when its guardrail named like the alert says so.',
      request: { params: envParams, ...jsonBody(alertmanagerSchema) },
      responses: { 200: json(z.object({ acted: z.array(z.object({ release: z.string(), action: z.string(), alert: z.string() })), ignored: z.array(z.object({ alert: z.string(), reason: z.string() })) }), 'What the alerts did'), ...errorResponses },
    }),
    async (c) => {
      const s = await scope(c, c.req.valid('param'));
      const { acted, ignored, affected } = await receiveAlerts(s, c.req.valid('json').alerts);
      await publishAndAdopt(c.env, s.db, affected);
      return c.json({ acted, ignored }, 200);
    },
  );

for (const { action, description } of actions) {
  routes = routes.openapi(
    createRoute({
      method: 'post',
      path: `/projects/{project}/environments/{env}/releases/{release}/${action}`,
      security,
      description,
      request: { params: releaseParams, query: releaseActionQuery, headers: ifMatchHeaders },
      responses: { 200: tagged(json(releaseSchema, 'The release after the action')), ...(action === 'start' || action === 'resume' ? heldResponse : {}), ...errorResponses, ...conflict },
    }),
    async (c) => {
      const p = c.req.valid('param');
      if (action === 'start' || action === 'resume') return perform(c, `release.${action}`, await getProject(c.var.db, p.project), { params: p, query: c.req.valid('query'), body: null }, ifMatchOf(c));
      const s = await scope(c, p);
      const q = c.req.valid('query');
      const { view, row, affected } = await releaseAction(s, p.release, action, { force: q.force === 'true', acknowledgeLoss: q.acknowledgeLoss === 'true', ifMatch: ifMatchOf(c) });
      await publishAndAdopt(c.env, s.db, affected);
      setEtag(c, await releaseTag(row!));
      return c.json(view!, 200);
    },
  ) as typeof routes;
}

export const releaseRoutes = routes;
