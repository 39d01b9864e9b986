// Request bodies of the SDK routes besides OFREP (what's new, feedback): read within a size limit, parsed as a JSON
// object. Failures are data in the edge's error shape, `{ errorCode, errorDetails }`, for the route to answer.
import { isPlainObject } from '../engine/rule';

export interface EdgeFailure {
  status: 400 | 404 | 413 | 429;
  errorCode: 'PARSE_ERROR' | 'INVALID_CONTEXT' | 'VALIDATION_FAILED' | 'PAYLOAD_TOO_LARGE' | 'TARGETING_KEY_MISSING' | 'RELEASE_NOT_FOUND' | 'RATE_LIMITED';
  errorDetails: string;
  /** for VALIDATION_FAILED: each problem at a JSON pointer into the body */
  issues?: { path: string; message: string }[];
}

export const failure = (status: EdgeFailure['status'], errorCode: EdgeFailure['errorCode'], errorDetails: string, issues?: EdgeFailure['issues']): EdgeFailure => ({ status, errorCode, errorDetails, ...(issues ? { issues } : {}) });

/** The body as a JSON object, or why not: over `maxBytes` (413, nothing read past the limit when the length is declared), not JSON, not an object. */
export async function readJsonObject(request: Request, maxBytes: number): Promise<{ ok: true; body: Record<string, unknown> } | { ok: false; failure: EdgeFailure }> {
  const tooLarge = { ok: false as const, failure: failure(413, 'PAYLOAD_TOO_LARGE', `The request body may be at most ${maxBytes} bytes`) };
  const declared = Number(request.headers.get('content-length'));
  if (declared > maxBytes) return tooLarge;
  const bytes = await request.arrayBuffer();
  if (bytes.byteLength > maxBytes) return tooLarge;
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return { ok: false, failure: failure(400, 'PARSE_ERROR', 'The request body is not valid JSON') };
  }
  if (!isPlainObject(body)) return { ok: false, failure: failure(400, 'PARSE_ERROR', 'The request body must be a JSON object') };
  return { ok: true, body };
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/i;

/** An RFC 3339 date-time as ms since the epoch, or null when it is not one. */
export function parseTime(value: unknown): number | null {
  if (typeof value !== 'string' || !RFC3339.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}
