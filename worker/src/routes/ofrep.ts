// OFREP: /ofrep/v1/evaluate/flags[/{key}] (caller: an SDK key) and the change stream (caller: the
// holder of a stream URL that an SDK key's bulk response handed out).
import { Hono } from 'hono';
import type { AppEnv } from '../context';
import { edgeRequest, liveSnapshot } from '../edge/live-snapshots';
import { handleEvaluate, requestTarget } from '../edge/ofrep-handler';
import { validStreamToken } from '../edge/stream-token';
import { openStream } from '../snapshot/stream-open';

export const ofrepRoutes = new Hono<AppEnv>()
  .post('/evaluate/*', (c) => handleEvaluate(c.req.raw, requestTarget(c.req.url), c.env, c.executionCtx))
  .get('/events', async (c) => {
    const { environment, key, token } = c.req.query();
    if (!environment || !key || !token || !/^[a-z0-9]{16}$/.test(environment) || !/^[a-z0-9]{16}$/.test(key)) return c.body(null, 401);
    const live = await liveSnapshot(edgeRequest(c), environment);
    if (!live || !(await validStreamToken(live.snapshot, key, token))) return c.body(null, 401);
    return openStream(c.env, environment, key, c.req.raw);
  });

