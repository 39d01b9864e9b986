// `curtain tokens create | list | revoke`: admin tokens for people and pipelines.
import type { Command } from 'commander';
import { connect, withConnection, type ConnectionOpts } from './options';
import { emit, table } from './output';

async function create(opts: ConnectionOpts & { name: string }): Promise<void> {
  const token = await connect(opts).call('post', '/admin-tokens', { body: { name: opts.name } });
  emit(opts, token, () => [`created admin token "${token.name}" (${token.id}):`, token.secret, 'Store it now (e.g. as the CI secret CURTAIN_TOKEN): it is not shown again.']);
}

async function list(opts: ConnectionOpts & { all?: boolean }): Promise<void> {
  const { adminTokens } = await connect(opts).call('get', '/admin-tokens');
  const shown = opts.all ? adminTokens : adminTokens.filter((t) => !t.revokedAt);
  emit(opts, { adminTokens: shown }, () => table([['ID', 'NAME', 'CREATED', 'REVOKED'], ...shown.map((t) => [t.id, t.name, t.createdAt, t.revokedAt ?? ''])]));
}

async function revoke(id: string, opts: ConnectionOpts): Promise<void> {
  await connect(opts).call('delete', '/admin-tokens/{id}', { path: { id } });
  emit(opts, { revoked: id }, () => `revoked admin token ${id}`);
}

export function tokensCommand(program: Command): void {
  const tokens = program.command('tokens').description('admin tokens, for people and CI pipelines');
  withConnection(tokens.command('create').description('create an admin token; its secret is printed once'))
    .requiredOption('--name <name>', 'who or what uses it, e.g. github-actions (it names them in the audit log)')
    .action(create);
  withConnection(tokens.command('list').description('the admin tokens (never their secrets)')).option('--all', 'include revoked tokens').action(list);
  withConnection(tokens.command('revoke').description('revoke an admin token').argument('<id>', 'the token id (from `tokens list`)')).action(revoke);
}
