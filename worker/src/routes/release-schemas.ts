// Request and response schemas of the release and deployment routes (zod), which also feed the OpenAPI document.
import { z } from '@hono/zod-openapi';
import { percentProblem } from '../engine';
import { keySchema, nothingToChange, somethingToChange } from './schemas';

const isoTime = z.iso.datetime({ offset: true }).describe('RFC 3339 date-time');

export const stepSchema = z
  .object({
    percent: z.number().superRefine((p, ctx) => {
      const problem = percentProblem(p);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
    holdMinutes: z.number().min(0).max(525_600),
  })
  .strict()
  .openapi('ReleaseStep');

export const planSchema = z
  .object({ steps: z.array(stepSchema).min(1).max(50) })
  .strict()
  .superRefine((plan, ctx) => {
    plan.steps.forEach((s, i) => {
      if (i > 0 && s.percent < plan.steps[i - 1].percent) ctx.addIssue({ code: 'custom', path: ['steps', i, 'percent'], message: 'may not be below the step before (users only ever join a rollout)' });
    });
  })
  .openapi('ReleasePlan');

const metricName = z.string().regex(/^[a-zA-Z0-9_.:-]{1,64}$/, 'letters, digits, "_", ".", ":" or "-", up to 64');

export const thresholdGuardrailSchema = z
  .object({
    kind: z.literal('threshold').optional(),
    metric: metricName,
    operator: z.enum(['>', '>=', '<', '<=']),
    threshold: z.number().finite(),
    windowMinutes: z.number().positive().max(1440),
    minSamples: z.number().int().min(1).max(100_000).optional(),
    action: z.enum(['pause', 'rollback']).optional().describe('default pause'),
  })
  .strict()
  .openapi('ThresholdGuardrail');

export const sequentialGuardrailSchema = z
  .object({
    kind: z.literal('sequential'),
    metric: metricName.describe('a trackingEventName apps send to POST /v1/track'),
    measure: z.enum(['rate', 'mean']).describe('rate: users with the event per exposed user; mean: the mean of the events’ details.value'),
    direction: z.enum(['increase', 'decrease']).describe('which change inside is a regression'),
    minSamples: z.number().int().min(10).max(1_000_000).optional().describe('observations each side needs before the test may decide (default 200)'),
    action: z.enum(['pause', 'rollback']).optional().describe('default pause'),
  })
  .strict()
  .openapi('SequentialGuardrail');

export const guardrailSchema = z.discriminatedUnion('kind', [thresholdGuardrailSchema, sequentialGuardrailSchema]).openapi('Guardrail');

const variantsSchema = z.record(keySchema, z.object({ inside: z.string().min(1).max(128), outside: z.string().min(1).max(128) }).strict());

export const releaseInputSchema = z
  .object({
    key: keySchema,
    name: z.string().min(1).max(200),
    flags: z.array(keySchema).min(1).max(50),
    plan: planSchema,
    startAt: isoTime.nullable().optional(),
    bucketBy: z.string().min(1).max(128).optional(),
    notes: z.string().max(20_000).optional().describe('Release notes, Markdown'),
    owner: z.string().min(1).max(200).nullable().optional(),
    variants: variantsSchema.optional().describe('Per flag, the variant served inside the release and outside it (booleans: true and false by default)'),
    guardrails: z.array(guardrailSchema).max(10).optional(),
  })
  .strict()
  .openapi('ReleaseInput');

export const releasePatchSchema = releaseInputSchema.omit({ key: true }).partial().strict().refine(somethingToChange, nothingToChange).openapi('ReleasePatch');

export const releaseSchema = z
  .object({
    key: z.string(),
    name: z.string(),
    owner: z.string().nullable(),
    notes: z.string(),
    bucketBy: z.string(),
    state: z.enum(['draft', 'scheduled', 'rolling_out', 'paused', 'released', 'rolled_back']),
    killed: z.boolean(),
    flags: z.array(z.object({ key: z.string(), inside: z.string(), outside: z.string() })),
    plan: z.object({ steps: z.array(z.object({ percent: z.number(), holdMinutes: z.number() })) }),
    timeline: z
      .array(z.object({ step: z.number(), percent: z.number(), startsAt: z.string().nullable() }))
      .describe('when each step began or begins, in true time: a pause delays only the steps after it (null: waits behind a pause going on, or will not come)'),
    startAt: z.string().nullable().describe('when the plan starts or started (true time; the first step’s start)'),
    startedAt: z.string().nullable(),
    pausedAt: z.string().nullable(),
    endedAt: z.string().nullable(),
    guardrails: z.array(
      z.union([
        z.object({ kind: z.literal('threshold').optional(), metric: z.string(), operator: z.string(), threshold: z.number(), windowMinutes: z.number(), minSamples: z.number(), action: z.string() }),
        z.object({
          kind: z.literal('sequential'),
          metric: z.string(),
          measure: z.string(),
          direction: z.string(),
          minSamples: z.number(),
          action: z.string(),
          decision: z
            .object({
              at: z.string(),
              outcome: z.enum(['ok', 'regression', 'improvement', 'insufficient']),
              inside: z.object({ n: z.number(), value: z.number() }),
              outside: z.object({ n: z.number(), value: z.number() }),
              interval: z.tuple([z.number(), z.number()]).nullable().describe('always-valid 95 % interval of inside − outside (mSPRT confidence sequence)'),
              reason: z.string(),
            })
            .nullable()
            .optional()
            .describe('the release watch’s latest decision (each minute while rolling out); in GET of one release'),
        }),
      ]),
    ),
    pausedReason: z.enum(['sample_ratio_mismatch', 'no_traffic', 'guardrail']).nullable().optional().describe('why the release watch paused it (null: a person, a threshold guardrail or an alert did, or it is not paused); in GET of one release'),
    pausedMessage: z.string().nullable().optional(),
    exposures: z
      .object({ inside: z.number(), outside: z.number(), since: z.string() })
      .optional()
      .describe('distinct users the edge served inside and outside the release in the last hour, or since its start if later: HyperLogLog estimates (about 2.3 % standard error, docs/releases.md). In GET of one release'),
    status: z.object({
      percent: z.number().describe('share of users inside now, 0–100, as the edge computes it'),
      step: z.number().nullable().describe('0-based index of the current step'),
      nextStepAt: z.string().nullable(),
      releasedAt: z.string().nullable(),
    }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Release');

const readingSchema = z.object({ metric: metricName, value: z.number().finite(), at: isoTime.optional() }).strict();
export const readingsSchema = z
  .union([readingSchema, z.object({ readings: z.array(readingSchema).min(1).max(1000) }).strict()])
  .openapi('MetricReadings');

export const alertmanagerSchema = z
  .object({
    alerts: z
      .array(
        z.object({
          status: z.string().max(32).optional(),
          labels: z.record(z.string(), z.string()).optional(),
          annotations: z.record(z.string(), z.string()).optional(),
          startsAt: z.string().max(64).optional(),
        }),
      )
      .max(1000),
  })
  .openapi('AlertmanagerWebhook');

export const deploymentInputSchema = z
  .object({
    version: z.string().min(1).max(128),
    commit: z.string().min(1).max(128).optional(),
    url: z.url().max(2048).optional(),
    actor: z.string().min(1).max(200).optional(),
    flags: z.array(keySchema).max(5000).optional().describe('the flag keys the deployed code uses; unknown ones are created dormant'),
    references: z
      .array(z.object({ key: keySchema, file: z.string().min(1).max(512), line: z.number().int().min(1) }).strict())
      .max(5000)
      .optional()
      .describe('where the code uses them (the CLI’s scan): a key used here counts as used; shown per flag by GET …/flags/{flag}/references'),
    at: isoTime.optional(),
  })
  .strict()
  .openapi('DeploymentInput');

export const deploymentSchema = z
  .object({ id: z.string(), version: z.string(), commit: z.string().nullable(), url: z.string().nullable(), actor: z.string(), flags: z.array(z.string()), at: z.string() })
  .openapi('Deployment');

export const forceQuery = z.object({
  force: z.enum(['true', 'false']).optional().describe('`true` confirms an action the dormant-code guard refused'),
});

export const releaseActionQuery = forceQuery.extend({
  acknowledgeLoss: z.enum(['true', 'false']).optional().describe('`true` starts a release even though users who have the inside variant now would lose it (409 TAKES_FEATURE_AWAY otherwise)'),
});

/** A flag write that would change what a running release serves: `releaseAction` ends the release with it, in one batch. */
export const flagWriteQuery = forceQuery.extend({
  releaseAction: z.enum(['rollback', 'kill']).optional().describe('ends the release that owns the flag (409 RELEASE_OWNS_FLAG otherwise) with this action, together with the change: both are audited'),
  revertOf: z.coerce.number().int().positive().optional().describe('the id of the history entry this change reverts: the history labels it as a revert of that entry'),
});
