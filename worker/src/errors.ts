// The admin API's one error type: a closed set of codes, each with its HTTP status.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export const errorStatus = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  VALIDATION_FAILED: 400,
  INVALID_JSON: 400,
  /** a request body that is not `application/json` */
  UNSUPPORTED_MEDIA_TYPE: 415,
  /** a request body over the route's size limit (docs/limits.md) */
  PAYLOAD_TOO_LARGE: 413,
  /** a write that would take a project past one of its limits (docs/limits.md); the error names the limit */
  LIMIT_EXCEEDED: 409,
  INVALID_DEFINITION: 400,
  CONFLICT: 409,
  /** a release action that its current state does not allow */
  INVALID_STATE: 409,
  /** switching on or releasing a flag that no recorded deployment uses (`?force=true` confirms) */
  DORMANT_CODE: 409,
  /** a change to what a flag serves in an environment where a running release owns it (`?releaseAction=` ends the release with it) */
  RELEASE_OWNS_FLAG: 409,
  /** starting a release would take the inside variant from users who have it now (`?acknowledgeLoss=true` confirms) */
  TAKES_FEATURE_AWAY: 409,
  /** a change request's target changed since the request was made: the body has the `diff`; review it again */
  CHANGE_REQUEST_STALE: 409,
  /** If-Match named a version of the resource that is no longer the current one */
  PRECONDITION_FAILED: 412,
  INTERNAL: 500,
  /** D1 failed (unreachable, overloaded, a batch that failed part way, which D1 rolls back): try again */
  SERVICE_UNAVAILABLE: 503,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof errorStatus;

export interface Issue {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: Issue[],
    /** further machine-readable fields of the error object (e.g. the flags a guard refused) */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }

  get status(): ContentfulStatusCode {
    return errorStatus[this.code];
  }

  body() {
    return { error: { code: this.code, message: this.message, ...(this.issues ? { issues: this.issues } : {}), ...this.details } };
  }
}

export const notFound = (what: string) => new ApiError('NOT_FOUND', `${what} was not found`);

/** Seconds a client should wait before retrying after a 503. */
const RETRY_AFTER_S = 5;

/**
 * The D1 error in `err` or its causes, or null: D1's messages start with its own codes (`D1_ERROR: …`,
 * `D1_EXEC_ERROR`, `D1 DB is overloaded…`); drizzle wraps single queries in an error whose cause is D1's.
 * A constraint failure is a defect or a race, not an outage, and stays an internal error.
 */
export function d1Failure(err: unknown): Error | null {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (/^D1(_[A-Z_]+| DB)\b/.test(e.message)) return e.message.includes('SQLITE_CONSTRAINT') ? null : e;
  }
  return null;
}

/** Renders any error thrown in an admin route; unknown errors become INTERNAL and are logged without request data. */
export function renderError(err: unknown, c: Context): Response {
  if (err instanceof ApiError) return c.json(err.body(), err.status);
  const d1 = d1Failure(err);
  if (d1) {
    // D1's own message names the fault, never the statement's values (drizzle's wrapper, which does, is not logged)
    console.error('curtain: D1 failed', d1.message);
    c.header('retry-after', String(RETRY_AFTER_S));
    return c.json(new ApiError('SERVICE_UNAVAILABLE', 'The database is unavailable and the request was not carried out. Try again shortly.').body(), 503);
  }
  if (err instanceof HTTPException) {
    if (err.status === 400) return c.json(new ApiError('INVALID_JSON', 'The request body is not valid JSON').body(), 400);
    return err.getResponse();
  }
  console.error('curtain: unhandled error', err instanceof Error ? err.stack : String(err));
  return c.json(new ApiError('INTERNAL', 'An internal error occurred').body(), 500);
}
