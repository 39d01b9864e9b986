// The only code of the CLI that talks HTTP: Curtain's admin API, its errors turned into exit codes and next steps.
import { CliError, EXIT, registerSecret } from './output';

export interface Connection {
  /** the deployment's origin, e.g. https://curtain.example.com (a trailing /api/v1 is accepted) */
  url: string;
  token: string;
  project: string;
}

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | boolean | number | undefined>;
  /** gives up on this request after so many ms (default 30 s) */
  timeoutMs?: number;
}

/** Curtain's error body: `{ error: { code, message, issues?, flags? } }`. */
interface ErrorBody {
  error?: { code?: string; message?: string; issues?: { path: string; message: string }[]; flags?: string[]; retryable?: boolean };
}

const REQUEST_TIMEOUT_MS = 30_000;
const seg = encodeURIComponent;

export class CurtainClient {
  readonly base: string;

  constructor(readonly connection: Connection) {
    registerSecret(connection.token);
    this.base = connection.url.replace(/\/+$/, '').replace(/\/api\/v1$/, '');
  }

  /** `/projects/{project}` or `/projects/{project}/environments/{env}` followed by `rest`. */
  projectPath(rest = ''): string {
    return `/projects/${seg(this.connection.project)}${rest}`;
  }

  envPath(env: string, rest = ''): string {
    return this.projectPath(`/environments/${seg(env)}${rest}`);
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const url = new URL(`${this.base}/api/v1${path}`);
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined && v !== false) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { authorization: `Bearer ${this.connection.token}`, accept: 'application/json' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(url, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body), signal: AbortSignal.timeout(options.timeoutMs ?? REQUEST_TIMEOUT_MS) });
    } catch (error) {
      const inner = (error as { cause?: { code?: string; message?: string } }).cause;
      const cause = inner?.code ?? inner?.message ?? (error as Error).name; // ECONNREFUSED, ENOTFOUND, TimeoutError…
      throw new CliError(`cannot reach Curtain at ${this.base} (${cause}): check --url / CURTAIN_URL and that the deployment is up`, EXIT.failed, { code: 'UNREACHABLE' });
    }
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      throw new CliError(
        `${method} ${url.pathname} answered HTTP ${res.status} (${res.headers.get('content-type') ?? 'no content type'}), not Curtain's admin API: check --url / CURTAIN_URL (the deployment's origin, e.g. https://curtain.example.com)`,
        EXIT.failed,
        { status: res.status, code: 'NOT_CURTAIN' },
      );
    }
    if (!res.ok) throw apiFailure(res.status, body as ErrorBody, this.connection);
    return body as T;
  }
}

function apiFailure(status: number, body: ErrorBody, conn: Connection): CliError {
  const code = body?.error?.code ?? `HTTP_${status}`;
  const message = body?.error?.message ?? `HTTP ${status}`;
  const issues = body?.error?.issues ?? [];
  const flags = body?.error?.flags ?? [];
  const details = { status, code, ...(issues.length ? { issues } : {}), ...(flags.length ? { flags } : {}) };
  const listed = issues.slice(0, 20).map((i) => `\n  ${i.path || '/'}: ${i.message}`).join('') + (issues.length > 20 ? `\n  … and ${issues.length - 20} more` : '');
  const next: Record<string, string> = {
    UNAUTHENTICATED: 'the admin token was refused: check --token / CURTAIN_TOKEN (an admin token, not an SDK key; it may have been revoked)',
    FORBIDDEN: 'this token may not do that: use an admin token with the right to',
    NOT_FOUND: `check the names: project "${conn.project}" (--project / CURTAIN_PROJECT), the environment (--env) and the key you passed`,
    DORMANT_CODE: `no recorded deployment in this environment uses ${flags.join(', ') || 'these flags'}: deploy the code that uses them and record it (curtain deploy record --flags-from DIR), or pass --force if you know better`,
    INVALID_STATE: 'see where it stands with `curtain release status`',
    CONFLICT: body?.error?.retryable
      ? 'someone else changed it at the same moment and nothing was written: run the command again'
      : 'it already exists: pick another key or name, or change the existing one',
    PRECONDITION_FAILED: 'it changed since you read it: read it again and repeat',
    LIMIT_EXCEEDED: 'a project limit is reached (docs/limits.md): remove what is no longer needed',
    PAYLOAD_TOO_LARGE: 'the file is over the size limit (docs/limits.md): split it',
  };
  // A 404 for the path itself, not for a named thing: the deployment predates this command.
  if (code === 'NOT_FOUND' && message.startsWith('No route')) next.NOT_FOUND = 'this Curtain does not know that route: it is older than this CLI; upgrade the deployment (npm run deploy)';
  const hint = next[code] ?? (status >= 500 ? 'the server failed: try again, and look at the worker logs (wrangler tail) if it persists' : '');
  return new CliError(`${message} [${code}]${listed}${hint ? `\n  → ${hint}` : ''}`, code === 'DORMANT_CODE' ? EXIT.dormant : EXIT.failed, details);
}
