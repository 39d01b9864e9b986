// POST /ofrep/v1/evaluate/flags[/{key}]: OFREP evaluation, the hot path. Caller: an SDK key.
// Plain Web APIs, no router: the worker's entry sends these requests here directly (see index.ts), and
// the Hono app mounts the same handler, so there is one implementation.
import type { Bindings } from '../bindings';
import { edgeCorsHeaders } from './cors';
import { evaluateOne, evaluateVisible, matchesEtag, parseEvaluationRequest } from './evaluate';
import { colo, type EdgeRequest } from './live-snapshots';
import { murmur3 } from '../engine';
import { generalError, singleWire, type BulkWire } from './ofrep-results';
import { authenticateSdk, type Authentication, type SdkCaller } from './sdk-auth';
import { streamToken } from './stream-token';
import { countMany, countOne } from './exposures/exposure-buffer';
import { flushExposures } from './exposures/exposure-flush';

export const EVALUATE_PREFIX = '/ofrep/v1/evaluate/flags';

const ALLOW_ORIGIN = edgeCorsHeaders['access-control-allow-origin'];
const EXPOSE = edgeCorsHeaders['access-control-expose-headers'];
const jsonHeaders = { ...edgeCorsHeaders, 'content-type': 'application/json' };
/** Single-flag answers carry no ETag, so nothing to expose: one header fewer on the hot path. */
const singleHeaders = { 'access-control-allow-origin': ALLOW_ORIGIN, 'content-type': 'application/json' };
const json = (body: unknown, status: number) => new Response(JSON.stringify(body), { status, headers: jsonHeaders });

export interface RequestTarget {
  path: string;
  /** the query string without `?`, or '' */
  query: string;
}

/** Path and query of a request URL without building a URL object (the hot path does this per request). */
export function requestTarget(url: string): RequestTarget {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  if (start < 0) return { path: '/', query: '' };
  const q = url.indexOf('?', start);
  const end = url.indexOf('#', start);
  const pathEnd = q >= 0 ? q : end >= 0 ? end : url.length;
  return { path: url.slice(start, pathEnd), query: q >= 0 ? url.slice(q + 1, end >= 0 ? end : url.length) : '' };
}

/**
 * Answers POST /ofrep/v1/evaluate/flags[/{key}], and 404 to any other path (the Hono route sends it all of
 * /ofrep/v1/evaluate/*). Synchronous as far as it can be, then one promise chain (no async functions): the
 * hot path pays for the body read and nothing else that waits.
 */
export function handleEvaluate(request: Request, target: RequestTarget, env: Bindings, ctx: Pick<ExecutionContext, 'waitUntil'>): Response | Promise<Response> {
  if (!validEvaluatePath(target.path)) return json({ errorDetails: 'Not found' }, 404);
  const key = flagKeyOf(target.path);
  // one clock read per request, on arrival: authentication, the rate limit and evaluation (`$flagd.timestamp`,
  // before/after) share it, even when a snapshot must be fetched first
  const now = Date.now();
  const edge: EdgeRequest = { env, waitUntil: (p) => ctx.waitUntil(p), location: () => colo(request) };
  const auth = authenticateSdk(request.headers, edge, target.query ? new URLSearchParams(target.query).get('flagConfigEtag') : null, now, key);
  const answer = (sdk: Authentication): Response | Promise<Response> =>
    sdk instanceof Response ? sdk : key === undefined ? bulk(request, sdk, now, env, ctx) : single(request, sdk, key, now, env, ctx);
  return auth instanceof Promise ? auth.then(answer) : answer(auth);
}

/** Whether `path` is EVALUATE_PREFIX, or it followed by `/` and one non-empty segment (the flag's key). */
function validEvaluatePath(path: string): boolean {
  const n = EVALUATE_PREFIX.length;
  if (!path.startsWith(EVALUATE_PREFIX)) return false;
  return path.length === n || (path.charCodeAt(n) === 47 /* / */ && path.length > n + 1 && path.indexOf('/', n + 1) === -1);
}

/** The flag a valid evaluation path names, decoded; undefined for the bulk path. */
const flagKeyOf = (path: string) => (path.length === EVALUATE_PREFIX.length ? undefined : decodeKey(path.slice(EVALUATE_PREFIX.length + 1)));

/** The answer when handleEvaluate throws or its promise rejects (index.ts): OFREP's 500, naming the flag that `path` asks for. */
export function evaluationFailed(err: unknown, path: string): Response {
  console.error('curtain: evaluation failed', err instanceof Error ? err.message : String(err));
  return generalError('An internal error occurred', validEvaluatePath(path) ? flagKeyOf(path) : undefined);
}

/** What follows the flags in a bulk answer: flag-set metadata and the key's event stream, once per snapshot and key. */
function bulkTail(sdk: SdkCaller): BulkWire | Promise<BulkWire> {
  return sdk.live.bulkTails.get(sdk.keyId) ?? makeBulkTail(sdk);
}

async function makeBulkTail(sdk: SdkCaller): Promise<BulkWire> {
  const snapshot = sdk.live.snapshot;
  const token = await streamToken(snapshot, sdk.keyId);
  const rest: Record<string, unknown> = {};
  if (snapshot.document.metadata) rest.metadata = snapshot.document.metadata;
  rest.eventStreams = [
    {
      type: 'sse',
      endpoint: { requestUri: `/ofrep/v1/events?environment=${snapshot.environmentId}&key=${sdk.keyId}&token=${token}` },
      inactivityDelaySec: 120,
    },
  ];
  const text = '],' + JSON.stringify(rest).slice(1);
  const tail = { text, h1: murmur3(text, 0x9747b28c), h2: murmur3(text, 0x1b873593) };
  sdk.live.bulkTails.set(sdk.keyId, tail);
  return tail;
}

function decodeKey(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

type Waiter = Pick<ExecutionContext, 'waitUntil'>;

function single(request: Request, sdk: SdkCaller, key: string, now: number, env: Bindings, ctx: Waiter): Promise<Response> {
  return request.text().then((text) => {
    const parsed = parseEvaluationRequest(text);
    if (!parsed.ok) return json({ key, errorCode: parsed.errorCode, errorDetails: parsed.errorDetails }, 400);
    const result = evaluateOne(sdk, key, parsed.context, now);
    // exposures: one Map increment; the write happens in the background, every few seconds (edge/exposures)
    if (countOne(sdk.live, env, result, parsed.context, now)) ctx.waitUntil(flushExposures(env));
    const wire = singleWire(result);
    return new Response(wire.text, { status: wire.status, headers: singleHeaders });
  });
}

function bulk(request: Request, sdk: SdkCaller, now: number, env: Bindings, ctx: Waiter): Promise<Response> {
  return request.text().then((text) => {
    const parsed = parseEvaluationRequest(text);
    if (!parsed.ok) return json({ errorCode: parsed.errorCode, errorDetails: parsed.errorDetails }, 400);
    const results = evaluateVisible(sdk, parsed.context, now);
    const slots = sdk.live.bulkSlots[sdk.kind];
    const finish = (tail: BulkWire): Response => {
      const answer = slots.answer(results, tail);
      const { body, etag } = answer;
      if (countMany(sdk.live, env, results, parsed.context, answer, now)) ctx.waitUntil(flushExposures(env));
      // a literal rather than a spread of jsonHeaders (one object per request, built directly)
      const headers = { 'access-control-allow-origin': ALLOW_ORIGIN, 'access-control-expose-headers': EXPOSE, 'content-type': 'application/json', etag, 'cache-control': 'private, no-cache' };
      if (matchesEtag(request.headers.get('if-none-match'), etag)) return new Response(null, { status: 304, headers });
      return new Response(body, { status: 200, headers });
    };
    const tail = bulkTail(sdk);
    return tail instanceof Promise ? tail.then(finish) : finish(tail);
  });
}
