// POST /v1/whats-new: the notes of the releases released to this user, from the snapshot the edge evaluates with.
// Caller: an SDK key, server or client (client keys see only releases whose flags are all client-visible).
import { Hono } from 'hono';
import type { AppEnv } from '../context';
import { requireSdkKey } from '../auth/sdk-key';
import { checkContext, matchesEtag } from '../edge/evaluate';
import { failure, parseTime, readJsonObject, type EdgeFailure } from '../edge/json-body';
import { announcementsOf, whatsNewBody, whatsNewFor } from '../edge/whats-new';

/** A context and a time: 16 KiB is far more than either needs. */
export const WHATS_NEW_MAX_BYTES = 16 * 1024;

const refuse = (f: EdgeFailure) => Response.json({ errorCode: f.errorCode, errorDetails: f.errorDetails }, { status: f.status });

export const whatsNewRoutes = new Hono<AppEnv>().post('/whats-new', requireSdkKey, async (c) => {
  const now = Date.now();
  const read = await readJsonObject(c.req.raw, WHATS_NEW_MAX_BYTES);
  if (!read.ok) return refuse(read.failure);
  const { context, since, ...rest } = read.body;
  const unknown = Object.keys(rest);
  if (unknown.length) return refuse(failure(400, 'VALIDATION_FAILED', `Unknown field "${unknown[0]}": the body is { context, since? }`));
  if (context === undefined) return refuse(failure(400, 'INVALID_CONTEXT', 'The request body has no "context"'));
  const parsed = checkContext(context);
  if (!parsed.ok) return refuse(failure(400, parsed.errorCode, parsed.errorDetails));
  const after = since === undefined || since === null ? undefined : parseTime(since);
  if (after === null) return refuse(failure(400, 'VALIDATION_FAILED', '"since" must be an RFC 3339 date-time, e.g. 2027-03-01T09:00:00Z'));

  const sdk = c.var.sdk;
  const list = announcementsOf(sdk.live.snapshot.document, sdk.live.clientVisible);
  const { text, etag } = whatsNewBody(whatsNewFor(list, sdk.live.compiled, sdk.kind, parsed.context, now, after));
  const headers = { 'content-type': 'application/json', etag, 'cache-control': 'private, no-cache' };
  if (matchesEtag(c.req.header('if-none-match') ?? null, etag)) return c.body(null, 304, headers);
  return c.body(text, 200, headers);
});
