// The options many commands share (--json, --env, the connection) and turning them into a client.
import { InvalidArgumentError, Option, type Command } from 'commander';
import { CurtainClient } from './client';
import { FIRST_TOKEN } from './errors';
import { usageError } from './output';
import { chooseProfile } from './profiles';

export interface JsonOpts {
  json?: boolean;
}

export interface ConnectionOpts extends JsonOpts {
  url?: string;
  curtainUrl?: string;
  token?: string;
  project?: string;
  profile?: string;
}

export const withJson = (cmd: Command) => cmd.option('--json', 'print the result as JSON (for scripts)');

/**
 * --url/--token/--project/--profile with their environment variables. `deploy record` has a `--url` of its own (the
 * deployed URL), so there the deployment's address is only `--curtain-url` / CURTAIN_URL.
 */
export function withConnection(cmd: Command, { urlFlag = '--url' } = {}): Command {
  return withJson(cmd)
    .addOption(new Option(`${urlFlag} <url>`, 'the Curtain deployment, e.g. https://curtain.example.com').env('CURTAIN_URL'))
    .addOption(new Option('--token <token>', 'an admin token (prefer the environment variable: arguments show up in process lists)').env('CURTAIN_TOKEN'))
    .addOption(new Option('--project <key>', 'the project (default: the profile\'s, else "default")').env('CURTAIN_PROJECT'))
    .addOption(new Option('--profile <name>', 'a connection saved with `curtain login` (default: the default profile)').env('CURTAIN_PROFILE'));
}

export const withEnv = (cmd: Command) => cmd.requiredOption('--env <env>', 'the environment, e.g. production');

/**
 * The deployment's origin from what people paste: the admin API's base (…/api/v1) is accepted; the OFREP URL
 * (…/ofrep/v1) and other Curtain paths that `npm start` prints are recognised and the origin is given in the hint.
 */
export function checkUrl(url: string): string {
  if (!/^https?:\/\//.test(url)) throw usageError(`--url / CURTAIN_URL must start with http:// or https:// (got "${url}")`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw usageError(`--url / CURTAIN_URL is not a URL (got "${url}")`);
  }
  const path = parsed.pathname.replace(/\/+$/, '');
  if (path === '' || path === '/api/v1') return parsed.origin;
  const kinds: [RegExp, string][] = [
    [/\/ofrep(\/v1)?$/, 'the OFREP URL, where SDKs evaluate flags'],
    [/\/api$/, "the admin API's path without its version"],
    [/\/v1(\/flags)?$/, 'the plain lookup URL, where scripts evaluate flags'],
    [/\/api\/v1\/openapi\.json$/, "the API's description"],
  ];
  const kind = kinds.find(([re]) => re.test(path));
  throw usageError(
    `--url / CURTAIN_URL is ${kind ? kind[1] : `a URL with a path (${path})`}, not the deployment's origin\n  → use ${parsed.origin} (e.g. export CURTAIN_URL=${parsed.origin})`,
    'BAD_URL',
  );
}

export function connect(opts: ConnectionOpts, urlOption: 'url' | 'curtainUrl' = 'url'): CurtainClient {
  const saved = chooseProfile(opts.profile);
  const url = opts[urlOption] ?? saved?.profile.url;
  const token = opts.token ?? saved?.profile.token;
  const project = opts.project ?? saved?.profile.project ?? 'default';
  const urlFlag = urlOption === 'url' ? '--url' : '--curtain-url';
  if (!url) throw usageError(`no Curtain URL: pass ${urlFlag}, set CURTAIN_URL (the deployment, e.g. https://curtain.example.com), or save one with \`curtain login\``, 'NO_URL');
  const origin = checkUrl(url);
  if (!token) throw usageError(`no admin token: set CURTAIN_TOKEN (or pass --token), or save one with \`curtain login\`\n  → ${FIRST_TOKEN}`, 'NO_TOKEN');
  return new CurtainClient({ url: origin, token, project });
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
