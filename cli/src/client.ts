// The only code of the CLI that talks HTTP: Curtain's admin API, typed by its own OpenAPI document (api/schema.ts),
// its errors turned into exit codes and next steps (errors.ts), a write held for approval into exit 8 (change-view.ts).
import type { Answer, BodyOf, Method, Operation, PathParams, QueryOf, RouteOf } from './api';
import { heldOutcome, type ChangeRequest } from './change-view';
import { apiFailure, type ErrorBody } from './errors';
import { CliError, EXIT, registerSecret } from './output';

export interface Connection {
  /** the deployment's origin, e.g. https://curtain.example.com */
  url: string;
  token: string;
  project: string;
}

export interface CallOptions<O> {
  path?: PathParams<O>;
  query?: QueryOf<O>;
  body?: BodyOf<O>;
  /** gives up on this request after so many ms (default 30 s) */
  timeoutMs?: number;
  /** sees the response's headers (e.g. Date, for `wait`) */
  onResponse?: (res: Response) => void;
}

const REQUEST_TIMEOUT_MS = 30_000;

export class CurtainClient {
  readonly base: string;

  constructor(readonly connection: Connection) {
    registerSecret(connection.token);
    this.base = connection.url.replace(/\/+$/, '');
  }

  /** One route of the admin API, e.g. `call('get', '/projects/{project}/flags')`; `{project}` is the connection's unless given. */
  async call<M extends Method, P extends RouteOf<M>>(method: M, route: P, options: CallOptions<Operation<M, P>> = {}): Promise<Answer<Operation<M, P>>> {
    const params: Record<string, string | undefined> = { project: this.connection.project, ...(options.path as Record<string, string | undefined>) };
    const path = (route as string).replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = params[name];
      if (value === undefined) throw new Error(`${route}: no value for {${name}}`);
      return encodeURIComponent(value);
    });
    const url = new URL(`${this.base}/api/v1${path}`);
    for (const [k, v] of Object.entries((options.query ?? {}) as Record<string, unknown>)) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { authorization: `Bearer ${this.connection.token}`, accept: 'application/json' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(url, { method: method.toUpperCase(), headers, body: options.body === undefined ? undefined : JSON.stringify(options.body), signal: AbortSignal.timeout(options.timeoutMs ?? REQUEST_TIMEOUT_MS) });
    } catch (error) {
      const inner = (error as { cause?: { code?: string; message?: string } }).cause;
      const cause = inner?.code ?? inner?.message ?? (error as Error).name; // ECONNREFUSED, ENOTFOUND, TimeoutError…
      throw new CliError(`cannot reach Curtain at ${this.base} (${cause})\n  → check --url / CURTAIN_URL and that the deployment is up (locally: \`npm start\` prints the URL)`, EXIT.failed, { code: 'UNREACHABLE' });
    }
    options.onResponse?.(res);
    if (res.status === 204) return undefined as Answer<Operation<M, P>>;
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      throw new CliError(
        `${method.toUpperCase()} ${url.pathname} answered HTTP ${res.status} (${res.headers.get('content-type') ?? 'no content type'}), not Curtain's admin API\n  → check --url / CURTAIN_URL: it is the deployment's origin, e.g. https://curtain.example.com`,
        EXIT.failed,
        { status: res.status, code: 'NOT_CURTAIN' },
      );
    }
    if (!res.ok) throw await apiFailure(this, res.status, body as ErrorBody);
    // A write a protected environment holds for review: not done, not failed; every write verb exits 8 with the request.
    const held = res.status === 202 ? (body as { changeRequest?: ChangeRequest } | null)?.changeRequest : undefined;
    if (held) throw heldOutcome(held, this.base, this.connection.project);
    return body as Answer<Operation<M, P>>;
  }
}
