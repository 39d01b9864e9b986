// Hono middleware for routes an SDK key may call (lookups): authentication as at the OFREP hot path.
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../context';
import { edgeRequest } from '../edge/live-snapshots';
import { authenticateSdk } from '../edge/sdk-auth';

export const requireSdkKey = createMiddleware<AppEnv>(async (c, next) => {
  const sdk = await authenticateSdk(c.req.raw.headers, edgeRequest(c), c.req.query('flagConfigEtag') ?? null);
  if (sdk instanceof Response) return sdk;
  c.set('sdk', sdk);
  return next();
});
