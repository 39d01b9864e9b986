// The flag writes a protected environment holds: create (with a config there), definition edits that change what it
// serves, delete, a config change in the environment, a scheduled change and its cancelling, and a flagd import.
import { wakeReleaseClock } from '../schedule/release-clock';
import { createFlag, deleteFlag, updateFlag, updateFlagConfig, type FlagInput, type FlagPatch } from '../store/flags';
import { cancelScheduledChange, scheduleChange, type ScheduledChangeInput } from '../store/flag-schedules';
import { fileTarget, flagTarget } from '../store/change-targets';
import { importEnvironment, type ImportOptions } from '../store/flagd-import';
import type { EnvConfig } from '../store/flag-set';
import { entityTag } from '../store/write-conditions';
import { notFound } from '../errors';
import { publishAndAdopt } from './publish-and-adopt';
import { protectedAmong, type HeldKind, type HeldOperation } from './held-kinds';
import { envConfigPatchSchema, flagInputSchema, flagPatchSchema } from './schemas';
import { changeInput, flagdFile } from './write-schemas';

const P = '/projects/:project';
const E = `${P}/environments/:env`;
type Q = { force?: 'true' | 'false'; releaseAction?: 'rollback' | 'kill'; revertOf?: number };
const writeOptions = (q: Q) => ({ force: q.force === 'true', releaseAction: q.releaseAction, revertOf: q.revertOf });
const query = (op: HeldOperation) => op.query as Q;
const flagOf = (op: HeldOperation) => [op.params.flag];
/** Definition fields that change nothing any environment serves: never held. */
const harmless = new Set(['description', 'tags', 'archived']);
const envFile = (env: { key: string }, state: Parameters<typeof fileTarget>[0]) => fileTarget(state, state.environments.find((e) => e.key === env.key)!);

export const flagKinds: Record<string, HeldKind> = {
  'flag.create': {
    route: `POST ${P}/flags`,
    body: flagInputSchema,
    summary: (op) => `create flag '${(op.body as FlagInput).key}' configured in ${Object.keys((op.body as FlagInput).environments ?? {}).join(', ')}`,
    protectedIn: (envs, op) => protectedAmong(envs, Object.keys((op.body as FlagInput).environments ?? {})),
    target: (_x, state, op) => ({ exists: state.flags.some((f) => f.key === (op.body as FlagInput).key) }),
    flags: (op) => [(op.body as FlagInput).key],
    async run(x, op) {
      const { view, served, affected } = await createFlag(x.db, x.actor, x.project, op.body as FlagInput);
      await publishAndAdopt(x.env, x.db, affected);
      return { status: 201, body: served, etag: await entityTag(view) };
    },
  },
  'flag.update': {
    route: `PATCH ${P}/flags/:flag`,
    body: flagPatchSchema,
    summary: (op) => `change ${Object.keys(op.body as object).join(', ')} of flag '${op.params.flag}'`,
    protectedIn: (envs, op) => (Object.keys(op.body as object).some((k) => !harmless.has(k)) || query(op).releaseAction ? envs.filter((e) => e.protected) : []),
    target: (_x, state, op) => flagTarget(state, op.params.flag),
    flags: flagOf,
    async run(x, op) {
      const { view, served, affected } = await updateFlag(x.db, x.actor, x.project, op.params.flag, op.body as FlagPatch, x.ifMatch, writeOptions(query(op)));
      await publishAndAdopt(x.env, x.db, affected);
      return { status: 200, body: served, etag: await entityTag(view) };
    },
  },
  'flag.delete': {
    route: `DELETE ${P}/flags/:flag`,
    summary: (op) => `delete flag '${op.params.flag}'`,
    protectedIn: (envs) => envs.filter((e) => e.protected),
    target: (_x, state, op) => flagTarget(state, op.params.flag),
    flags: flagOf,
    async run(x, op) {
      const { affected } = await deleteFlag(x.db, x.actor, x.project, op.params.flag, x.ifMatch, writeOptions(query(op)));
      await publishAndAdopt(x.env, x.db, affected);
      return { status: 204 };
    },
  },
  'flag.configure': {
    route: `PATCH ${E}/flags/:flag`,
    body: envConfigPatchSchema,
    summary: (op) => `change ${Object.keys(op.body as object).join(', ')} of flag '${op.params.flag}' in ${op.params.env}${query(op).releaseAction ? ` (and ${query(op).releaseAction} its release)` : ''}`,
    protectedIn: (envs, op) => protectedAmong(envs, [op.params.env]),
    target: (_x, state, op) => flagTarget(state, op.params.flag, op.params.env),
    flags: flagOf,
    // switching a flag off is its kill switch
    safety: (op) => JSON.stringify(op.body) === JSON.stringify({ state: 'DISABLED' }),
    async run(x, op) {
      const { view, served, affected } = await updateFlagConfig(x.db, x.actor, x.project, op.params.env, op.params.flag, op.body as Partial<EnvConfig>, writeOptions(query(op)), x.ifMatch);
      await publishAndAdopt(x.env, x.db, affected);
      return { status: 200, body: served, etag: await entityTag(view) };
    },
  },
  'flag.schedule': {
    route: `POST ${E}/flags/:flag/schedule`,
    body: changeInput,
    summary: (op) => `schedule ${Object.keys(op.body as object).filter((k) => k !== 'at').join(', ')} of flag '${op.params.flag}' in ${op.params.env} at ${(op.body as ScheduledChangeInput).at}`,
    protectedIn: (envs, op) => protectedAmong(envs, [op.params.env]),
    target: (_x, state, op) => flagTarget(state, op.params.flag, op.params.env),
    flags: flagOf,
    appliesAt: (_x, op) => Date.parse((op.body as ScheduledChangeInput).at),
    async run(x, op) {
      const { view, affected, environmentId } = await scheduleChange(x.db, x.actor, x.project, op.params.env, op.params.flag, op.body as ScheduledChangeInput, query(op).force === 'true', Date.now());
      await publishAndAdopt(x.env, x.db, affected);
      await wakeReleaseClock(x.env, environmentId);
      return { status: 201, body: view };
    },
  },
  'flag.unschedule': {
    route: `DELETE ${E}/flags/:flag/schedule/:id`,
    summary: (op) => `cancel scheduled change ${op.params.id} of flag '${op.params.flag}' in ${op.params.env}`,
    protectedIn: (envs, op) => protectedAmong(envs, [op.params.env]),
    target: (_x, state, op) => flagTarget(state, op.params.flag, op.params.env),
    flags: flagOf,
    async run(x, op) {
      const { affected } = await cancelScheduledChange(x.db, x.actor, x.project, op.params.env, op.params.flag, op.params.id, Date.now());
      await publishAndAdopt(x.env, x.db, affected);
      return { status: 204 };
    },
  },
  'flagd.import': {
    route: `PUT ${E}/flagd`,
    body: flagdFile,
    summary: (op) => `import a flagd file of ${Object.keys(((op.body as { flags?: object }).flags ?? {}) as object).length} flags into ${op.params.env}${(op.query as unknown as ImportOptions).prune ? ', deleting the flags it lacks' : ''}`,
    // a dry run writes nothing
    protectedIn: (envs, op) => ((op.query as unknown as ImportOptions).dryRun ? [] : protectedAmong(envs, [op.params.env])),
    target: (_x, state, op) => {
      const env = state.environments.find((e) => e.key === op.params.env);
      if (!env) throw notFound(`Environment '${op.params.env}'`);
      return envFile(env, state);
    },
    flags: (op) => Object.keys(((op.body as { flags?: object }).flags ?? {}) as object),
    async run(x, op) {
      const result = await importEnvironment(x.db, x.actor, x.project, op.params.env, op.body, op.query as unknown as ImportOptions);
      await publishAndAdopt(x.env, x.db, result.affected);
      return { status: 200, body: { dryRun: result.dryRun, report: result.report } };
    },
  },
};
