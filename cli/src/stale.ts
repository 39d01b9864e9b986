// `curtain flags stale [--env E]`: the flags that have done their job (released to everyone, or no longer evaluated),
// with where the code still uses them (the references of each environment's newest deployment).
import type { Command } from 'commander';
import type { CurtainClient } from './client';
import { connect, withConnection, type ConnectionOpts } from './options';
import { CliError, EXIT, emit } from './output';
import { staleLines, type CodeUse, type FlagWithStaleness, type StaleFlag, type Usage } from './stale-view';

interface StaleOpts extends ConnectionOpts {
  env?: string;
}

/** At most `limit` requests at a time: one references request per flag still in code. */
async function inBatches<T, R>(items: T[], limit: number, each: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += limit) out.push(...(await Promise.all(items.slice(i, i + limit).map(each))));
  return out;
}

async function codeUses(client: CurtainClient, key: string, envs: string[]): Promise<CodeUse[]> {
  if (!envs.length) return [];
  const { environments } = await client.call('get', '/projects/{project}/flags/{flag}/references', { path: { flag: key } });
  return environments.filter((e) => envs.includes(e.environment));
}

async function stale(opts: StaleOpts): Promise<void> {
  const client = connect(opts);
  if (opts.env) await client.call('get', '/projects/{project}/environments/{env}', { path: { env: opts.env } }); // an unknown one: NOT_FOUND with close matches
  const { flags } = (await client.call('get', '/projects/{project}/flags', { query: { stale: 'true' } })) as { flags: FlagWithStaleness[] };
  if (flags.some((f) => f.stale === undefined)) {
    throw new CliError('this Curtain does not report stale flags (its flag list has no `stale`)\n  → upgrade the deployment (npm run deploy) to one that does', EXIT.failed, { code: 'UNSUPPORTED' });
  }
  const found = flags.filter((f) => f.stale).sort((a, b) => a.key.localeCompare(b.key));
  const result: StaleFlag[] = await inBatches(found, 8, async (f) => {
    const stillInCode = f.stale!.stillInCode.filter((e) => !opts.env || e === opts.env);
    const usage = Object.fromEntries(
      Object.entries(f.environments)
        .filter(([env, c]) => (!opts.env || env === opts.env) && c.usage)
        .map(([env, c]) => [env, c.usage as Usage]),
    );
    return { key: f.key, stale: { ...f.stale!, stillInCode }, usage, inCode: await codeUses(client, f.key, stillInCode) };
  });
  emit(opts, { project: client.connection.project, ...(opts.env ? { environment: opts.env } : {}), flags: result }, () => staleLines(result, client.connection.project, opts.env));
}

export function staleCommand(flags: Command): void {
  withConnection(flags.command('stale').description('flags that have done their job (released to everyone, or no longer evaluated), and where the code still uses them'))
    .option('--env <env>', 'only usage and code in this environment')
    .action(stale);
}
