// The options many commands share (--json, --env, the connection) and turning them into a client.
import { InvalidArgumentError, Option, type Command } from 'commander';
import { CurtainClient } from './client';
import { usageError } from './output';

export interface JsonOpts {
  json?: boolean;
}

export interface ConnectionOpts extends JsonOpts {
  url?: string;
  curtainUrl?: string;
  token?: string;
  project: string;
}

export const withJson = (cmd: Command) => cmd.option('--json', 'print the result as JSON (for scripts)');

/**
 * --url/--token/--project with their environment variables. `deploy record` has a `--url` of its own (the
 * deployed URL), so there the deployment's address is only `--curtain-url` / CURTAIN_URL.
 */
export function withConnection(cmd: Command, { urlFlag = '--url' } = {}): Command {
  return withJson(cmd)
    .addOption(new Option(`${urlFlag} <url>`, "the Curtain deployment, e.g. https://curtain.example.com").env('CURTAIN_URL'))
    .addOption(new Option('--token <token>', 'an admin token (prefer the environment variable: arguments show up in process lists)').env('CURTAIN_TOKEN'))
    .addOption(new Option('--project <key>', 'the project').env('CURTAIN_PROJECT').default('default'));
}

export const withEnv = (cmd: Command) => cmd.requiredOption('--env <env>', 'the environment, e.g. production');

export function connect(opts: ConnectionOpts, urlOption: 'url' | 'curtainUrl' = 'url'): CurtainClient {
  const url = opts[urlOption];
  if (!url) throw usageError('no Curtain URL: pass --url or set CURTAIN_URL (the deployment, e.g. https://curtain.example.com)');
  if (!/^https?:\/\//.test(url)) throw usageError(`--url must start with http:// or https:// (got "${url}")`);
  if (!opts.token) throw usageError('no admin token: set CURTAIN_TOKEN (or pass --token); create one with `curtain tokens create --name ci`');
  return new CurtainClient({ url, token: opts.token, project: opts.project });
}

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Durations as people write them: 500ms, 30s, 2m, 1h, 1d; a bare number is in `unit`. */
export function parseDuration(value: string, unit: keyof typeof UNIT_MS = 's'): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError(`"${value}" is not a duration: write e.g. 30s, 2m, 1h or 500ms`);
  const factor = UNIT_MS[(m[2] ?? unit) as keyof typeof UNIT_MS];
  return Math.round(Number(m[1]) * factor);
}

/** For repeatable options: `--flag a --flag b`. */
export const collect = (value: string, previous: string[] = []) => [...previous, value];

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`"${value}" is not a whole number`);
  return n;
}
