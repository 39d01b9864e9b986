// The dashboard's only client of the admin API (/api/v1): one typed method per route it uses.
import { readSse } from './sse';
import type {
  ApiErrorCode,
  ApiIssue,
  AuditEntry,
  ChangeEvent,
  CreatedSdkKey,
  Environment,
  EnvironmentDetail,
  EnvironmentPatch,
  Flag,
  FlagEnvironmentPatch,
  FlagInput,
  FlagPatch,
  Project,
  PropagationStatus,
  SdkKey,
  SdkKeyInput,
  TokenInfo
} from './api-types';

export type * from './api-types';

/** An error answered by the API, or a network failure (`code: 'NETWORK'`), ready to show to the user. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode | 'NETWORK' | 'UNKNOWN',
    message: string,
    readonly issues: ApiIssue[] = []
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get unauthenticated(): boolean {
    return this.status === 401;
  }
}

const seg = encodeURIComponent;

export class Api {
  /**
   * @param token the admin token sent as a bearer token
   * @param onUnauthenticated called when the server rejects the token, so the app can sign out
   */
  constructor(
    private readonly token: string,
    private readonly onUnauthenticated: () => void = () => {},
    private readonly base = '/api/v1'
  ) {}

  me() {
    return this.request<{ token: TokenInfo }>('GET', '/me').then((r) => r.token);
  }

  projects() {
    return this.request<{ projects: Project[] }>('GET', '/projects').then((r) => r.projects);
  }

  environments(project: string) {
    return this.request<{ environments: Environment[] }>(
      'GET',
      `/projects/${seg(project)}/environments`
    ).then((r) => r.environments);
  }

  flags(project: string) {
    return this.request<{ flags: Flag[] }>('GET', `/projects/${seg(project)}/flags`).then(
      (r) => r.flags
    );
  }

  createFlag(project: string, input: FlagInput) {
    return this.request<Flag>('POST', `/projects/${seg(project)}/flags`, input);
  }

  updateFlag(project: string, flag: string, patch: FlagPatch) {
    return this.request<Flag>('PATCH', `/projects/${seg(project)}/flags/${seg(flag)}`, patch);
  }

  deleteFlag(project: string, flag: string) {
    return this.request<void>('DELETE', `/projects/${seg(project)}/flags/${seg(flag)}`);
  }

  environment(project: string, env: string) {
    return this.request<EnvironmentDetail>('GET', `/projects/${seg(project)}/environments/${seg(env)}`);
  }

  updateEnvironment(project: string, env: string, patch: EnvironmentPatch) {
    return this.request<EnvironmentDetail>('PATCH', `/projects/${seg(project)}/environments/${seg(env)}`, patch);
  }

  /** The project's audit log, newest first. */
  audit(project: string, limit = 100) {
    return this.request<{ entries: AuditEntry[] }>('GET', `/projects/${seg(project)}/audit?limit=${limit}`).then(
      (r) => r.entries
    );
  }

  updateFlagInEnvironment(project: string, env: string, flag: string, patch: FlagEnvironmentPatch) {
    return this.request<Flag>(
      'PATCH',
      `/projects/${seg(project)}/environments/${seg(env)}/flags/${seg(flag)}`,
      patch
    );
  }

  propagation(project: string, env: string) {
    return this.request<PropagationStatus>(
      'GET',
      `/projects/${seg(project)}/environments/${seg(env)}/propagation`
    );
  }

  /**
   * Opens the environment's change stream; resolves once the server accepted it. The events end when
   * the server closes the stream or `signal` aborts.
   */
  async changes(project: string, env: string, signal: AbortSignal): Promise<AsyncIterable<ChangeEvent>> {
    const response = await this.send(
      'GET',
      `/projects/${seg(project)}/environments/${seg(env)}/events`,
      undefined,
      { accept: 'text/event-stream', signal }
    );
    if (!response.body) throw new ApiError(0, 'NETWORK', 'The change stream has no body.');
    return changeEvents(response.body);
  }

  sdkKeys(project: string, env: string) {
    return this.request<{ sdkKeys: SdkKey[] }>(
      'GET',
      `/projects/${seg(project)}/environments/${seg(env)}/sdk-keys`
    ).then((r) => r.sdkKeys);
  }

  createSdkKey(project: string, env: string, input: SdkKeyInput) {
    return this.request<CreatedSdkKey>(
      'POST',
      `/projects/${seg(project)}/environments/${seg(env)}/sdk-keys`,
      input
    );
  }

  /** Sets the key's rate limit (evaluations per second per location; null for none). */
  updateSdkKey(project: string, env: string, id: string, patch: { rateLimit: number | null }) {
    return this.request<SdkKey>(
      'PATCH',
      `/projects/${seg(project)}/environments/${seg(env)}/sdk-keys/${seg(id)}`,
      patch
    );
  }

  revokeSdkKey(project: string, env: string, id: string) {
    return this.request<void>(
      'DELETE',
      `/projects/${seg(project)}/environments/${seg(env)}/sdk-keys/${seg(id)}`
    );
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.send(method, path, body);
    return (response.status === 204 ? undefined : await response.json()) as T;
  }

  /** The response if it is a success; otherwise throws it as an ApiError. */
  private async send(
    method: string,
    path: string,
    body?: unknown,
    { accept = 'application/json', signal }: { accept?: string; signal?: AbortSignal } = {}
  ): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, accept };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(this.base + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal
      });
    } catch {
      throw new ApiError(0, 'NETWORK', 'Could not reach the Curtain server. Check your connection.');
    }
    if (response.ok) return response;
    const error = await toApiError(response);
    if (error.unauthenticated) this.onUnauthenticated();
    throw error;
  }
}

/** The stream's `refetchEvaluation` events as versions: the event id, else the `"v12"` etag. */
async function* changeEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ChangeEvent> {
  for await (const event of readSse(body)) {
    let payload: { type?: string; etag?: string; lastModified?: number };
    try {
      payload = JSON.parse(event.data);
    } catch {
      continue;
    }
    if (payload.type !== 'refetchEvaluation') continue;
    const version = Number(event.id ?? payload.etag?.match(/\d+/)?.[0]);
    if (Number.isInteger(version)) yield { version, lastModified: payload.lastModified ?? null };
  }
}

async function toApiError(response: Response): Promise<ApiError> {
  const payload: unknown = await response.json().catch(() => null);
  const error = (payload as { error?: { code?: string; message?: string; issues?: ApiIssue[] } })
    ?.error;
  if (error?.code && error.message) {
    return new ApiError(response.status, error.code as ApiErrorCode, error.message, error.issues);
  }
  return new ApiError(
    response.status,
    'UNKNOWN',
    `The server answered ${response.status} ${response.statusText}`.trim()
  );
}
