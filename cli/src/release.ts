// `curtain release create | start | pause | resume | rollback | kill | status | list`, over the release routes.
import { InvalidArgumentError, Option, type Command } from 'commander';
import { queryFlag, type Release, type ReleaseInput } from './api';
import type { CurtainClient } from './client';
import { readDocument } from './files';
import { configWords } from './flag-view';
import { collect, connect, parseDuration, withConnection, withEnv, type ConnectionOpts } from './options';
import { emit, table, usageError } from './output';

interface EnvOpts extends ConnectionOpts {
  env: string;
}

interface CreateOpts extends EnvOpts {
  name?: string;
  flag?: string[];
  steps?: { percent: number; holdMinutes: number }[];
  startAt?: string;
  bucketBy?: string;
  notes?: string;
  owner?: string;
  variant?: string[];
  fromFile?: string;
}

/** "5:30m,25:1h,100": percent, then how long to hold it (minutes when no unit is given). */
export function parseSteps(value: string) {
  return value.split(',').map((part) => {
    const [percent, hold = '0'] = part.trim().split(':');
    const p = Number(percent.replace(/%$/, ''));
    if (!Number.isFinite(p) || p <= 0 || p > 100) throw new InvalidArgumentError(`step "${part}": the percent is a number above 0 and at most 100`);
    return { percent: p, holdMinutes: parseDuration(hold, 'm') / 60_000 };
  });
}

export function describeRelease(r: Release): string[] {
  const s = r.status;
  const step = s.step === null ? '' : `, step ${s.step + 1} of ${r.plan.steps.length}`;
  const next = s.nextStepAt ? `, next step at ${s.nextStepAt}` : r.startAt && r.state === 'scheduled' ? `, starts at ${r.startAt}` : '';
  return [
    `${r.key}${r.name && r.name !== r.key ? ` (${r.name})` : ''}: ${r.state}${r.killed ? ' (killed)' : ''}, ${s.percent}%${step}${next}`,
    `  flags: ${r.flags.map((f) => `${f.key} (${f.inside} inside, ${f.outside} outside)`).join(', ') || 'none'}`,
    `  plan: ${r.plan.steps.map((p) => `${p.percent}%${p.holdMinutes ? ` for ${p.holdMinutes} min` : ''}`).join(' → ')}`,
  ];
}

const ended = (r: Release) => r.state === 'released' || r.state === 'rolled_back';

/**
 * An ended release has written its outcome into its flags (released: the inside variant by default; rolled back: the
 * outside one; killed: that, and no rules), so from then on the flags' own configuration is what users get.
 */
async function flagsNow(client: CurtainClient, release: Release, env: string): Promise<{ key: string; now: string }[]> {
  return Promise.all(
    release.flags.map(async (f) => {
      try {
        const flag = await client.call('get', '/projects/{project}/flags/{flag}', { path: { flag: f.key } });
        const config = flag.environments[env];
        return { key: f.key, now: config ? configWords(config) : 'not in this environment' };
      } catch {
        return { key: f.key, now: 'deleted since' };
      }
    }),
  );
}

function describeEnded(release: Release, flags: { key: string; now: string }[]): string[] {
  const how = release.killed ? 'killed' : release.state === 'released' ? 'released' : 'rolled back';
  return [
    `  ended (${how}${release.endedAt ? ` ${release.endedAt}` : ''}): its outcome is in the flags now, and their own configuration decides what users get:`,
    ...flags.map((f) => `    ${f.key}: ${f.now}`),
  ];
}

async function create(key: string, opts: CreateOpts): Promise<void> {
  const client = connect(opts);
  const base = opts.fromFile ? ((await readDocument(opts.fromFile)) as Record<string, unknown>) : {};
  const variants = Object.fromEntries(
    (opts.variant ?? []).map((v) => {
      const m = /^([^=]+)=([^:]+):(.+)$/.exec(v);
      if (!m) throw usageError(`--variant is FLAG=INSIDE:OUTSIDE, e.g. checkout-v2=on:off (got "${v}")`);
      return [m[1], { inside: m[2], outside: m[3] }];
    }),
  );
  const body = {
    ...base,
    key,
    name: opts.name ?? base.name ?? key,
    ...(opts.flag ? { flags: opts.flag } : {}),
    ...(opts.steps ? { plan: { steps: opts.steps } } : {}),
    ...(opts.startAt ? { startAt: opts.startAt } : {}),
    ...(opts.bucketBy ? { bucketBy: opts.bucketBy } : {}),
    ...(opts.notes ? { notes: opts.notes } : {}),
    ...(opts.owner ? { owner: opts.owner } : {}),
    ...(opts.variant ? { variants: { ...(base.variants as object), ...variants } } : {}),
  };
  if (!body.flags) throw usageError('a release needs flags: pass --flag KEY (repeatable) or a --from-file with "flags"');
  if (!body.plan) throw usageError('a release needs a plan: pass --steps, e.g. --steps 5:30m,25:1h,100, or a --from-file with "plan"');
  const release = await client.call('post', '/projects/{project}/environments/{env}/releases', { path: { env: opts.env }, body: body as ReleaseInput });
  emit(opts, release, () => [`created release ${release.key} in ${opts.env} (draft: start it with \`curtain release start ${release.key} --env ${opts.env}\`)`, ...describeRelease(release)]);
}

type Verb = 'start' | 'pause' | 'resume' | 'rollback' | 'kill';
type TransitionOpts = EnvOpts & { force?: boolean; acknowledgeLoss?: boolean };

/** start, pause, resume, rollback, kill: one POST each, answering the release. */
function transition(verb: Verb) {
  return async (key: string, opts: TransitionOpts) => {
    const client = connect(opts);
    const query = { force: queryFlag(opts.force), ...(verb === 'start' ? { acknowledgeLoss: queryFlag(opts.acknowledgeLoss) } : {}) };
    const release = await client.call('post', `/projects/{project}/environments/{env}/releases/{release}/${verb}`, { path: { env: opts.env, release: key }, query });
    const flags = ended(release) ? await flagsNow(client, release, opts.env) : [];
    emit(opts, ended(release) ? { ...release, flagsNow: flags } : release, () => [...describeRelease(release), ...(ended(release) ? describeEnded(release, flags) : [])]);
  };
}

async function status(key: string, opts: EnvOpts): Promise<void> {
  const client = connect(opts);
  const release = await client.call('get', '/projects/{project}/environments/{env}/releases/{release}', { path: { env: opts.env, release: key } });
  const flags = ended(release) ? await flagsNow(client, release, opts.env) : [];
  emit(opts, ended(release) ? { ...release, flagsNow: flags } : release, () => [...describeRelease(release), ...(ended(release) ? describeEnded(release, flags) : [])]);
}

async function list(opts: EnvOpts): Promise<void> {
  const client = connect(opts);
  const { releases: all } = await client.call('get', '/projects/{project}/environments/{env}/releases', { path: { env: opts.env } });
  emit(opts, { releases: all }, () =>
    all.length
      ? [
          ...table([
            ['KEY', 'STATE', 'PERCENT', 'FLAGS', 'NOW'],
            ...all.map((r) => [r.key, r.state + (r.killed ? ' (killed)' : ''), `${r.status.percent}%`, r.flags.map((f) => f.key).join(', '), ended(r) ? 'ended: the flags decide' : r.state === 'draft' ? '' : 'owns its flags']),
          ]),
          ...(all.some(ended) ? ['An ended release wrote its outcome into its flags: `curtain flags get FLAG` shows what users get now.'] : []),
        ]
      : `no releases in ${opts.env}: create one with \`curtain release create KEY --env ${opts.env} --flag FLAG --steps 5:30m,100\``,
  );
}

export function releaseCommand(program: Command): void {
  const release = program.command('release').description('releases: show flags to users step by step, with a kill switch');
  const leaf = (name: string, description: string) => withEnv(withConnection(release.command(name).description(description)));
  leaf('create', 'create a release (a draft; start it with `release start`)')
    .argument('<key>', 'the release key')
    .option('--name <name>', 'a name for people (default: the key)')
    .option('--flag <key>', 'a flag this release turns on (repeatable)', collect)
    .option('--steps <steps>', 'percent:hold pairs, e.g. 5:30m,25:1h,100 (hold in minutes unless a unit is given)', parseSteps)
    .option('--start-at <time>', 'start at this ISO 8601 time instead of on `release start`')
    .option('--bucket-by <attribute>', 'the context attribute that buckets users (default: targetingKey)')
    .option('--notes <markdown>', 'notes for the people watching the release')
    .option('--owner <name>', 'who owns the release')
    .option('--variant <flag=inside:outside>', 'the variants served inside and outside the rollout, per flag (repeatable)', collect)
    .option('--from-file <file>', 'the release as JSON or YAML (all fields of the API, e.g. guardrails); options override it')
    .action(create);
  leaf('start', 'start rolling out (or schedule it, when it has a start time)')
    .argument('<key>', 'the release key')
    .option('--force', 'start even if no recorded deployment uses its flags (the dormant-code guard)')
    .addOption(new Option('--acknowledge-loss', 'start even though users who have the inside variant now would lose it (TAKES_FEATURE_AWAY, exit 6)'))
    .action(transition('start'));
  leaf('resume', 'resume a paused release').argument('<key>', 'the release key').option('--force', 'resume even if no recorded deployment uses its flags (the dormant-code guard)').action(transition('resume'));
  leaf('pause', 'hold the release at its current percent').argument('<key>', 'the release key').action(transition('pause'));
  leaf('rollback', 'roll the release back: everyone gets the outside variant').argument('<key>', 'the release key').action(transition('rollback'));
  leaf('kill', 'the kill switch: roll back at once and mark the release killed').argument('<key>', 'the release key').action(transition('kill'));
  leaf('status', 'where a release stands').argument('<key>', 'the release key').action(status);
  leaf('list', 'the releases of an environment, newest first').action(list);
}
