// OFREP: /ofrep/v1/evaluate/flags[/{key}] and the change stream. Caller: an SDK key (server or client).
import { Hono } from 'hono';
import type { AppEnv } from '../context';
import { requireSdkKey } from '../auth/sdk-key';
import { etagOf, evaluateOne, evaluateVisible, matchesEtag, parseEvaluationRequest } from '../edge/evaluate';
import { bulkEntry, singleResponse } from '../edge/ofrep-results';
import { streamToken, validStreamToken } from '../edge/stream-token';
import { edgeRequest, liveSnapshot } from '../edge/live-snapshots';
import { channelOf } from '../snapshot/publish';

export const ofrepRoutes = new Hono<AppEnv>()
  .use('/evaluate/*', requireSdkKey)
  .post('/evaluate/flags/:key', async (c) => {
    const key = c.req.param('key');
    const parsed = parseEvaluationRequest(await c.req.text());
    if (!parsed.ok) return c.json({ key, errorCode: parsed.errorCode, errorDetails: parsed.errorDetails }, 400);
    const { status, body } = singleResponse(evaluateOne(c.var.sdk, key, parsed.context));
    return c.json(body, status);
  })
  .post('/evaluate/flags', async (c) => {
    const parsed = parseEvaluationRequest(await c.req.text());
    if (!parsed.ok) return c.json({ errorCode: parsed.errorCode, errorDetails: parsed.errorDetails }, 400);
    const sdk = c.var.sdk;
    const snapshot = sdk.live.snapshot;
    const response: Record<string, unknown> = { flags: evaluateVisible(sdk, parsed.context).map(bulkEntry) };
    if (snapshot.document.metadata) response.metadata = snapshot.document.metadata;
    const token = await streamToken(snapshot, sdk.keyId);
    response.eventStreams = [
      {
        type: 'sse',
        endpoint: { requestUri: `/ofrep/v1/events?environment=${snapshot.environmentId}&key=${sdk.keyId}&token=${token}` },
        inactivityDelaySec: 120,
      },
    ];
    const body = JSON.stringify(response);
    const etag = await etagOf(body);
    c.header('ETag', etag);
    c.header('Cache-Control', 'private, no-cache');
    if (matchesEtag(c.req.header('if-none-match') ?? null, etag)) return c.body(null, 304);
    return c.body(body, 200, { 'content-type': 'application/json' });
  });

/** GET /ofrep/v1/events: the SSE stream named in `eventStreams`; authenticated by its URL token. */
ofrepRoutes.get('/events', async (c) => {
  const { environment, key, token } = c.req.query();
  if (!environment || !key || !token || !/^[a-z0-9]{16}$/.test(environment) || !/^[a-z0-9]{16}$/.test(key)) return c.body(null, 401);
  const live = await liveSnapshot(edgeRequest(c), environment);
  if (!live || !(await validStreamToken(live.snapshot, key, token))) return c.body(null, 401);
  const headers = new Headers();
  const lastEventId = c.req.header('last-event-id');
  if (lastEventId) headers.set('last-event-id', lastEventId);
  return channelOf(c.env, environment).fetch(new Request(`https://channel/stream?key=${key}`, { headers }));
});
