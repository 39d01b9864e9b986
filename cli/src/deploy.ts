// `curtain deploy record`: tells Curtain what was deployed to an environment and which flags that code uses; flags
// new to the project are created dormant, unless one looks like a typo of an existing flag.
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { Command } from 'commander';
import { collect, connect, withConnection, withEnv, type ConnectionOpts } from './options';
import { CliError, EXIT, emit, plural } from './output';
import { keysFromFile, projectKeys, scanDirectory, unknownKeys, withScanOptions } from './refs';
import type { Reference } from './scan';
import { typoOf } from './suggest';

interface RecordOpts extends ConnectionOpts {
  env: string;
  version: string;
  commit?: string;
  url?: string;
  actor?: string;
  at?: string;
  flagsFrom?: string;
  keys?: string;
  pattern?: string[];
  flag?: string[];
  allowNew?: string[];
}

/** A new key that looks like a typo of an existing one, where it was seen. */
interface Typo {
  key: string;
  like: string;
  at: string;
}

async function record(opts: RecordOpts): Promise<void> {
  const client = connect(opts, 'curtainUrl');
  const existing = await projectKeys(client);
  // The flag file's keys count as known: flags about to be pushed are not typos of anything.
  const known = [...existing, ...(opts.keys ? await keysFromFile(opts.keys) : [])];
  const references: Reference[] | undefined = opts.flagsFrom ? await scanDirectory(opts.flagsFrom, known, opts.pattern) : undefined;
  const named = opts.flag ?? [];
  const flags = [...new Set([...named, ...(references ?? []).map((r) => r.key)])].sort();

  const allowed = new Set(opts.allowNew ?? []);
  const typos: Typo[] = [];
  const fresh = [...named.filter((k) => !known.includes(k)).map((key) => ({ key, at: '--flag' })), ...unknownKeys(references ?? [], known).map((r) => ({ key: r.key, at: `${r.file}:${r.line}` }))];
  for (const { key, at } of fresh) {
    const like = typoOf(key, known);
    if (like && !allowed.has(key) && !typos.some((t) => t.key === key)) typos.push({ key, like, at });
  }
  if (typos.length) {
    throw new CliError(
      `${typos.map((t) => `"${t.key}" (${t.at}) looks like a typo of the flag "${t.like}"`).join('; ')}: nothing was recorded\n  → fix the key in the code, or pass ${typos.map((t) => `--allow-new ${t.key}`).join(' ')} to create ${typos.length > 1 ? "them as new dormant flags" : "it as a new dormant flag"}`,
      EXIT.confirm,
      { code: 'LOOKS_LIKE_TYPO', typos },
    );
  }

  const res = await client.call('post', '/projects/{project}/environments/{env}/deployments', {
    path: { env: opts.env },
    body: {
      version: opts.version,
      commit: opts.commit,
      url: opts.url,
      actor: opts.actor,
      at: opts.at,
      flags: opts.flagsFrom || opts.flag ? flags : undefined,
      // kept with the deployment: `curtain flags refs KEY` and the flag's page show where the code uses each flag
      ...(references ? { references: references.slice(0, 5000).map(({ key, file, line }) => ({ key, file: recordedPath(file, opts.flagsFrom!).slice(0, 512), line })) } : {}),
    },
  });
  const d = res.deployment;
  emit(opts, { ...res, ...(references ? { references } : {}) }, () => [
    `recorded ${d.version}${d.commit ? ` (${d.commit.slice(0, 12)})` : ''} in ${opts.env} as deployment ${d.id}`,
    `  uses ${plural(d.flags.length, 'flag')}${d.flags.length ? `: ${d.flags.join(', ')}` : ''}`,
    ...(res.createdFlags.length ? [`  created dormant (off everywhere until released): ${res.createdFlags.join(', ')}`] : []),
  ]);
}

export function deployCommand(program: Command): void {
  const deploy = program.command('deploy').description('deployments: what code runs where');
  withScanOptions(withConnection(withEnv(deploy.command('record').description('record a deployment, optionally with the flags its code uses')), { urlFlag: '--curtain-url' }))
    .requiredOption('--version <version>', 'what was deployed: a version, tag or build number')
    .option('--commit <sha>', 'the commit deployed')
    .option('--url <url>', 'where the deployed code runs (not Curtain: that is --curtain-url / CURTAIN_URL)')
    .option('--actor <name>', 'who deployed (default: the name of the admin token)')
    .option('--at <time>', 'when, as an ISO 8601 time (default: now)')
    .option('--flags-from <dir>', 'scan this source tree for the flags it uses (OpenFeature calls, --pattern, known keys); new ones are created dormant')
    .option('--flag <key>', 'record this flag as used (repeatable)', collect)
    .option('--allow-new <key>', 'create this new flag although it looks like a typo of an existing one (repeatable)', collect)
    .action(record);
}

/**
 * Where a reference is, as Curtain keeps it: relative to the working directory (a pipeline runs at the repository's
 * root, so `src/checkout.ts` whatever directory was scanned), or to the scanned directory for a file outside it.
 */
function recordedPath(file: string, scanned: string): string {
  const inCwd = relative(process.cwd(), resolve(file));
  const path = inCwd.startsWith('..') || isAbsolute(inCwd) ? relative(resolve(scanned), resolve(file)) : inCwd;
  return path.split(sep).join('/');
}
