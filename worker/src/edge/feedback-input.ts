// The body of POST /v1/feedback, checked before anything is evaluated or written: sizes, types, the rating.
import { z } from 'zod';
import { failure, type EdgeFailure } from './json-body';
import type { FeedbackRating } from '../store/schema';

/** Limits (docs/announcing.md): the whole body, the context as JSON, and the comment in characters. */
export const FEEDBACK_MAX_BYTES = 16 * 1024;
export const CONTEXT_MAX_BYTES = 8 * 1024;
export const COMMENT_MAX_CHARS = 2000;

const encoder = new TextEncoder();

const schema = z
  .object({
    release: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,63}$/, 'must be a release key'),
    context: z
      .record(z.string(), z.unknown())
      .refine((ctx) => encoder.encode(JSON.stringify(ctx)).byteLength <= CONTEXT_MAX_BYTES, `may be at most ${CONTEXT_MAX_BYTES} bytes as JSON`)
      .refine((ctx) => typeof ctx.targetingKey === 'string' && ctx.targetingKey !== '', 'needs a targetingKey (the user the feedback is from)'),
    rating: z.enum(['positive', 'neutral', 'negative']),
    comment: z.string().max(COMMENT_MAX_CHARS, `may be at most ${COMMENT_MAX_CHARS} characters`).nullable().optional(),
  })
  .strict();

export interface FeedbackRequest {
  release: string;
  context: Record<string, unknown> & { targetingKey: string };
  rating: FeedbackRating;
  comment: string | null;
}

export function parseFeedback(body: Record<string, unknown>): { ok: true; value: FeedbackRequest } | { ok: false; failure: EdgeFailure } {
  const r = schema.safeParse(body);
  if (r.success) {
    const { release, context, rating, comment } = r.data;
    return { ok: true, value: { release, context: context as FeedbackRequest['context'], rating, comment: comment ? comment : null } };
  }
  const issues = r.error.issues.map((i) => ({ path: '/' + i.path.join('/'), message: i.message }));
  const missingKey = issues.find((i) => i.path === '/context' && i.message.startsWith('needs a targetingKey'));
  if (missingKey && issues.length === 1) return { ok: false, failure: failure(400, 'TARGETING_KEY_MISSING', `Invalid input: /context ${missingKey.message}`) };
  return { ok: false, failure: failure(400, 'VALIDATION_FAILED', `Invalid input: ${issues[0].path} ${issues[0].message}`, issues) };
}
