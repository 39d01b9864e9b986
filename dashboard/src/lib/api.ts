// The dashboard's only client of the admin API (/api/v1): one typed method per route it uses. Saves send back the
// version (ETag) they loaded as `If-Match` when the server sent one, so a save never silently overwrites another.
import { ApiError, ChangeRequestHeld, changeEvents, feedbackPage, toApiError, Versions } from './api-support';
import { calendarEntry, overlaps } from './releases/timeline';
import type {
  AuditEntry, ChangeEvent, CreatedSdkKey, Environment, EnvironmentDetail, EnvironmentPatch, Flag, FlagEnvironmentPatch, FlagInput,
  FlagPatch, JsonValue, Project, ProjectPatch, PropagationStatus, SdkKey, SdkKeyInput
} from './api-types';
import type { AdminToken, AdminTokenInput, ChangeRequest, ChangeRequestState, CreatedAdminToken, DiffEntry, Me, Person, PersonInput, PersonPatch } from './api-types-governance';
import type {
  CalendarEntry, Deployment, ExplainedEvaluation, FeedbackPage, FlagExposures, Release, ReleaseAction, ReleaseInput,
  ReleasePatch, ScheduledChange, ScheduledChangeInput, UnreleasedFlag
} from './api-types-releases';

import type { paths } from '../../../api/schema';
export type * from './api-types';

/** One environment's answer to "where does the code use this flag" (derived from the API's OpenAPI document). */
export type FlagReferences = paths['/projects/{project}/flags/{flag}/references']['get']['responses'][200]['content']['application/json']['environments'][number];
export type * from './api-types-releases';
export type * from './api-types-governance';
export { ApiError, ChangeRequestHeld };
export type { FeatureLoss, OwningRelease } from './api-support';

const seg = encodeURIComponent;

/**
 * `force`: confirms what the dormant-code guard refused; `overwrite`: saves over someone else's change;
 * `releaseAction`: ends the release that owns the flag together with the change; `revertOf`: the history entry the
 * change reverts; `acknowledgeLoss`: starts a release although users who have its inside variant lose it.
 */
export interface WriteOptions {
  force?: boolean;
  overwrite?: boolean;
  releaseAction?: 'rollback' | 'kill';
  revertOf?: number;
  acknowledgeLoss?: boolean;
}

interface SendOptions {
  accept?: string;
  signal?: AbortSignal;
  overwrite?: boolean;
}

export class Api {
  readonly versions = new Versions();

  /**
   * @param token the admin token sent as a bearer token; null behind Cloudflare Access (the person's sign-in is the credential)
   * @param onUnauthenticated called when the server rejects the token, so the app can sign out
   */
  constructor(
    private readonly token: string | null,
    private readonly onUnauthenticated: () => void = () => {},
    private readonly base = '/api/v1',
    private readonly fetcher: typeof fetch = (input, init) => fetch(input, init)
  ) {}

  /** Who is calling and the roles they hold. */
  me() { return this.request<Me>('GET', '/me'); }
  projects() { return this.request<{ projects: Project[] }>('GET', '/projects').then((r) => r.projects); }
  /** Renames the project or changes its settings (`staleAfterDays`); admins only. */
  updateProject(project: string, patch: ProjectPatch) { return this.request<Project>('PATCH', p(project), patch); }
  environments(project: string) { return this.request<{ environments: Environment[] }>('GET', `${p(project)}/environments`).then((r) => r.environments); }
  environment(project: string, env: string) { return this.request<EnvironmentDetail>('GET', e(project, env)); }
  updateEnvironment(project: string, env: string, patch: EnvironmentPatch) { return this.request<EnvironmentDetail>('PATCH', e(project, env), patch); }

  flags(project: string) { return this.request<{ flags: Flag[] }>('GET', `${p(project)}/flags`).then((r) => r.flags); }
  /** One flag, and its version for the next save. */
  flag(project: string, flag: string) { return this.request<Flag>('GET', `${p(project)}/flags/${seg(flag)}`); }
  createFlag(project: string, input: FlagInput) { return this.request<Flag>('POST', `${p(project)}/flags`, input); }
  updateFlag(project: string, flag: string, patch: FlagPatch, o: WriteOptions = {}) {
    return this.request<Flag>('PATCH', `${p(project)}/flags/${seg(flag)}${query(o)}`, patch, { overwrite: o.overwrite });
  }
  /** Deletes a flag; `releaseAction` ends the releases that own it with the deletion (else 409 RELEASE_OWNS_FLAG). */
  deleteFlag(project: string, flag: string, o: Pick<WriteOptions, 'releaseAction'> = {}) { return this.request<void>('DELETE', `${p(project)}/flags/${seg(flag)}${query(o)}`); }
  /** Where the code uses the flag: per environment, as its newest recorded deployment kept it. */
  flagReferences(project: string, flag: string) {
    return this.request<{ environments: FlagReferences[] }>('GET', `${p(project)}/flags/${seg(flag)}/references`).then((r) => r.environments);
  }
  updateFlagInEnvironment(project: string, env: string, flag: string, patch: FlagEnvironmentPatch, o: WriteOptions = {}) {
    return this.request<Flag>('PATCH', `${e(project, env)}/flags/${seg(flag)}${query(o)}`, patch, { overwrite: o.overwrite });
  }

  /** The project's audit log, newest first; with `flag`, the entries that concern it (its releases, schedules, deployments too). */
  audit(project: string, limit = 100, flag = '') {
    return this.request<{ entries: AuditEntry[] }>('GET', `${p(project)}/audit?limit=${limit}${flag ? `&flag=${seg(flag)}` : ''}`).then((r) => r.entries);
  }
  propagation(project: string, env: string) { return this.request<PropagationStatus>('GET', `${e(project, env)}/propagation`); }

  /** Opens the environment's change stream; resolves once the server accepted it. Ends when the server closes it or `signal` aborts. */
  async changes(project: string, env: string, signal: AbortSignal): Promise<AsyncIterable<ChangeEvent>> {
    const response = await this.send('GET', `${e(project, env)}/events`, undefined, { accept: 'text/event-stream', signal });
    if (!response.body) throw new ApiError(0, 'NETWORK', 'The change stream has no body.');
    return changeEvents(response.body);
  }

  sdkKeys(project: string, env: string) { return this.request<{ sdkKeys: SdkKey[] }>('GET', `${e(project, env)}/sdk-keys`).then((r) => r.sdkKeys); }
  createSdkKey(project: string, env: string, input: SdkKeyInput) { return this.request<CreatedSdkKey>('POST', `${e(project, env)}/sdk-keys`, input); }
  /** Sets the key's rate limit (evaluations per second per location; null for none). */
  updateSdkKey(project: string, env: string, id: string, patch: { rateLimit: number | null }) { return this.request<SdkKey>('PATCH', `${e(project, env)}/sdk-keys/${seg(id)}`, patch); }
  revokeSdkKey(project: string, env: string, id: string) { return this.request<void>('DELETE', `${e(project, env)}/sdk-keys/${seg(id)}`); }

  adminTokens() { return this.request<{ adminTokens: AdminToken[] }>('GET', '/admin-tokens').then((r) => r.adminTokens); }
  createAdminToken(input: AdminTokenInput) { return this.request<CreatedAdminToken>('POST', '/admin-tokens', input); }
  revokeAdminToken(id: string) { return this.request<void>('DELETE', `/admin-tokens/${seg(id)}`); }

  people() { return this.request<{ people: Person[] }>('GET', '/people').then((r) => r.people); }
  addPerson(input: PersonInput) { return this.request<Person>('POST', '/people', input); }
  updatePerson(id: string, patch: PersonPatch) { return this.request<Person>('PATCH', `/people/${seg(id)}`, patch); }
  removePerson(id: string) { return this.request<void>('DELETE', `/people/${seg(id)}`); }

  changeRequests(project: string, state?: ChangeRequestState) {
    return this.request<{ changeRequests: ChangeRequest[] }>('GET', `${p(project)}/change-requests${state ? `?state=${state}` : ''}`).then((r) => r.changeRequests);
  }
  /** One request, and how its target moved since it was made (`diff`, empty when applying changes exactly what was reviewed). */
  changeRequest(project: string, id: string) { return this.request<{ changeRequest: ChangeRequest; diff: DiffEntry[] }>('GET', `${p(project)}/change-requests/${seg(id)}`); }
  /** The author replaces the held write's body: every approval given so far is void. */
  editChangeRequest(project: string, id: string, body: unknown) { return this.review(project, id, 'PATCH', '', { body }); }
  approveChangeRequest(project: string, id: string, comment?: string) { return this.review(project, id, 'POST', '/approve', comment ? { comment } : {}); }
  rejectChangeRequest(project: string, id: string, comment?: string) { return this.review(project, id, 'POST', '/reject', comment ? { comment } : {}); }
  /** Applies an approved request (409 CHANGE_REQUEST_STALE, with the diff, when its target changed since). */
  applyChangeRequest(project: string, id: string) { return this.review(project, id, 'POST', '/apply'); }
  private review(project: string, id: string, method: string, action: string, body?: unknown) {
    return this.request<{ changeRequest: ChangeRequest }>(method, `${p(project)}/change-requests/${seg(id)}${action}`, body).then((r) => r.changeRequest);
  }

  releases(project: string, env: string) { return this.request<{ releases: Release[] }>('GET', `${e(project, env)}/releases`).then((r) => r.releases); }
  release(project: string, env: string, key: string) { return this.request<Release>('GET', `${e(project, env)}/releases/${seg(key)}`); }
  createRelease(project: string, env: string, input: ReleaseInput) { return this.request<Release>('POST', `${e(project, env)}/releases`, input); }
  updateRelease(project: string, env: string, key: string, patch: ReleasePatch) { return this.request<Release>('PATCH', `${e(project, env)}/releases/${seg(key)}`, patch); }
  deleteRelease(project: string, env: string, key: string) { return this.request<void>('DELETE', `${e(project, env)}/releases/${seg(key)}`); }
  /**
   * start, pause, resume, rollback or kill; `force` confirms a start or resume the dormant-code guard refused,
   * `acknowledgeLoss` a start that takes the feature from users who have it.
   */
  releaseAction(project: string, env: string, key: string, action: ReleaseAction, o: Pick<WriteOptions, 'force' | 'acknowledgeLoss'> = {}) {
    return this.request<Release>('POST', `${e(project, env)}/releases/${seg(key)}/${action}${query(o)}`);
  }
  /** A page of the release's feedback, newest first; null while the server has no feedback route (404). */
  async releaseFeedback(project: string, env: string, key: string, before?: number): Promise<FeedbackPage | null> {
    try {
      const raw = await this.request<Parameters<typeof feedbackPage>[0]>('GET', `${e(project, env)}/releases/${seg(key)}/feedback${before ? `?before=${before}` : ''}`);
      return feedbackPage(raw);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return null;
      throw error;
    }
  }

  /**
   * Past and upcoming releases of the project's environments whose span meets [from, to], by start. From the
   * calendar route; where the server has none yet (404), derived from each environment's releases.
   */
  async calendar(project: string, environments: string[], from: Date, to: Date): Promise<CalendarEntry[]> {
    try {
      const range = `from=${seg(from.toISOString())}&to=${seg(to.toISOString())}`;
      const { releases } = await this.request<{ releases: CalendarEntry[] }>('GET', `${p(project)}/calendar?${range}`);
      return releases.filter((r) => environments.includes(r.environment));
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) throw error;
    }
    const lists = await Promise.all(environments.map(async (env) => (await this.releases(project, env)).map((r) => calendarEntry(env, r))));
    return lists.flat().filter((entry) => overlaps(entry, from.getTime(), to.getTime())).sort((a, b) => (a.startAt ?? '').localeCompare(b.startAt ?? '') || a.environment.localeCompare(b.environment));
  }

  deployments(project: string, env: string, before?: string, limit = 20) {
    return this.request<{ deployments: Deployment[]; next: string | null }>('GET', `${e(project, env)}/deployments?limit=${limit}${before ? `&before=${seg(before)}` : ''}`);
  }
  unreleasedFlags(project: string, env: string) { return this.request<{ flags: UnreleasedFlag[] }>('GET', `${e(project, env)}/unreleased-flags`).then((r) => r.flags); }

  /** How often the edge evaluated the flag in [from, to), per minute and variant, inside/outside its release (eventually consistent). */
  flagExposures(project: string, env: string, flag: string, from: Date, to: Date) {
    return this.request<FlagExposures>('GET', `${e(project, env)}/flags/${seg(flag)}/exposures?from=${seg(from.toISOString())}&to=${seg(to.toISOString())}`);
  }

  schedule(project: string, env: string, flag: string) { return this.request<{ schedule: ScheduledChange[] }>('GET', `${e(project, env)}/flags/${seg(flag)}/schedule`).then((r) => r.schedule); }
  scheduleChange(project: string, env: string, flag: string, input: ScheduledChangeInput, o: WriteOptions = {}) {
    return this.request<ScheduledChange>('POST', `${e(project, env)}/flags/${seg(flag)}/schedule${query({ force: o.force })}`, input);
  }
  cancelScheduledChange(project: string, env: string, flag: string, id: string) { return this.request<void>('DELETE', `${e(project, env)}/flags/${seg(flag)}/schedule/${seg(id)}`); }

  /** Every flag evaluated for `context` as the edge would now, with the rule that matched. */
  evaluateAs(project: string, env: string, context: Record<string, JsonValue>) {
    return this.request<{ results: ExplainedEvaluation[] }>('POST', `${e(project, env)}/evaluate`, { context }).then((r) => r.results);
  }

  private async request<T>(method: string, path: string, body?: unknown, options: SendOptions = {}): Promise<T> {
    const response = await this.send(method, path, body, options);
    if (response.status === 204) return undefined as T;
    const payload = await response.json();
    // a protected environment held the write for review: never returned as the thing it would have written
    if (response.status === 202 && payload?.changeRequest) throw new ChangeRequestHeld(payload.changeRequest as ChangeRequest);
    return payload as T;
  }

  /** The response if it is a success; otherwise throws it as an ApiError. */
  private async send(method: string, path: string, body?: unknown, { accept = 'application/json', signal, overwrite }: SendOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { accept };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const version = method === 'PATCH' || method === 'PUT' ? this.versions.ifMatch(path) : undefined;
    if (version && !overwrite) headers['if-match'] = version;
    let response: Response;
    try {
      response = await this.fetcher(this.base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
    } catch {
      throw new ApiError(0, 'NETWORK', 'Could not reach the Curtain server. Check your connection.');
    }
    if (response.ok) {
      this.versions.seen(path, response, method);
      return response;
    }
    const error = await toApiError(response);
    if (error.unauthenticated) this.onUnauthenticated();
    throw error;
  }
}

const p = (project: string) => `/projects/${seg(project)}`;
const e = (project: string, env: string) => `${p(project)}/environments/${seg(env)}`;
/** The write's options as a query: `?force=true&releaseAction=kill&revertOf=12&acknowledgeLoss=true`, '' for none. */
export function query(o: WriteOptions): string {
  const q = new URLSearchParams();
  if (o.force) q.set('force', 'true');
  if (o.releaseAction) q.set('releaseAction', o.releaseAction);
  if (o.revertOf !== undefined) q.set('revertOf', String(o.revertOf));
  if (o.acknowledgeLoss) q.set('acknowledgeLoss', 'true');
  const text = q.toString();
  return text ? `?${text}` : '';
}
