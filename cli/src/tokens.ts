// `curtain tokens create | list | revoke`: admin tokens for people and pipelines, each with a role (viewer, editor,
// releaser, admin, signal) in some projects or all, optionally narrowed to some environments and expiring.
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { Schemas } from './api';
import { connect, parseDuration, withConnection, type ConnectionOpts } from './options';
import { emit, table } from './output';

type Role = Schemas['AdminTokenInput']['role'] & string;
const ROLES: Role[] = ['viewer', 'editor', 'releaser', 'admin', 'signal'];

/** `a,b` → ['a', 'b'], for --projects and --environments. */
export function parseList(value: string): string[] {
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) throw new InvalidArgumentError('give one or more keys, separated by commas, e.g. shop,web');
  return items;
}

/** When a token stops working: a duration from now (30d, 12h; a bare number is days) or a time (ISO 8601, a date is midnight UTC). */
export function parseExpiry(value: string, now = Date.now()): string {
  const text = value.trim();
  if (/^\d+(\.\d+)?(ms|s|m|h|d)?$/.test(text)) return new Date(now + parseDuration(text, 'd')).toISOString();
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || !Number.isFinite(ms)) throw new InvalidArgumentError(`"${value}" is neither a duration (30d, 12h) nor a time (2027-01-31, 2027-01-31T12:00:00Z)`);
  if (ms <= now) throw new InvalidArgumentError(`"${value}" is in the past: a token's expiry is in the future`);
  return new Date(ms).toISOString();
}

type Token = Schemas['AdminToken'];
const scope = (t: Pick<Token, 'projects' | 'environments'>) =>
  `${t.projects ? `project${t.projects.length > 1 ? 's' : ''} ${t.projects.join(', ')}` : 'every project'}${t.environments ? `, only ${t.environments.join(', ')}` : ''}`;

interface CreateOpts extends ConnectionOpts {
  name: string;
  role?: Role;
  projects?: string[];
  environments?: string[];
  expires?: string;
}

async function create(opts: CreateOpts): Promise<void> {
  const token = await connect(opts).call('post', '/admin-tokens', {
    body: { name: opts.name, role: opts.role, projects: opts.projects, environments: opts.environments, expiresAt: opts.expires },
  });
  emit(opts, token, () => [
    `created token "${token.name}" (${token.id}): ${token.role} in ${scope(token)}${token.expiresAt ? `, until ${token.expiresAt}` : ''}`,
    token.secret,
    'Store it now (e.g. as the CI secret CURTAIN_TOKEN): it is not shown again.',
  ]);
}

async function list(opts: ConnectionOpts & { all?: boolean }): Promise<void> {
  const { adminTokens } = await connect(opts).call('get', '/admin-tokens');
  const now = Date.now();
  const shown = opts.all ? adminTokens : adminTokens.filter((t) => !t.revokedAt && !(t.expiresAt && Date.parse(t.expiresAt) <= now));
  emit(opts, { adminTokens: shown }, () =>
    table([
      ['ID', 'NAME', 'ROLE', 'WHERE', 'CREATED', 'EXPIRES', 'REVOKED'],
      ...shown.map((t) => [t.id, t.name, t.role, scope(t), t.createdAt, t.expiresAt ?? '', t.revokedAt ?? '']),
    ]),
  );
}

async function revoke(id: string, opts: ConnectionOpts): Promise<void> {
  await connect(opts).call('delete', '/admin-tokens/{id}', { path: { id } });
  emit(opts, { revoked: id }, () => `revoked admin token ${id}`);
}

export function tokensCommand(program: Command): void {
  const tokens = program.command('tokens').description('admin tokens with roles, for people and CI pipelines');
  withConnection(tokens.command('create').description('create a token with a role; its secret is printed once'))
    .requiredOption('--name <name>', 'who or what uses it, e.g. github-actions (it names them in the audit log)')
    .addOption(
      new Option('--role <role>', 'viewer: read; editor: flags and rules; releaser: releases, schedules, kill; admin: keys, tokens, settings; signal: guardrail readings of one environment').choices(ROLES).default(undefined, 'admin'),
    )
    .option('--projects <keys>', 'only in these projects, e.g. shop,web (default: every project)', parseList)
    .option('--environments <keys>', 'only in these environments of them, e.g. staging (default: all)', parseList)
    .option('--expires <when>', 'stops working after a duration (30d, 12h) or at a time (2027-01-31, ISO 8601)', (v) => parseExpiry(v))
    .action(create);
  withConnection(tokens.command('list').description('the tokens, their roles and where they hold (never their secrets)')).option('--all', 'include revoked and expired tokens').action(list);
  withConnection(tokens.command('revoke').description('revoke a token').argument('<id>', 'the token id (from `tokens list`)')).action(revoke);
}
