// Maps engine results to OFREP's wire shapes and status codes (../shared/specs/ofrep/openapi.yaml).
import { murmur3 } from '../engine';
import type { EvaluationResult } from '../engine/types';
import { edgeCorsHeaders } from './cors';

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

/**
 * The 500 of an evaluation that could not run at all (no snapshot, an internal error): OFREP's
 * generalErrorResponse with errorCode GENERAL, and the flag's key when the single-flag endpoint was asked.
 */
export function generalError(errorDetails: string, key?: string): Response {
  const body = key === undefined ? { errorCode: 'GENERAL', errorDetails } : { key, errorCode: 'GENERAL', errorDetails };
  return Response.json(body, { status: 500, headers: edgeCorsHeaders });
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
const bulkWires = new WeakMap<EvaluationResult, BulkWire>();

export function singleWire(r: EvaluationResult): { status: 200 | 400 | 404 | 500; text: string } {
  let wire = singleWires.get(r);
  if (!wire) {
    const { status, body } = singleResponse(r);
    wire = { status, text: JSON.stringify(body) };
    if (Object.isFrozen(r)) singleWires.set(r, wire);
  }
  return wire;
}

/** A bulk entry's text and two independent 32-bit hashes of it, from which the response's ETag is folded. */
export interface BulkWire {
  text: string;
  h1: number;
  h2: number;
}

export function bulkEntryWire(r: EvaluationResult): BulkWire {
  let wire = bulkWires.get(r);
  if (wire === undefined) {
    const text = JSON.stringify(bulkEntry(r));
    wire = { text, h1: murmur3(text, 0x9747b28c), h2: murmur3(text, 0x1b873593) };
    if (Object.isFrozen(r)) bulkWires.set(r, wire);
  }
  return wire;
}

/**
 * The wires of one bulk answer's entries by position, remembered from the last answer: entry i is the
 * same flag every time (the snapshot's order), and usually the same shared result, so one identity
 * check finds its wire without a WeakMap lookup per flag. When every entry is the very result of the last
 * answer (a client polling with the same context), the last answer's text and ETag are the answer: they are
 * a function of those results alone. Kept per snapshot and per kind of key.
 */
export class BulkWireSlots {
  private readonly results: EvaluationResult[] = [];
  private readonly wires: BulkWire[] = [];
  private last: { length: number; tail: BulkWire; body: string; etag: string } | null = null;
  private readonly texts: string[] = [];

  wireAt(i: number, r: EvaluationResult): BulkWire {
    if (this.results[i] === r) return this.wires[i];
    const wire = bulkEntryWire(r);
    if (Object.isFrozen(r)) {
      this.results[i] = r;
      this.wires[i] = wire;
    }
    return wire;
  }

  /** The response body (`{"flags":[…]` and the tail) and its ETag for these results. */
  answer(results: EvaluationResult[], tail: BulkWire): { body: string; etag: string } {
    const last = this.last;
    let same = last !== null && last.tail === tail && last.length === results.length;
    for (let i = 0; same && i < results.length; i++) same = this.results[i] === results[i];
    if (same) return last!;
    const fold = new EtagFold();
    // the entries' texts, in an array kept from answer to answer (join keeps nothing of it)
    const texts = this.texts;
    texts.length = results.length;
    let shared = true;
    for (let i = 0; i < results.length; i++) {
      const wire = this.wireAt(i, results[i]);
      texts[i] = wire.text;
      fold.add(wire.h1, wire.h2);
      shared &&= this.results[i] === results[i];
    }
    fold.add(tail.h1, tail.h2);
    // one copy into one flat string: the head and the tail go in with the first and last entries, since adding them
    // to the joined text would make a rope that the Response then copies flat again (14 kB more per answer)
    const n = results.length;
    let body: string;
    if (n === 0) body = '{"flags":[' + tail.text;
    else {
      texts[0] = '{"flags":[' + texts[0];
      texts[n - 1] = texts[n - 1] + tail.text;
      body = texts.join(',');
    }
    const answer = { length: n, tail, body, etag: fold.etag() };
    // remembered only when every entry is a shared (frozen) result, which the identity check above can recognise
    this.last = shared ? answer : null;
    return answer;
  }
}

/**
 * The bulk response's ETag: a 64-bit fold of its entries' hashes and of its tail's, in order. A function
 * of the response text alone, so every isolate and location gives equal answers equal ETags, without
 * hashing ~15 kB per request.
 */
export class EtagFold {
  private a = 0x811c9dc5;
  private b = 0x01000193;
  private n = 0;

  add(h1: number, h2: number): void {
    this.a = Math.imul((this.a ^ h1) >>> 0, 0x85ebca6b);
    this.a = (this.a << 13) | (this.a >>> 19);
    this.b = Math.imul((this.b ^ h2) >>> 0, 0xc2b2ae35);
    this.b = (this.b << 17) | (this.b >>> 15);
    this.n++;
  }

  etag(): string {
    return `"${hex8(this.a)}${hex8(this.b)}-${this.n.toString(36)}"`;
  }
}

const hex8 = (x: number) => (x >>> 0).toString(16).padStart(8, '0');
