// CORS for the evaluation routes: browsers call them from any origin with an SDK key and no cookies.
export const edgeCorsOptions = {
  origin: '*',
  allowMethods: ['GET', 'POST', 'OPTIONS'],
  allowHeaders: ['Authorization', 'Content-Type', 'X-API-Key', 'If-None-Match', 'Last-Event-ID'],
  exposeHeaders: ['ETag', 'Retry-After'],
  maxAge: 86400,
};

/** The same as response headers, for the answers that bypass Hono's middleware (edge/ofrep-handler.ts). */
export const edgeCorsHeaders: Record<string, string> = {
  'access-control-allow-origin': edgeCorsOptions.origin,
  'access-control-expose-headers': edgeCorsOptions.exposeHeaders.join(','),
};
