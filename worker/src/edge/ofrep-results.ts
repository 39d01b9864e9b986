// Maps engine results to OFREP's wire shapes and status codes (../shared/specs/ofrep/openapi.yaml).
import type { EvaluationResult } from '../engine/types';

export type OfrepBody = Record<string, unknown>;

/** Status and body of one flag's evaluation, as the single-flag endpoint answers it. */
export function singleResponse(r: EvaluationResult): { status: 200 | 400 | 404 | 500; body: OfrepBody } {
  if (!r.errorCode) return { status: 200, body: success(r) };
  const body = failure(r);
  switch (r.errorCode) {
    case 'FLAG_NOT_FOUND':
      return { status: 404, body };
    case 'PARSE_ERROR':
    case 'INVALID_CONTEXT':
    case 'TARGETING_KEY_MISSING':
      return { status: 400, body };
    default:
      return { status: 500, body: { ...body, errorCode: 'GENERAL' } };
  }
}

/** One entry of the bulk response: success or failure inline. */
export function bulkEntry(r: EvaluationResult): OfrepBody {
  if (!r.errorCode) return success(r);
  const body = failure(r);
  return r.errorCode === 'TYPE_MISMATCH' ? { ...body, errorCode: 'GENERAL' } : body;
}

function success(r: EvaluationResult): OfrepBody {
  const body: OfrepBody = { key: r.key, reason: r.reason };
  if (r.variant !== undefined) body.variant = r.variant;
  if (r.value !== undefined) body.value = r.value;
  if (r.metadata) body.metadata = r.metadata;
  return body;
}

function failure(r: EvaluationResult): OfrepBody {
  const body: OfrepBody = { key: r.key, errorCode: r.errorCode, errorDetails: r.errorMessage ?? r.errorCode };
  if (r.metadata) body.metadata = r.metadata;
  return body;
}

export const notFound = (key: string): EvaluationResult => ({
  key,
  reason: 'ERROR',
  errorCode: 'FLAG_NOT_FOUND',
  errorMessage: `Flag '${key}' was not found`,
});

// The engine returns frozen results shared across calls (one per variant and reason), so their wire
// text is computed once and reused: the hot path then builds no objects and serializes nothing.
const singleWires = new WeakMap<EvaluationResult, { status: 200 | 400 | 404 | 500; text: string }>();
const bulkWires = new WeakMap<EvaluationResult, string>();

export function singleWire(r: EvaluationResult): { status: 200 | 400 | 404 | 500; text: string } {
  let wire = singleWires.get(r);
  if (!wire) {
    const { status, body } = singleResponse(r);
    wire = { status, text: JSON.stringify(body) };
    if (Object.isFrozen(r)) singleWires.set(r, wire);
  }
  return wire;
}

export function bulkEntryText(r: EvaluationResult): string {
  let text = bulkWires.get(r);
  if (text === undefined) {
    text = JSON.stringify(bulkEntry(r));
    if (Object.isFrozen(r)) bulkWires.set(r, text);
  }
  return text;
}
