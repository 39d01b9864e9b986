// Plain lookups for scripts and curl: GET /v1/flags[/{key}]?targetingKey=…&attr=… (OFREP's result objects).
// Caller: an SDK key. Attributes arrive as strings; `context=<JSON object>` carries typed values.
import { Hono } from 'hono';
import type { AppEnv } from '../context';
import { requireSdkKey } from '../auth/sdk-key';
import { checkContext, evaluateOne, evaluateVisible, type ParsedContext } from '../edge/evaluate';
import { bulkEntry, singleResponse } from '../edge/ofrep-results';
import { isPlainObject } from '../engine/rule';

/** Query parameters that are not attributes: `context` itself and OFREP's `flagConfigEtag` (read by requireSdkKey). */
const notAttributes = new Set(['context', 'flagConfigEtag']);

/** Sets an own property, so that a `__proto__` attribute is data like any other rather than the object's prototype. */
function setAttribute(context: Record<string, unknown>, name: string, value: unknown) {
  Object.defineProperty(context, name, { value, writable: true, enumerable: true, configurable: true });
}

function contextFromQuery(url: string): ParsedContext {
  const params = new URL(url).searchParams;
  const context: Record<string, unknown> = {};
  const json = params.get('context');
  if (json !== null) {
    let typed: unknown;
    try {
      typed = JSON.parse(json);
    } catch {
      return { ok: false, errorCode: 'PARSE_ERROR', errorDetails: 'The "context" query parameter is not valid JSON' };
    }
    if (!isPlainObject(typed)) {
      return { ok: false, errorCode: 'INVALID_CONTEXT', errorDetails: 'The "context" query parameter must be a JSON object' };
    }
    for (const [name, value] of Object.entries(typed)) setAttribute(context, name, value);
  }
  for (const [name, value] of params) if (!notAttributes.has(name)) setAttribute(context, name, value);
  return checkContext(context);
}

export const lookupRoutes = new Hono<AppEnv>()
  .use('*', requireSdkKey)
  .get('/flags/:key', (c) => {
    const key = c.req.param('key');
    const parsed = contextFromQuery(c.req.url);
    if (!parsed.ok) return c.json({ key, errorCode: parsed.errorCode, errorDetails: parsed.errorDetails }, 400);
    const { status, body } = singleResponse(evaluateOne(c.var.sdk, key, parsed.context));
    return c.json(body, status);
  })
  .get('/flags', (c) => {
    const parsed = contextFromQuery(c.req.url);
    if (!parsed.ok) return c.json({ errorCode: parsed.errorCode, errorDetails: parsed.errorDetails }, 400);
    return c.json({ flags: evaluateVisible(c.var.sdk, parsed.context).map(bulkEntry) }, 200);
  });
