// `curtain flags list | get | create | on | off | refs`: one flag at a time, with the guards the API keeps (the
// dormant-code guard, running releases) and a confirmation in protected environments.
import { Option, type Command } from 'commander';
import { queryFlag, type Flag } from './api';
import type { CurtainClient } from './client';
import { confirm } from './confirm';
import { configWords, statusIn } from './flag-view';
import { collect, connect, withConnection, withEnv, withJson, type ConnectionOpts } from './options';
import { emit, plural, table, usageError } from './output';
import { scanDirectory } from './refs';

interface ListOpts extends ConnectionOpts {
  env?: string;
  tag?: string;
  archived?: boolean;
}

async function list(opts: ListOpts): Promise<void> {
  const client = connect(opts);
  const [{ flags }, { environments }] = await Promise.all([client.call('get', '/projects/{project}/flags'), client.call('get', '/projects/{project}/environments')]);
  if (opts.env && !environments.some((e) => e.key === opts.env)) await client.call('get', '/projects/{project}/environments/{env}', { path: { env: opts.env } }); // the server's NOT_FOUND, with close matches
  const shown = flags.filter((f) => (opts.archived || !f.archived) && (!opts.tag || f.tags.includes(opts.tag))).sort((a, b) => a.key.localeCompare(b.key));
  const envs = opts.env ? [opts.env] : environments.map((e) => e.key);
  emit(opts, { flags: shown }, () =>
    shown.length
      ? table([['KEY', 'TYPE', ...envs.map((e) => e.toUpperCase()), 'TAGS'], ...shown.map((f) => [f.key + (f.archived ? ' (archived)' : ''), f.type, ...envs.map((e) => statusIn(f, e)), f.tags.join(',')])])
      : `no flags${opts.tag ? ` tagged ${opts.tag}` : ''} in project "${client.connection.project}": create one with \`curtain flags create KEY\` or push a flag file`,
  );
}

function describeFlag(f: Flag, only?: string): string[] {
  const envs = Object.entries(f.environments).filter(([env]) => !only || env === only);
  return [
    `${f.key} (${f.type}${f.archived ? ', archived' : ''}${f.clientVisible ? ', client-visible' : ''})${f.description ? `: ${f.description}` : ''}`,
    ...(f.tags.length ? [`  tags: ${f.tags.join(', ')}`] : []),
    `  variants: ${Object.entries(f.variants).map(([name, value]) => `${name}=${JSON.stringify(value)}`).join(', ')}`,
    ...envs.flatMap(([env, c]) => [
      `  ${env}: ${statusIn(f, env)}`,
      ...(c.release?.owns ? [`    the release decides; the flag's own configuration: ${configWords(c)}`] : []),
      ...(c.targeting ? [`    targeting: ${JSON.stringify(c.targeting)}`] : []),
      ...(c.schedule ?? []).map((s) => `    scheduled at ${s.at}: ${JSON.stringify({ ...s, id: undefined, at: undefined, createdAt: undefined, createdBy: undefined })}`),
      ...c.warnings.map((w) => `    ! ${w.path}: ${w.message}`),
    ]),
  ];
}

async function get(key: string, opts: ConnectionOpts & { env?: string }): Promise<void> {
  const flag = await connect(opts).call('get', '/projects/{project}/flags/{flag}', { path: { flag: key } });
  if (opts.env && !flag.environments[opts.env]) throw usageError(`flag ${key} has no environment "${opts.env}": it has ${Object.keys(flag.environments).join(', ')}`);
  emit(opts, flag, () => describeFlag(flag, opts.env));
}

/** A variant value as typed: JSON when it parses (true, 3, {"a":1}, "quoted"), else the text itself. */
function variantValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

interface CreateOpts extends ConnectionOpts {
  type?: 'boolean' | 'string' | 'integer' | 'float' | 'object';
  variant?: string[];
  description?: string;
  tag?: string[];
  clientVisible?: boolean;
  metadata?: string[];
}

async function create(key: string, opts: CreateOpts): Promise<void> {
  const pairs = (items: string[] = [], what: string) =>
    items.map((item) => {
      const i = item.indexOf('=');
      if (i < 1) throw usageError(`${what} is NAME=VALUE, e.g. ${what === '--variant' ? 'blue=\'"#00f"\'' : 'owner=payments'} (got "${item}")`);
      return [item.slice(0, i), variantValue(item.slice(i + 1))] as const;
    });
  const variants = opts.variant ? Object.fromEntries(pairs(opts.variant, '--variant')) : undefined;
  const metadata = opts.metadata ? (Object.fromEntries(pairs(opts.metadata, '--metadata')) as Record<string, string | number | boolean>) : undefined;
  const flag = await connect(opts).call('post', '/projects/{project}/flags', {
    body: { key, type: opts.type, variants, description: opts.description, tags: opts.tag, clientVisible: opts.clientVisible, metadata },
  });
  emit(opts, flag, () => [`created ${flag.key} (${flag.type}), off in every environment: switch it on with \`curtain flags on ${flag.key} --env ENV\``, ...describeFlag(flag).slice(1)]);
}

interface SwitchOpts extends ConnectionOpts {
  env: string;
  force?: boolean;
  releaseAction?: 'rollback' | 'kill';
  yes?: boolean;
}

/**
 * Whether the switch applies at once in a protected environment: the caller is an admin there (admins bypass the
 * protection) or a releaser switching off (a safety action). Anyone else's is held for review or refused: no need to ask.
 */
async function appliesAtOnce(client: CurtainClient, env: string, state: 'ENABLED' | 'DISABLED'): Promise<boolean> {
  let grants;
  try {
    ({ grants } = await client.call('get', '/me'));
  } catch {
    return true; // a deployment older than roles: every token is an admin
  }
  const here = grants.filter((g) => (g.projects === null || g.projects.includes(client.connection.project)) && (g.environments === null || g.environments.includes(env)));
  return here.some((g) => g.role === 'admin' || (state === 'DISABLED' && g.role === 'releaser'));
}

function switchTo(state: 'ENABLED' | 'DISABLED') {
  return async (key: string, opts: SwitchOpts) => {
    const client = connect(opts);
    const [flag, environment] = await Promise.all([
      client.call('get', '/projects/{project}/flags/{flag}', { path: { flag: key } }),
      client.call('get', '/projects/{project}/environments/{env}', { path: { env: opts.env } }),
    ]);
    const word = state === 'ENABLED' ? 'on' : 'off';
    const config = flag.environments[opts.env];
    if (config.state === state && !config.release?.owns) {
      return emit(opts, flag, () => `${key} is already ${word} in ${opts.env} (${statusIn(flag, opts.env)}): nothing to change`);
    }
    // A change the server holds for review needs no confirmation here: another person approves it (exit 8).
    if (environment.protected && (await appliesAtOnce(client, opts.env, state))) {
      const next = configWords({ ...config, state });
      const who = config.targeting ? "everyone the flag's rules leave to the default, and the rules decide for the others" : 'every user';
      await confirm(`${opts.env} is protected: switching ${key} ${word} there changes it from ${statusIn(flag, opts.env)} to ${next} for ${who}.`, opts, { flag: key, environment: opts.env });
    }
    const updated = await client.call('patch', '/projects/{project}/environments/{env}/flags/{flag}', {
      path: { env: opts.env, flag: key },
      query: { force: queryFlag(opts.force), releaseAction: opts.releaseAction },
      body: { state },
    });
    emit(opts, updated, () => [
      `${key} is ${word} in ${opts.env}: ${statusIn(updated, opts.env)}${config.release?.owns && opts.releaseAction ? ` (release ${config.release.key} ended: ${opts.releaseAction})` : ''}`,
      `  live at the edge within seconds (\`curtain wait --env ${opts.env}\` waits for it)`,
    ]);
  };
}

async function refs(key: string, dir: string | undefined, opts: ConnectionOpts & { pattern?: string[] }): Promise<void> {
  if (dir === undefined) {
    // what the recorded deployments say: the newest one of each environment that uses the flag
    const { environments } = await connect(opts).call('get', '/projects/{project}/flags/{flag}/references', { path: { flag: key } });
    return emit(opts, { flag: key, environments }, () =>
      environments.length
        ? environments.flatMap((e) => [
            `${e.environment}: ${e.deployment.version}${e.deployment.commit ? ` (${e.deployment.commit.slice(0, 12)})` : ''}, ${e.deployment.at}`,
            ...(e.references.length ? e.references.map((r) => `  ${r.file}:${r.line}`) : ['  (recorded without file and line: deploy record --flags-from DIR keeps them)']),
          ])
        : [`no recorded deployment uses ${key} (curtain flags refs ${key} DIR scans a source tree now)`],
    );
  }
  const found = (await scanDirectory(dir, [key], opts.pattern)).filter((r) => r.key === key);
  emit(opts, { flag: key, dir, references: found }, () => [
    ...found.map((r) => `${r.file}:${r.line}`),
    found.length ? `${key}: ${plural(found.length, 'place')} in ${dir}` : `${key} is not used in ${dir}`,
  ]);
}

export function flagCommands(flags: Command): void {
  withConnection(flags.command('list').description('the flags of the project and their status in each environment'))
    .option('--env <env>', 'only this environment')
    .option('--tag <tag>', 'only flags with this tag')
    .option('--archived', 'include archived flags')
    .action(list);
  withConnection(flags.command('get').description("a flag: variants, and its configuration and release in each environment").argument('<key>', 'the flag key')).option('--env <env>', 'only this environment').action(get);
  withConnection(flags.command('create').description('create a flag, off in every environment').argument('<key>', 'the flag key'))
    .addOption(new Option('--type <type>', 'default: from the variants, else boolean').choices(['boolean', 'string', 'integer', 'float', 'object']))
    .option('--variant <name=value>', 'a variant, its value as JSON or text (repeatable; default: on=true, off=false)', collect)
    .option('--description <text>', 'what the flag is for')
    .option('--tag <tag>', 'a tag (repeatable)', collect)
    .option('--client-visible', 'client SDK keys (in browsers) may evaluate it')
    .option('--metadata <key=value>', 'flag metadata (repeatable)', collect)
    .action(create);
  for (const [state, verb] of [['ENABLED', 'on'], ['DISABLED', 'off']] as const) {
    withEnv(withConnection(flags.command(verb).description(`switch a flag ${verb} in one environment`).argument('<key>', 'the flag key')))
      .option('--force', 'switch it on although no recorded deployment uses it (the dormant-code guard)')
      .addOption(new Option('--release-action <action>', 'end the running release that owns the flag here, with the switch').choices(['rollback', 'kill']))
      .option('--yes', 'in a protected environment: go ahead without asking')
      .action(switchTo(state));
  }
  withConnection(
    flags
      .command('refs')
      .description('where the code uses a flag: file and line, as the newest deployment of each environment recorded them, or in a source tree scanned now (offline) when DIR is given')
      .argument('<key>', 'the flag key')
      .argument('[dir]', 'a source tree to scan instead'),
  )
    .option('--pattern <regex>', "also find it in a team's own wrapper (repeatable)", collect)
    .action(refs);
}
