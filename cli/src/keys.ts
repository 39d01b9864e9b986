// `curtain keys create | list | revoke`: the SDK keys that apps use to evaluate flags in one environment.
import { Option, type Command } from 'commander';
import { connect, withConnection, withEnv, type ConnectionOpts } from './options';
import { emit, table } from './output';

interface EnvOpts extends ConnectionOpts {
  env: string;
}

async function create(opts: EnvOpts & { name: string; kind: 'server' | 'client' }): Promise<void> {
  const client = connect(opts);
  const key = await client.call('post', '/projects/{project}/environments/{env}/sdk-keys', { path: { env: opts.env }, body: { name: opts.name, kind: opts.kind } });
  emit(opts, key, () => [
    `created ${key.kind} key "${key.name}" (${key.id}) for ${opts.env}:`,
    key.secret,
    'Store it now (e.g. as a secret of your app): it is not shown again.',
  ]);
}

async function list(opts: EnvOpts & { all?: boolean }): Promise<void> {
  const client = connect(opts);
  const { sdkKeys } = await client.call('get', '/projects/{project}/environments/{env}/sdk-keys', { path: { env: opts.env } });
  const shown = opts.all ? sdkKeys : sdkKeys.filter((k) => !k.revokedAt);
  emit(opts, { sdkKeys: shown }, () =>
    shown.length
      ? table([['ID', 'NAME', 'KIND', 'PREFIX', 'CREATED', 'REVOKED'], ...shown.map((k) => [k.id, k.name, k.kind, `${k.prefix}…`, k.createdAt, k.revokedAt ?? ''])])
      : `no SDK keys in ${opts.env}: create one with \`curtain keys create --env ${opts.env} --name my-app\``,
  );
}

async function revoke(id: string, opts: EnvOpts): Promise<void> {
  const client = connect(opts);
  await client.call('delete', '/projects/{project}/environments/{env}/sdk-keys/{id}', { path: { env: opts.env, id } });
  emit(opts, { revoked: id }, () => `revoked SDK key ${id} in ${opts.env}: the edge refuses it within seconds`);
}

export function keysCommand(program: Command): void {
  const keys = program.command('keys').description('SDK keys, for apps that evaluate flags');
  withEnv(withConnection(keys.command('create').description('create an SDK key; its secret is printed once')))
    .requiredOption('--name <name>', 'what the key is for, e.g. checkout-service')
    .addOption(new Option('--kind <kind>', 'server (every flag) or client (only client-visible flags; safe in a browser)').choices(['server', 'client']).default('server'))
    .action(create);
  withEnv(withConnection(keys.command('list').description('the SDK keys of an environment (never their secrets)')))
    .option('--all', 'include revoked keys')
    .action(list);
  withEnv(withConnection(keys.command('revoke').description('revoke an SDK key').argument('<id>', 'the key id (from `keys list`)'))).action(revoke);
}
