// The release writes a protected environment holds: plan (create, edit, delete) and start or resume. Pause, roll back
// and kill are safety actions and never held.
import { notFound } from '../errors';
import { wakeReleaseClock } from '../schedule/release-clock';
import { releaseTarget } from '../store/change-targets';
import { getEnvironment } from '../store/projects';
import { deleteRelease, releaseAction, releaseTag, updateRelease } from '../store/release-actions';
import { createRelease, getRelease, releaseView, type ReleaseInput } from '../store/releases';
import { publishAndAdopt } from './publish-and-adopt';
import { releaseInputSchema, releasePatchSchema } from './release-schemas';
import { protectedAmong, type HeldContext, type HeldKind, type HeldOperation } from './held-kinds';

const E = '/projects/:project/environments/:env';
const commitOf = async (x: HeldContext, op: HeldOperation) => ({ db: x.db, actor: x.actor, project: x.project, env: await getEnvironment(x.db, x.project.id, op.params.env), now: x.now });
const here = (envs: Parameters<HeldKind['protectedIn']>[0], op: HeldOperation) => protectedAmong(envs, [op.params.env]);
const envOf = (state: Parameters<HeldKind['target']>[1], op: HeldOperation) => {
  const env = state.environments.find((e) => e.key === op.params.env);
  if (!env) throw notFound(`Environment '${op.params.env}'`);
  return env;
};
const target: HeldKind['target'] = (x, state, op) => releaseTarget(x.db, state, envOf(state, op), op.params.release, x.now);

function action(name: 'start' | 'resume'): HeldKind {
  return {
    route: `POST ${E}/releases/:release/${name}`,
    summary: (op) => `${name} release '${op.params.release}' in ${op.params.env}`,
    protectedIn: here,
    target,
    flags: () => [],
    // a scheduled start applied ahead of its time starts on time at the edge
    appliesAt: async (x, op) => (name === 'start' ? (await getRelease(x.db, (await commitOf(x, op)).env, op.params.release)).startAt : null),
    async run(x, op) {
      const c = await commitOf(x, op);
      const q = op.query as { force?: string; acknowledgeLoss?: string };
      const { view, row, affected } = await releaseAction(c, op.params.release, name, { force: q.force === 'true', acknowledgeLoss: q.acknowledgeLoss === 'true', ifMatch: x.ifMatch });
      await publishAndAdopt(x.env, x.db, affected);
      await wakeReleaseClock(x.env, c.env.id);
      return { status: 200, body: view, etag: await releaseTag(row!) };
    },
  };
}

export const releaseKinds: Record<string, HeldKind> = {
  'release.create': {
    route: `POST ${E}/releases`,
    body: releaseInputSchema,
    summary: (op) => `plan release '${(op.body as ReleaseInput).key}' of ${(op.body as ReleaseInput).flags.join(', ')} in ${op.params.env}`,
    protectedIn: here,
    target: async (x, state, op) => ({ exists: (await releaseTarget(x.db, state, envOf(state, op), (op.body as ReleaseInput).key, x.now)) !== null }),
    flags: (op) => (op.body as ReleaseInput).flags,
    async run(x, op) {
      const c = await commitOf(x, op);
      const row = await createRelease(c.db, c.actor, c.project, c.env, op.body as ReleaseInput, c.now);
      return { status: 201, body: releaseView(row, c.now), etag: await releaseTag(row) };
    },
  },
  'release.update': {
    route: `PATCH ${E}/releases/:release`,
    body: releasePatchSchema,
    summary: (op) => `edit ${Object.keys(op.body as object).join(', ')} of release '${op.params.release}' in ${op.params.env}`,
    protectedIn: here,
    target,
    flags: () => [],
    async run(x, op) {
      const c = await commitOf(x, op);
      const { view, row, affected } = await updateRelease(c, op.params.release, op.body as Partial<ReleaseInput>, x.ifMatch);
      await publishAndAdopt(x.env, x.db, affected);
      if (affected.length) await wakeReleaseClock(x.env, c.env.id);
      return { status: 200, body: view, etag: await releaseTag(row!) };
    },
  },
  'release.delete': {
    route: `DELETE ${E}/releases/:release`,
    summary: (op) => `delete release '${op.params.release}' in ${op.params.env}`,
    protectedIn: here,
    target,
    flags: () => [],
    async run(x, op) {
      const { affected } = await deleteRelease(await commitOf(x, op), op.params.release, x.ifMatch);
      await publishAndAdopt(x.env, x.db, affected);
      return { status: 204 };
    },
  },
  'release.start': action('start'),
  'release.resume': action('resume'),
};
