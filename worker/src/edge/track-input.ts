// The body of POST /v1/track, OpenFeature's tracking event: checked before anything is evaluated or written.
import { z } from 'zod';
import { failure, type EdgeFailure } from './json-body';

/** Limits (docs/limits.md): the whole body and the context as JSON, like feedback's. */
export const TRACK_MAX_BYTES = 16 * 1024;
export const TRACK_CONTEXT_MAX_BYTES = 8 * 1024;

const encoder = new TextEncoder();

const schema = z
  .object({
    trackingEventName: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/, 'must be 1–128 letters, digits and . _ : / - (a metric name)'),
    context: z
      .record(z.string(), z.unknown())
      .refine((ctx) => encoder.encode(JSON.stringify(ctx)).byteLength <= TRACK_CONTEXT_MAX_BYTES, `may be at most ${TRACK_CONTEXT_MAX_BYTES} bytes as JSON`),
    // OpenFeature's TrackingEventDetails: an optional numeric value and any other fields (accepted, not stored)
    details: z.object({ value: z.number().finite().optional() }).catchall(z.unknown()).optional(),
  })
  .strict();

export interface TrackRequest {
  name: string;
  context: Record<string, unknown>;
  value: number | null;
}

export function parseTrack(body: Record<string, unknown>): { ok: true; value: TrackRequest } | { ok: false; failure: EdgeFailure } {
  const r = schema.safeParse(body);
  if (r.success) return { ok: true, value: { name: r.data.trackingEventName, context: r.data.context, value: r.data.details?.value ?? null } };
  const issues = r.error.issues.map((i) => ({ path: '/' + i.path.join('/'), message: i.message }));
  return { ok: false, failure: failure(400, 'VALIDATION_FAILED', `Invalid input: ${issues[0].path} ${issues[0].message}`, issues) };
}
