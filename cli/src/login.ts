// `curtain login | logout | profiles`: saves a connection (URL, admin token, project) as a named profile, checked
// against the server first, in a file only its owner can read; commands use it when no URL or token is given.
import { Option, type Command } from 'commander';
import { CurtainClient } from './client';
import { checkUrl, withJson, type JsonOpts } from './options';
import { CliError, emit, registerSecret, table, usageError } from './output';
import { profilePath, readProfiles, writeProfiles } from './profiles';
import { closeMatches, didYouMean } from './suggest';

interface LoginOpts extends JsonOpts {
  profile: string;
  url?: string;
  token?: string;
  tokenStdin?: boolean;
  project?: string;
  default?: boolean;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

/** Asks for the token on a terminal without echoing it. */
async function askHidden(question: string): Promise<string> {
  process.stderr.write(question);
  const stdin = process.stdin;
  stdin.setRawMode(true);
  stdin.resume();
  let typed = '';
  try {
    for await (const chunk of stdin) {
      for (const ch of (chunk as Buffer).toString('utf8')) {
        if (ch === '\r' || ch === '\n') return typed.trim();
        if (ch === '\u0003') throw new CliError('cancelled', 1, { code: 'CANCELLED' });
        typed = ch === '\u007f' ? typed.slice(0, -1) : typed + ch;
      }
    }
    return typed.trim();
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    process.stderr.write('\n');
  }
}

async function login(opts: LoginOpts): Promise<void> {
  if (!opts.url) throw usageError('curtain login needs --url (or CURTAIN_URL): the deployment, e.g. https://curtain.example.com', 'NO_URL');
  const url = checkUrl(opts.url);
  const token = opts.tokenStdin ? await readStdin() : (opts.token ?? (process.stdin.isTTY ? await askHidden(`Admin token for ${url}: `) : ''));
  if (!token) throw usageError('no admin token: pass it on stdin with --token-stdin, or set CURTAIN_TOKEN', 'NO_TOKEN');
  registerSecret(token);
  // The token is checked before it is saved: a typo is found now, not at the next command.
  const client = new CurtainClient({ url, token, project: opts.project ?? 'default' });
  const { projects } = await client.call('get', '/projects');
  if (opts.project && !projects.some((p) => p.key === opts.project)) {
    const keys = projects.map((p) => p.key);
    throw usageError(`no project "${opts.project}" at ${url}:${didYouMean(closeMatches(opts.project, keys))} The projects: ${keys.join(', ') || 'none'}`, 'NOT_FOUND');
  }
  const content = readProfiles();
  content.profiles[opts.profile] = { url, token, ...(opts.project ? { project: opts.project } : {}) };
  const isDefault = opts.default || !content.default || content.default === opts.profile || !content.profiles[content.default];
  if (isDefault) content.default = opts.profile;
  const file = writeProfiles(content);
  emit(opts, { profile: opts.profile, url, project: opts.project ?? 'default', default: isDefault, file }, () => [
    `saved profile "${opts.profile}" (${url}, project ${opts.project ?? 'default'}) in ${file}, readable only by you`,
    isDefault ? '  it is the default: commands use it when no --url/--token (or CURTAIN_URL/CURTAIN_TOKEN) is given' : `  use it with --profile ${opts.profile} (or CURTAIN_PROFILE=${opts.profile})`,
  ]);
}

function profiles(opts: JsonOpts): void {
  const content = readProfiles();
  const rows = Object.entries(content.profiles).map(([name, p]) => ({ name, url: p.url, project: p.project ?? 'default', default: name === content.default }));
  emit(opts, { file: profilePath(), profiles: rows }, () =>
    rows.length ? table([['NAME', 'URL', 'PROJECT', 'DEFAULT'], ...rows.map((r) => [r.name, r.url, r.project, r.default ? 'yes' : ''])]) : 'no profiles: save one with `curtain login --url URL`',
  );
}

function logout(opts: JsonOpts & { profile?: string }): void {
  const content = readProfiles();
  const name = opts.profile ?? content.default;
  if (!name || !content.profiles[name]) throw usageError(`no profile ${name ? `"${name}"` : 'to remove'}: the profiles are ${Object.keys(content.profiles).join(', ') || 'none'}`);
  delete content.profiles[name];
  if (content.default === name) delete content.default;
  writeProfiles(content);
  emit(opts, { removed: name }, () => `removed profile "${name}" (its token stays valid on the server: \`curtain tokens revoke ID\` revokes it)`);
}

export function loginCommand(program: Command): void {
  withJson(program.command('login').description('save a connection (URL, admin token, project) as a profile, file mode 0600'))
    .addOption(new Option('--profile <name>', 'the profile to save').default('default'))
    .addOption(new Option('--url <url>', 'the Curtain deployment, e.g. https://curtain.example.com').env('CURTAIN_URL'))
    .addOption(new Option('--token <token>', 'the admin token (better: --token-stdin, or typed when asked)').env('CURTAIN_TOKEN'))
    .option('--token-stdin', 'read the admin token from stdin, e.g. `echo "$T" | curtain login --url … --token-stdin`')
    .option('--project <key>', 'the project its commands use (default: "default")')
    .option('--default', 'make it the default profile (the first one saved is)')
    .action(login);
  withJson(program.command('logout').description('remove a saved profile').option('--profile <name>', 'the profile (default: the default one)')).action(logout);
  withJson(program.command('profiles').description('the saved profiles (never their tokens)')).action(profiles);
}
