// The admin API's errors as the CLI reports them: the server's message and code, what to do next, and one exit
// code per kind of refusal (output.ts EXIT). Unknown names get close matches from the server's own lists.
import { driftLines, type Drift } from './change-view';
import type { CurtainClient } from './client';
import { CliError, EXIT, type ExitCode } from './output';
import { closeMatches, didYouMean } from './suggest';

/** Curtain's error body: `{ error: { code, message, issues?, …details } }` (routes' `Error`, plus the details each code carries). */
export interface ErrorBody {
  error?: { code?: string; message?: string; issues?: { path: string; message: string }[]; retryable?: boolean; [detail: string]: unknown };
}

/** The first admin token: where it comes from, for someone who has none yet. */
export const FIRST_TOKEN =
  'the first admin token is the one `npm start` printed ("Admin token: …") on a local Curtain, or the CURTAIN_ADMIN_TOKEN you stored with `wrangler secret put CURTAIN_ADMIN_TOKEN` on a deployment; save it with `curtain login`, then make named ones with `curtain tokens create --name ci`';

const EXIT_OF: Record<string, ExitCode> = {
  DORMANT_CODE: EXIT.dormant,
  RELEASE_OWNS_FLAG: EXIT.releaseOwns,
  TAKES_FEATURE_AWAY: EXIT.takesAway,
};

/** Close matches for the unknown project, environment or flag the server named, and the list it was looked up in. */
async function notFoundHint(client: CurtainClient, message: string): Promise<string | null> {
  const m = /^(Project|Environment|Flag) '(.+)' was not found/.exec(message);
  if (!m) return null;
  const [, kind, name] = m;
  try {
    if (kind === 'Project') {
      const { projects } = await client.call('get', '/projects');
      const keys = projects.map((p) => p.key);
      return `no project "${name}" (--project / CURTAIN_PROJECT):${didYouMean(closeMatches(name, keys))} The projects: ${keys.join(', ') || 'none'} (curtain projects list)`;
    }
    if (kind === 'Environment') {
      const { environments } = await client.call('get', '/projects/{project}/environments');
      const keys = environments.map((e) => e.key);
      return `no environment "${name}" in project "${client.connection.project}":${didYouMean(closeMatches(name, keys))} Its environments: ${keys.join(', ')} (curtain envs list)`;
    }
    const { flags } = await client.call('get', '/projects/{project}/flags');
    const keys = flags.map((f) => f.key);
    const close = closeMatches(name, keys);
    return `no flag "${name}" in project "${client.connection.project}":${didYouMean(close)}${close.length ? '' : ' see `curtain flags list`'}`;
  } catch {
    return null; // the hint is a courtesy: the error stands without it
  }
}

export async function apiFailure(client: CurtainClient, status: number, body: ErrorBody): Promise<CliError> {
  const { code = `HTTP_${status}`, message = `HTTP ${status}`, issues = [], ...rest } = body?.error ?? {};
  const details = { status, code, ...(issues.length ? { issues } : {}), ...rest };
  const drift = code === 'CHANGE_REQUEST_STALE' && Array.isArray(rest.diff) ? driftLines(rest.diff as Drift[]).map((l) => `\n${l}`).join('') : '';
  const listed = drift + issues.slice(0, 20).map((i) => `\n  ${i.path || '/'}: ${i.message}`).join('') + (issues.length > 20 ? `\n  … and ${issues.length - 20} more` : '');
  const dormant = Array.isArray(rest.flags) ? (rest.flags as unknown[]).filter((f): f is string => typeof f === 'string') : [];
  const conn = client.connection;
  const next: Record<string, string> = {
    UNAUTHENTICATED: `the admin token was refused: check --token / CURTAIN_TOKEN (an admin token, not an SDK key; it may have been revoked); ${FIRST_TOKEN}`,
    FORBIDDEN:
      rest.reason === 'author'
        ? 'the author of a change request cannot approve it: another person (another token) must (curtain changes approve ID)'
        : rest.reason === 'not-author'
          ? 'only its author may edit a change request: open another one instead'
          : "this token's role does not allow it here (curtain tokens list shows roles): use a token with a role that does, or ask an admin",
    NOT_FOUND: `check the names: project "${conn.project}" (--project / CURTAIN_PROJECT), the environment (--env) and the key you passed`,
    DORMANT_CODE: `no recorded deployment in this environment uses ${dormant.join(', ') || 'these flags'}: deploy the code that uses them and record it (curtain deploy record --flags-from DIR), or pass --force if you know better`,
    RELEASE_OWNS_FLAG:
      'a running release decides this flag here: end it together with this change (--release-action rollback, or kill), end it first (`curtain release rollback KEY --env ENV`), or let it finish (`curtain release status KEY --env ENV`)',
    TAKES_FEATURE_AWAY: 'switch the flag off or its default to the outside variant first, or start anyway with --acknowledge-loss',
    INVALID_STATE: message.startsWith('Change request') ? 'see where it stands with `curtain changes show ID`' : 'see where it stands with `curtain release status`',
    CHANGE_REQUEST_STALE: 'what changed is listed above: nothing was applied; review the change again (its author edits it, or opens a new one) rather than overwrite',
    CONFLICT: rest.retryable
      ? 'someone else changed it at the same moment and nothing was written: run the command again'
      : 'it already exists or something depends on it (see the message): pick another key, or change what depends on it first',
    PRECONDITION_FAILED: 'it changed since you read it: read it again and repeat',
    LIMIT_EXCEEDED: 'a project limit is reached (docs/limits.md): remove what is no longer needed',
    PAYLOAD_TOO_LARGE: 'the file is over the size limit (docs/limits.md): split it',
  };
  if (code === 'NOT_FOUND' && message.startsWith('No route')) {
    // A 404 for the path itself, not for a named thing: a URL with a path of its own, or a deployment older than this CLI.
    const path = new URL(client.base).pathname;
    next.NOT_FOUND =
      path !== '/'
        ? `CURTAIN_URL / --url has a path (${path}): give the deployment's origin, ${new URL(client.base).origin}`
        : 'this Curtain does not know that route: it is older than this CLI; upgrade the deployment (npm run deploy)';
  } else if (code === 'NOT_FOUND') {
    const hint = await notFoundHint(client, message);
    if (hint) next.NOT_FOUND = hint;
  }
  const hint = next[code] ?? (status >= 500 ? 'the server failed: try again, and look at the worker logs (wrangler tail) if it persists' : '');
  return new CliError(`${message} [${code}]${listed}${hint ? `\n  → ${hint}` : ''}`, EXIT_OF[code] ?? EXIT.failed, details);
}
