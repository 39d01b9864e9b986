// Request bodies of the writes a protected environment may hold (routes/held-*.ts validate an edited request with them).
import { z } from '@hono/zod-openapi';
import { stateSchema } from './schemas';

export const changeInput = z
  .object({
    at: z.iso.datetime({ offset: true }).describe('when the change takes effect (RFC 3339, in the future)'),
    state: stateSchema.optional(),
    defaultVariant: z.string().min(1).max(128).nullable().optional(),
    targeting: z.unknown().optional().describe('JsonLogic that replaces the flag’s rules'),
    split: z
      .array(z.tuple([z.string().min(1).max(128), z.number().int().min(0)]))
      .min(1)
      .max(100)
      .optional()
      .describe('a split for everyone the flag’s rules leave to the default, as `fractional` buckets [[variant, weight], …]; the rules stay'),
  })
  .strict()
  .openapi('ScheduledChangeInput');

export const flagdFile = z.record(z.string(), z.unknown()).openapi('FlagdFile', {
  description: 'A flagd flag-definition file (https://flagd.dev/schema/v0/flags.json), with Curtain extensions (docs/flag-format.md)',
});
