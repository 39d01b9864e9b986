// Conditional writes over HTTP: the ETag a mutable resource answers with, the optional If-Match a write may carry,
// and the 409 and 412 they can end in (store/write-conditions.ts does the checking, inside the write).
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { errorSchema } from './schemas';

export const ifMatchHeaders = z.object({
  'if-match': z
    .string()
    .max(2000)
    .optional()
    .openapi({ description: 'The ETag of the version this change was made from: if the resource has changed since, nothing is written (412). Optional: without it the change applies to the current version.' }),
});

const etagHeader = z.object({ ETag: z.string().openapi({ description: 'the version of the resource (for If-Match)' }) });

/** A response that carries the resource's ETag. */
export const tagged = <T extends { description: string }>(response: T) => ({ ...response, headers: etagHeader });

const errorContent = { 'application/json': { schema: errorSchema } };

export const writeConflicts = {
  409: { description: 'A conflicting write (`CONFLICT`): a racing change was committed first, or the resource exists; nothing was written', content: errorContent },
  412: { description: 'If-Match named a version that is no longer current (`PRECONDITION_FAILED`); the body has the current `etag` and `current` representation; nothing was written', content: errorContent },
} as const;

/** The If-Match header of a request validated with `ifMatchHeaders`. */
export const ifMatchOf = (c: Context) => c.req.header('if-match');

export function setEtag(c: Context, etag: string) {
  c.header('ETag', etag);
}
