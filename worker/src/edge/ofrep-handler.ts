// POST /ofrep/v1/evaluate/flags[/{key}]: OFREP evaluation, the hot path. Caller: an SDK key.
// Plain Web APIs, no router: the worker's entry sends these requests here directly (see index.ts), and
// the Hono app mounts the same handler, so there is one implementation.
import type { Bindings } from '../bindings';
import type { SdkCaller } from '../context';
import { edgeCorsHeaders } from './cors';
import { evaluateOne, evaluateVisible, matchesEtag, parseEvaluationRequest } from './evaluate';
import { colo, type EdgeRequest } from './live-snapshots';
import { murmur3 } from '../engine';
import { EtagFold, singleWire, type BulkWire } from './ofrep-results';
import { authenticateSdk } from './sdk-auth';
import { streamToken } from './stream-token';

export const EVALUATE_PREFIX = '/ofrep/v1/evaluate/flags';

const jsonHeaders = { ...edgeCorsHeaders, 'content-type': 'application/json' };
/** Single-flag answers carry no ETag, so nothing to expose: one header fewer on the hot path. */
const singleHeaders = { 'access-control-allow-origin': '*', 'content-type': 'application/json' };
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

/** `target.path` starts with EVALUATE_PREFIX. */
export async function handleEvaluate(request: Request, target: RequestTarget, env: Bindings, ctx: Pick<ExecutionContext, 'waitUntil'>): Promise<Response> {
  const rest = target.path.slice(EVALUATE_PREFIX.length);
  if (rest !== '' && (rest[0] !== '/' || rest.length < 2 || rest.indexOf('/', 1) !== -1)) return json({ errorDetails: 'Not found' }, 404);
  const edge: EdgeRequest = { env, waitUntil: (p) => ctx.waitUntil(p), location: () => colo(request) };
  const auth = authenticateSdk(request.headers, edge, target.query ? new URLSearchParams(target.query).get('flagConfigEtag') : null);
  const sdk = auth instanceof Promise ? await auth : auth;
  if (sdk instanceof Response) return sdk;
  return rest === '' ? bulk(request, sdk) : single(request, sdk, decodeKey(rest.slice(1)));
}

/** What follows the flags in a bulk answer: flag-set metadata and the key's event stream, once per snapshot and key. */
async function bulkTail(sdk: SdkCaller): Promise<BulkWire> {
  const memo = sdk.live.memo;
  let tail = memo.get(`bulk-tail:${sdk.keyId}`);
  if (tail === undefined) {
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
    tail = { text, h1: murmur3(text, 0x9747b28c), h2: murmur3(text, 0x1b873593) };
    memo.set(`bulk-tail:${sdk.keyId}`, tail);
  }
  return tail;
}

function decodeKey(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

async function single(request: Request, sdk: SdkCaller, key: string): Promise<Response> {
  const parsed = parseEvaluationRequest(await request.text());
  if (!parsed.ok) return json({ key, errorCode: parsed.errorCode, errorDetails: parsed.errorDetails }, 400);
  const { status, text } = singleWire(evaluateOne(sdk, key, parsed.context));
  return new Response(text, { status, headers: singleHeaders });
}

async function bulk(request: Request, sdk: SdkCaller): Promise<Response> {
  const parsed = parseEvaluationRequest(await request.text());
  if (!parsed.ok) return json({ errorCode: parsed.errorCode, errorDetails: parsed.errorDetails }, 400);
  const results = evaluateVisible(sdk, parsed.context);
  const slots = sdk.live.bulkSlots[sdk.kind];
  const fold = new EtagFold();
  const texts: string[] = new Array(results.length);
  for (let i = 0; i < results.length; i++) {
    const wire = slots.wireAt(i, results[i]);
    texts[i] = wire.text;
    fold.add(wire.h1, wire.h2);
  }
  const tail = await bulkTail(sdk);
  // one copy into a flat string (a chain of `+=` would be flattened at the end anyway)
  const body = '{"flags":[' + texts.join(',') + tail.text;
  fold.add(tail.h1, tail.h2);
  const etag = fold.etag();
  const headers = { ...jsonHeaders, etag, 'cache-control': 'private, no-cache' };
  if (matchesEtag(request.headers.get('if-none-match'), etag)) return new Response(null, { status: 304, headers });
  return new Response(body, { status: 200, headers });
}
