// `curtain deploy record`: tells Curtain what was deployed to an environment and which flags that code uses.
import type { Command } from 'commander';
import { collect, connect, withConnection, withEnv, type ConnectionOpts } from './options';
import { emit, plural } from './output';
import { keysFromFile, projectKeys, scanDirectory } from './refs';
import type { Reference } from './scan';

/** What POST …/deployments answers (notes/release-api.md). */
interface Deployment {
  id: string;
  version: string;
  commit: string | null;
  url: string | null;
  actor: string;
  flags: string[];
  at: string;
}

interface RecordOpts extends ConnectionOpts {
  env: string;
  version: string;
  commit?: string;
  url?: string;
  actor?: string;
  at?: string;
  flagsFrom?: string;
  keys?: string;
  flag?: string[];
}

async function record(opts: RecordOpts): Promise<void> {
  const client = connect(opts, 'curtainUrl');
  let references: Reference[] | undefined;
  let flags = opts.flag ? [...opts.flag] : undefined;
  if (opts.flagsFrom) {
    // The project's flags, and those a flag file in the repository is about to add: the latter are
    // created dormant by the server, so a release can be prepared before they are pushed.
    const keys = [...(await projectKeys(client)), ...(opts.keys ? await keysFromFile(opts.keys) : [])];
    references = await scanDirectory(opts.flagsFrom, keys);
    flags = [...(flags ?? []), ...references.map((r) => r.key)];
  }
  const body = {
    version: opts.version,
    commit: opts.commit,
    url: opts.url,
    actor: opts.actor,
    at: opts.at,
    flags: flags && [...new Set(flags)].sort(),
  };
  const res = await client.request<{ deployment: Deployment; createdFlags: string[] }>('POST', client.envPath(opts.env, '/deployments'), { body });
  const d = res.deployment;
  emit(opts, { ...res, ...(references ? { references } : {}) }, () => [
    `recorded ${d.version}${d.commit ? ` (${d.commit.slice(0, 12)})` : ''} in ${opts.env} as deployment ${d.id}`,
    `  uses ${plural(d.flags.length, 'flag')}${d.flags.length ? `: ${d.flags.join(', ')}` : ''}`,
    ...(res.createdFlags.length ? [`  created dormant (off everywhere until released): ${res.createdFlags.join(', ')}`] : []),
  ]);
}

export function deployCommand(program: Command): void {
  const deploy = program.command('deploy').description('deployments: what code runs where');
  withConnection(withEnv(deploy.command('record').description('record a deployment, optionally with the flags its code uses')), { urlFlag: '--curtain-url' })
    .requiredOption('--version <version>', 'what was deployed: a version, tag or build number')
    .option('--commit <sha>', 'the commit deployed')
    .option('--url <url>', 'where the deployed code runs (not Curtain: that is --curtain-url / CURTAIN_URL)')
    .option('--actor <name>', 'who deployed (default: the name of the admin token)')
    .option('--at <time>', 'when, as an ISO 8601 time (default: now)')
    .option('--flags-from <dir>', "scan this source tree for the project's flag keys and record them as used")
    .option('--keys <file>', 'with --flags-from: also look for the keys in this flag file (flags not pushed yet)')
    .option('--flag <key>', 'record this flag as used (repeatable)', collect)
    .action(record);
}
