// Evaluation at the edge for one SDK caller: context parsing, visibility of flags to client keys.
import { evaluateAll, evaluateFlag } from '../engine';
import type { EvaluationContext, EvaluationResult } from '../engine/types';
import { notFound } from './ofrep-results';
import type { SdkCaller } from './sdk-auth';

export type ParsedContext = { ok: true; context: EvaluationContext } | { ok: false; errorCode: 'PARSE_ERROR' | 'INVALID_CONTEXT'; errorDetails: string };

/** Reads `{"context": {...}}` (required by OFREP); a context without targetingKey is accepted (web clients send `{}`). */
/** An evaluation request's body, in UTF-16 code units (docs/limits.md): a context is attributes, not documents. */
export const EVALUATION_BODY_MAX = 256 * 1024;

export function parseEvaluationRequest(text: string): ParsedContext {
  if (text.length > EVALUATION_BODY_MAX) {
    return { ok: false, errorCode: 'INVALID_CONTEXT', errorDetails: `The request body may be at most ${EVALUATION_BODY_MAX / 1024} KiB (the evaluation context limit)` };
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, errorCode: 'PARSE_ERROR', errorDetails: 'The request body is not valid JSON' };
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, errorCode: 'PARSE_ERROR', errorDetails: 'The request body must be a JSON object with a "context" object' };
  }
  if (!('context' in body)) return { ok: false, errorCode: 'INVALID_CONTEXT', errorDetails: 'The request body has no "context"' };
  return checkContext((body as { context: unknown }).context);
}

export function checkContext(context: unknown): ParsedContext {
  if (typeof context !== 'object' || context === null || Array.isArray(context)) {
    return { ok: false, errorCode: 'INVALID_CONTEXT', errorDetails: '"context" must be an object' };
  }
  const tk = (context as { targetingKey?: unknown }).targetingKey;
  if (tk !== undefined && typeof tk !== 'string') {
    return { ok: false, errorCode: 'INVALID_CONTEXT', errorDetails: '"targetingKey" must be a string' };
  }
  return { ok: true, context: context as EvaluationContext };
}

const visibleTo = (sdk: SdkCaller, key: string) => sdk.kind === 'server' || sdk.live.clientVisible.has(key);

export function evaluateOne(sdk: SdkCaller, key: string, context: EvaluationContext, now = Date.now()): EvaluationResult {
  if (!visibleTo(sdk, key) || !sdk.live.compiled.has(key)) return notFound(key);
  return evaluateFlag(sdk.live.compiled, key, context, { now });
}

export function evaluateVisible(sdk: SdkCaller, context: EvaluationContext, now = Date.now()): EvaluationResult[] {
  return evaluateAll(sdk.live.compiled, context, sdk.kind === 'server' ? { now } : { now, only: sdk.live.clientSelection });
}

/**
 * Whether an If-None-Match header names this ETag (handles lists and weak validators). `*` never matches:
 * a POST evaluation always has a representation to answer, and `*` says nothing of what the client holds.
 */
export function matchesEtag(ifNoneMatch: string | null, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((t) => {
    const v = t.trim();
    return v === etag || v === `W/${etag}`;
  });
}
