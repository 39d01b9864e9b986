// Shared request and response schemas of the admin API (zod), which also feed the OpenAPI document.
import { z } from '@hono/zod-openapi';

export const keySchema = z
  .string()
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,63}$/, 'must be 1–64 characters: letters, digits, ".", "_" or "-", starting with a letter or digit');

export const errorSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
  })
  .openapi('Error');

export const jsonValue: z.ZodType<unknown> = z.unknown();
export const metadataSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));
export const flagTypeSchema = z.enum(['boolean', 'string', 'integer', 'float', 'object']);
export const stateSchema = z.enum(['ENABLED', 'DISABLED']);

export const envConfigSchema = z
  .object({
    state: stateSchema,
    defaultVariant: z.string().nullable(),
    targeting: jsonValue.nullable(),
    schedule: z
      .array(
        z.object({
          id: z.string(),
          at: z.string(),
          state: stateSchema.optional(),
          defaultVariant: z.string().nullable().optional(),
          targeting: jsonValue.optional().describe('replaces the flag’s rules'),
          split: z.array(jsonValue).optional().describe('a split ([variant, weight] buckets) for everyone the flag’s rules leave to the default: the rules stay'),
          createdBy: z.string(),
          createdAt: z.string(),
        }),
      )
      .optional()
      .describe('changes scheduled in this environment, soonest first (absent when none)'),
  })
  .openapi('FlagEnvironmentConfig');

/** A flag's configuration in one environment as the API shows it: with the warnings of Curtain's strict checks. */
export const flagEnvironmentSchema = envConfigSchema
  .extend({
    usage: z
      .object({ lastEvaluatedAt: z.string().nullable().describe('the minute of the latest evaluation counted (30 days back at most)'), evaluations24h: z.number() })
      .optional()
      .describe('how the edge evaluates the flag here (exposures, eventually consistent): in the flag list and GET of one flag'),
    warnings: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .describe("What Curtain's strict checks say of this flag in this environment (a JSON pointer into the environment's flag set, and what is wrong): rules that flagd loads and a flagd import accepted. Empty when none."),
    release: z
      .object({
        key: z.string(),
        name: z.string(),
        state: z.enum(['scheduled', 'rolling_out', 'paused', 'released', 'rolled_back']),
        killed: z.boolean(),
        percent: z.number().describe('share of the users the release decides for who are inside now'),
        nextStepAt: z.string().nullable(),
        inside: z.string(),
        outside: z.string(),
        owns: z.boolean().describe('true while the release decides the flag (scheduled, rolling out, paused): its switch and default variant are the release’s. Once ended, its outcome is the flag’s own configuration'),
      })
      .nullable()
      .optional()
      .describe('the newest started or scheduled release of this flag in this environment (absent in write answers’ ETag basis; null when none)'),
  })
  .openapi('FlagEnvironment');

export const projectSchema = z
  .object({ id: z.string(), key: z.string(), name: z.string(), staleAfterDays: z.number().int().describe('a flag whose release has held 100 % this many days is ready to clean up (stale)'), createdAt: z.string() })
  .openapi('Project');
export const environmentSchema = z
  .object({
    id: z.string(),
    key: z.string(),
    name: z.string(),
    version: z.number(),
    protected: z.boolean().describe('serves real users: a write there by anyone but an admin opens a change request that others approve (new projects protect `production`)'),
    requiredApprovals: z.number().int().describe('approvals a change request needs here while the environment is protected'),
  })
  .openapi('Environment');

export const flagSchema = z
  .object({
    key: z.string(),
    type: flagTypeSchema,
    description: z.string(),
    tags: z.array(z.string()),
    variants: z.record(z.string(), jsonValue),
    clientVisible: z.boolean(),
    metadata: metadataSchema,
    archived: z.boolean().openapi({ description: 'Hidden from the dashboard list; switched off in every environment' }),
    environments: z.record(z.string(), flagEnvironmentSchema),
    stale: z
      .object({
        reason: z.enum(['released', 'unevaluated']).describe('released: its release has held 100 % for the project’s staleAfterDays; unevaluated: no environment evaluated it for 30 days'),
        since: z.string().describe('since when (the release reached 100 %, or the last evaluation, or the creation)'),
        stillInCode: z.array(z.string()).describe('environments whose newest deployment references it'),
      })
      .nullable()
      .optional()
      .describe('ready to clean up; in the flag list and GET of one flag'),
    warnings: z
      .array(z.object({ code: z.literal('STILL_IN_CODE'), environments: z.array(z.string()), message: z.string() }))
      .optional()
      .describe('after PATCH {archived: true}: the environments whose newest deployment still references the flag'),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Flag');

export const flagInputSchema = z
  .object({
    key: keySchema,
    type: flagTypeSchema.optional(),
    description: z.string().max(2000).optional(),
    tags: z.array(z.string().min(1).max(64)).max(50).optional(),
    variants: z.record(z.string().min(1).max(128), jsonValue).optional(),
    clientVisible: z.boolean().optional(),
    metadata: metadataSchema.optional(),
    environments: z.record(z.string(), envConfigSchema.omit({ schedule: true }).partial().strict()).optional(),
  })
  .strict()
  .openapi('FlagInput');

/** A PATCH body must name something to change: an empty one would write an audit entry and a version for nothing. */
export const somethingToChange = (o: object) => Object.keys(o).length > 0;
export const nothingToChange = { message: 'name at least one field to change' };

export const flagPatchSchema = flagInputSchema
  .omit({ key: true, type: true, environments: true })
  .extend({ archived: z.boolean().optional().openapi({ description: 'Archive (hide from the list) or unarchive; archiving needs the flag switched off in every environment (else 409 CONFLICT)' }) })
  .strict()
  .refine(somethingToChange, nothingToChange).openapi('FlagPatch');
export const envConfigPatchSchema = envConfigSchema.omit({ schedule: true }).partial().strict().refine(somethingToChange, nothingToChange).openapi('FlagEnvironmentPatch');

export const sdkKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(['server', 'client']),
    prefix: z.string(),
    rateLimit: z.number().int().nullable().openapi({ description: 'Evaluations per second per edge location, averaged over 10 s; null: no limit' }),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
  })
  .openapi('SdkKey');

export const auditEntrySchema = z
  .object({
    id: z.number(),
    at: z.string(),
    actor: z.string().describe('who made the change: the admin token’s name at the time, or the system ("scheduler", "guardrail …")'),
    actorId: z.string().nullable().describe('the admin token’s id ("bootstrap" for CURTAIN_ADMIN_TOKEN), or the system’s symbolic id ("scheduler", "guardrail", "alertmanager"); null for entries written before ids were recorded'),
    action: z.string(),
    resource: z.string(),
    before: jsonValue,
    after: jsonValue,
    flags: z.array(z.string()).describe('the flag keys the entry concerns: a flag’s own changes, and the releases, schedules, deployments and imports that name it'),
    revertOf: z.number().nullable().describe('the id of the entry this change reverted, when it was made as a revert (`?revertOf=`)'),
    review: z
      .object({ changeRequest: z.string(), author: z.object({ id: z.string().nullable(), name: z.string() }), approvedBy: z.array(z.object({ id: z.string().nullable(), name: z.string() })), appliedBy: z.object({ id: z.string().nullable(), name: z.string() }) })
      .nullable()
      .describe('for a change applied through a change request: the request, its author (the actor), who approved it and who applied it'),
  })
  .openapi('AuditEntry');

export const errorResponses = {
  400: { description: 'Invalid input; nothing was written', content: { 'application/json': { schema: errorSchema } } },
  401: { description: 'Missing or invalid admin token', content: { 'application/json': { schema: errorSchema } } },
  404: { description: 'Unknown resource', content: { 'application/json': { schema: errorSchema } } },
} as const;

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

/** A required JSON request body validated by `schema`. */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({ body: { content: { 'application/json': { schema } }, required: true } });

export const projectParams = z.object({ project: keySchema });
export const envParams = projectParams.extend({ env: keySchema });
