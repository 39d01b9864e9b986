// What the API client needs besides its routes: its error type, reading error bodies and the change stream, the
// version (ETag) bookkeeping that lets a save say "someone else changed this", and reading feedback pages.
import { readSse } from './sse';
import type { ApiErrorCode, ApiIssue, ChangeEvent } from './api-types';
import type { FeedbackCounts, FeedbackItem, FeedbackPage, Rating } from './api-types-releases';
import type { ChangeRequest, DiffEntry } from './api-types-governance';

/** The release an error says owns a flag. */
export interface OwningRelease {
  key: string;
  name: string;
  state: string;
  percent: number;
  nextStepAt: string | null;
}

/** A flag whose inside variant users would lose when a release starts, and the share of them (of those it decides for). */
export interface FeatureLoss {
  flag: string;
  inside: string;
  losing: number;
}

/** An error answered by the API, or a network failure (`code: 'NETWORK'`), ready to show to the user. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode | 'NETWORK' | 'UNKNOWN',
    message: string,
    readonly issues: ApiIssue[] = [],
    /** the error object's other fields, e.g. `flags` of DORMANT_CODE or `current` of PRECONDITION_FAILED */
    readonly details: Record<string, unknown> = {}
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get unauthenticated(): boolean {
    return this.status === 401;
  }

  /** the dormant-code guard refused: no recorded deployment uses these flags */
  get dormantFlags(): string[] | null {
    if (this.code !== 'DORMANT_CODE') return null;
    return Array.isArray(this.details.flags) ? this.details.flags.filter((f): f is string => typeof f === 'string') : [];
  }

  /** a running release owns the flag: the release, as the error names it (409 RELEASE_OWNS_FLAG) */
  get owningRelease(): OwningRelease | null {
    if (this.code !== 'RELEASE_OWNS_FLAG') return null;
    const r = (this.details.release ?? {}) as Partial<OwningRelease>;
    return { key: String(r.key ?? ''), name: String(r.name ?? r.key ?? ''), state: String(r.state ?? ''), percent: Number(r.percent ?? 0), nextStepAt: typeof r.nextStepAt === 'string' ? r.nextStepAt : null };
  }

  /** starting a release would take the feature from users who have it: per flag, the share losing it (409 TAKES_FEATURE_AWAY) */
  get featureLoss(): FeatureLoss[] | null {
    if (this.code !== 'TAKES_FEATURE_AWAY') return null;
    const flags = Array.isArray(this.details.flags) ? (this.details.flags as Partial<FeatureLoss>[]) : [];
    return flags.map((f) => ({ flag: String(f.flag ?? ''), inside: String(f.inside ?? ''), losing: Number(f.losing ?? 0) }));
  }

  /** applying a change request whose target changed since it was made: what changed there (409 CHANGE_REQUEST_STALE) */
  get staleDiff(): DiffEntry[] | null {
    if (this.code !== 'CHANGE_REQUEST_STALE') return null;
    return Array.isArray(this.details.diff) ? (this.details.diff as DiffEntry[]) : [];
  }

  /** on a save: someone else changed the resource since it was loaded (412 on `If-Match`, or 409 CONFLICT) */
  get conflict(): boolean {
    return this.code === 'PRECONDITION_FAILED' || this.status === 412 || this.code === 'CONFLICT';
  }
}

/**
 * Not a failure: the environment is protected and the caller may not bypass it, so the server held the write in a
 * change request (202) and changed nothing yet. Thrown so that no caller mistakes the request for the written thing.
 */
export class ChangeRequestHeld extends Error {
  constructor(readonly changeRequest: ChangeRequest) {
    const n = changeRequest.requiredApprovals;
    super(`Held for review: nothing changed yet. The change request “${changeRequest.summary}” waits for ${n} approval${n === 1 ? '' : 's'} by someone else.`);
    this.name = 'ChangeRequestHeld';
  }
}

/** Runs a write; the change request it opened if the server held it for review, else null (it applied). */
export async function heldOrApplied(write: () => Promise<unknown>): Promise<ChangeRequest | null> {
  try {
    await write();
    return null;
  } catch (error) {
    if (error instanceof ChangeRequestHeld) return error.changeRequest;
    throw error;
  }
}

export async function toApiError(response: Response): Promise<ApiError> {
  const payload: unknown = await response.json().catch(() => null);
  const error = (payload as { error?: { code?: string; message?: string; issues?: ApiIssue[] } & Record<string, unknown> })?.error;
  if (error?.code && error.message) {
    const { code, message, issues, ...details } = error;
    return new ApiError(response.status, code as ApiErrorCode, message, issues, details);
  }
  if (response.status === 412) {
    return new ApiError(412, 'PRECONDITION_FAILED', 'Someone else changed this since you loaded it.');
  }
  return new ApiError(response.status, 'UNKNOWN', `The server answered ${response.status} ${response.statusText}`.trim());
}

/**
 * The resource whose version (ETag) a path reads or changes: a flag's configuration in an environment is part of the
 * flag (`…/environments/e/flags/f` → `…/flags/f`); the query never matters.
 */
export function resourceOf(path: string): string {
  const bare = path.split('?')[0];
  const envFlag = /^(\/projects\/[^/]+)\/environments\/[^/]+\/flags\/([^/]+)$/.exec(bare);
  return envFlag ? `${envFlag[1]}/flags/${envFlag[2]}` : bare;
}

/** The versions loaded per resource, sent back as `If-Match` so that a save never silently overwrites another. */
export class Versions {
  #tags = new Map<string, string>();

  /** Notes the ETag a response carried (nothing when it carried none). */
  seen(path: string, response: Pick<Response, 'headers'>, method: string) {
    const tag = response.headers.get('etag');
    if (method === 'DELETE') this.#tags.delete(resourceOf(path));
    else if (tag) this.#tags.set(resourceOf(path), tag);
  }

  ifMatch(path: string): string | undefined {
    return this.#tags.get(resourceOf(path));
  }

  /** Forgets the versions under `prefix`, e.g. after a list reload showed newer content than they describe. */
  forget(prefix: string) {
    for (const key of [...this.#tags.keys()]) if (key.startsWith(prefix)) this.#tags.delete(key);
  }
}

/** The stream's `refetchEvaluation` events as versions: the event id, else the `"v12"` etag. */
export async function* changeEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ChangeEvent> {
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

type RawCounts = { total?: number; byRating?: Partial<Record<Rating, number>> } & Partial<Record<Rating, number>>;
type RawVariantCounts = RawCounts & { flag?: string; variant?: string | null };

const ratings = (c: RawCounts): Record<Rating, number> => ({
  positive: c.byRating?.positive ?? c.positive ?? 0,
  neutral: c.byRating?.neutral ?? c.neutral ?? 0,
  negative: c.byRating?.negative ?? c.negative ?? 0
});
const total = (c: RawCounts) => c.total ?? Object.values(ratings(c)).reduce((a, b) => a + b, 0);

/** A page of a release's feedback, whether the counts come flat (`positive: 3`) or grouped (`byRating`). */
export function feedbackPage(raw: { feedback?: FeedbackItem[]; counts?: RawCounts & { byVariant?: unknown }; nextBefore?: number | null; next?: number | null }): FeedbackPage {
  const counts = raw.counts ?? {};
  const byVariant: FeedbackCounts['byVariant'] = Array.isArray(counts.byVariant)
    ? (counts.byVariant as RawVariantCounts[]).map((v) => ({ flag: v.flag ?? '', variant: v.variant ?? null, total: total(v), byRating: ratings(v) }))
    : Object.entries((counts.byVariant ?? {}) as Record<string, number>).map(([variant, n]) => ({ flag: '', variant, total: n, byRating: { positive: 0, neutral: 0, negative: 0 } }));
  return { feedback: raw.feedback ?? [], counts: { total: total(counts), byRating: ratings(counts), byVariant }, next: raw.nextBefore ?? raw.next ?? null };
}
