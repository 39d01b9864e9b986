// The API client against a recorded fake server: versions sent back as If-Match and conflicts reported, the dormant-code
// guard's flags, the calendar derived while the server has no calendar route, and feedback pages in either shape.
import { describe, expect, it } from 'vitest';
import { Api, ApiError, ChangeRequestHeld, type Release } from './api';
import { heldOrApplied, resourceOf } from './api-support';
import { plannedTimeline } from './releases/timeline';

interface Seen {
  method: string;
  url: string;
  headers: Record<string, string>;
}

/** An Api whose server answers from `routes` (by "METHOD path", query excluded) and records every request. */
function fake(routes: Record<string, (n: number) => Response>) {
  const seen: Seen[] = [];
  const counts = new Map<string, number>();
  const fetcher = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    const route = `${init?.method ?? 'GET'} ${url.replace('/api/v1', '').split('?')[0]}`;
    seen.push({ method: init?.method ?? 'GET', url, headers: { ...(init?.headers as Record<string, string>) } });
    const n = (counts.get(route) ?? 0) + 1;
    counts.set(route, n);
    const answer = routes[route];
    return answer ? answer(n) : Response.json({ error: { code: 'NOT_FOUND', message: `No route for ${route}` } }, { status: 404 });
  }) as typeof fetch;
  return { api: new Api('t', () => {}, '/api/v1', fetcher), seen };
}

const flag = { key: 'f', environments: {} };
const withTag = (tag: string | null, body: unknown = flag, status = 200) => Response.json(body, { status, headers: tag ? { etag: tag } : {} });

describe('versions and conflicts', () => {
  it('sends the version a flag was loaded with as If-Match, and the newer one after a save', async () => {
    const { api, seen } = fake({ 'GET /projects/p/flags/f': () => withTag('"v1"'), 'PATCH /projects/p/environments/dev/flags/f': (n) => withTag(`"v${n + 1}"`) });
    await api.flag('p', 'f');
    await api.updateFlagInEnvironment('p', 'dev', 'f', { state: 'ENABLED' });
    await api.updateFlagInEnvironment('p', 'dev', 'f', { state: 'DISABLED' });
    expect(seen.filter((s) => s.method === 'PATCH').map((s) => s.headers['if-match'])).toEqual(['"v1"', '"v2"']);
  });

  it('sends no If-Match when the server sent no version, or when overwriting', async () => {
    const { api, seen } = fake({ 'GET /projects/p/flags/f': () => withTag(null), 'PATCH /projects/p/flags/f': () => withTag('"v9"') });
    await api.flag('p', 'f');
    await api.updateFlag('p', 'f', { description: 'x' });
    await api.updateFlag('p', 'f', { description: 'y' }, { overwrite: true });
    expect(seen.filter((s) => s.method === 'PATCH').map((s) => s.headers['if-match'])).toEqual([undefined, undefined]);
  });

  it('reports 412 and 409 as conflicts, with the current version the server sent', async () => {
    const current = { ...flag, description: 'theirs' };
    const { api } = fake({
      'GET /projects/p/flags/f': () => withTag('"v1"'),
      'PATCH /projects/p/flags/f': () => Response.json({ error: { code: 'PRECONDITION_FAILED', message: 'changed', current } }, { status: 412 })
    });
    await api.flag('p', 'f');
    const error = await api.updateFlag('p', 'f', { description: 'mine' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).conflict).toBe(true);
    expect((error as ApiError).details.current).toEqual(current);
    expect(new ApiError(409, 'CONFLICT', 'x').conflict).toBe(true);
    expect(new ApiError(400, 'VALIDATION_FAILED', 'x').conflict).toBe(false);
  });

  it('a bare 412 without a JSON body is still a conflict', async () => {
    const { api } = fake({ 'PATCH /projects/p/flags/f': () => new Response('', { status: 412 }) });
    expect(((await api.updateFlag('p', 'f', {}).catch((e: unknown) => e)) as ApiError).code).toBe('PRECONDITION_FAILED');
  });

  it('keeps one version per flag for the flag and its configuration in every environment', () => {
    expect(resourceOf('/projects/p/environments/prod/flags/f?force=true')).toBe('/projects/p/flags/f');
    expect(resourceOf('/projects/p/flags/f')).toBe('/projects/p/flags/f');
    expect(resourceOf('/projects/p/environments/prod/releases/r')).toBe('/projects/p/environments/prod/releases/r');
  });
});

describe('the dormant-code guard', () => {
  it('names the flags no deployment uses, and repeats with ?force=true when told', async () => {
    const { api, seen } = fake({
      'POST /projects/p/environments/prod/releases/r/start': (n) =>
        n === 1 ? Response.json({ error: { code: 'DORMANT_CODE', message: 'not deployed', flags: ['a', 'b'] } }, { status: 409 }) : Response.json({ key: 'r' })
    });
    const error = (await api.releaseAction('p', 'prod', 'r', 'start').catch((e: unknown) => e)) as ApiError;
    expect(error.dormantFlags).toEqual(['a', 'b']);
    expect(error.conflict).toBe(false);
    await api.releaseAction('p', 'prod', 'r', 'start', { force: true });
    expect(seen.map((s) => s.url)).toEqual(['/api/v1/projects/p/environments/prod/releases/r/start', '/api/v1/projects/p/environments/prod/releases/r/start?force=true']);
  });
});

const release = (key: string, over: Partial<Release>): Release => {
  const r: Omit<Release, 'timeline'> = {
    key, name: key, owner: null, notes: '', bucketBy: 'targetingKey', state: 'rolling_out', killed: false, flags: [{ key: 'f', inside: 'on', outside: 'off' }],
    plan: { steps: [{ percent: 10, holdMinutes: 60 }, { percent: 100, holdMinutes: 60 }] }, startAt: '2027-03-01T09:00:00.000Z', startedAt: null, pausedAt: null, endedAt: null,
    guardrails: [], status: { percent: 10, step: 0, nextStepAt: null, releasedAt: null }, createdAt: '2027-02-01T00:00:00Z', updatedAt: '2027-02-01T00:00:00Z', ...over
  };
  return { ...r, timeline: over.timeline ?? plannedTimeline(r.plan.steps, r.startAt === null ? null : Date.parse(r.startAt)) };
};

describe('issue 19: releases own their flags, starts that take a feature away, reverts, a flag’s history', () => {
  it('reads RELEASE_OWNS_FLAG and TAKES_FEATURE_AWAY, and sends their ways forward as the query names them', async () => {
    const owned = { code: 'RELEASE_OWNS_FLAG', message: 'owned', flag: 'f', environment: 'staging', release: { key: 'r', name: 'R', state: 'rolling_out', percent: 50, nextStepAt: null }, waysForward: ['rollback', 'kill', 'finish'] };
    const loss = { code: 'TAKES_FEATURE_AWAY', message: 'loss', flags: [{ flag: 'f', inside: 'on', losing: 99 }] };
    const { api, seen } = fake({
      'PATCH /projects/p/environments/staging/flags/f': (n) => (n === 1 ? Response.json({ error: owned }, { status: 409 }) : withTag('"v2"')),
      'POST /projects/p/environments/staging/releases/r/start': (n) => (n === 1 ? Response.json({ error: loss }, { status: 409 }) : Response.json({})),
      'GET /projects/p/audit': () => Response.json({ entries: [] })
    });
    const refused = (await api.updateFlagInEnvironment('p', 'staging', 'f', { state: 'DISABLED' }).catch((e: unknown) => e)) as ApiError;
    expect(refused.owningRelease).toEqual({ key: 'r', name: 'R', state: 'rolling_out', percent: 50, nextStepAt: null });
    expect(refused.featureLoss).toBeNull();
    await api.updateFlagInEnvironment('p', 'staging', 'f', { state: 'DISABLED' }, { releaseAction: 'kill', revertOf: 12 });
    const start = (await api.releaseAction('p', 'staging', 'r', 'start').catch((e: unknown) => e)) as ApiError;
    expect(start.featureLoss).toEqual([{ flag: 'f', inside: 'on', losing: 99 }]);
    await api.releaseAction('p', 'staging', 'r', 'start', { acknowledgeLoss: true });
    await api.audit('p', 50, 'f');
    expect(seen.map((s) => s.url.replace('/api/v1/projects/p', ''))).toEqual([
      '/environments/staging/flags/f',
      '/environments/staging/flags/f?releaseAction=kill&revertOf=12',
      '/environments/staging/releases/r/start',
      '/environments/staging/releases/r/start?acknowledgeLoss=true',
      '/audit?limit=50&flag=f'
    ]);
  });
});

describe('the calendar', () => {
  it('is derived from each environment’s releases while the server has no calendar route', async () => {
    const { api } = fake({
      'GET /projects/p/environments/dev/releases': () => Response.json({ releases: [release('a', {}), release('draft', { state: 'draft', startAt: null })] }),
      'GET /projects/p/environments/prod/releases': () => Response.json({ releases: [release('b', { startAt: '2027-02-27T09:00:00.000Z' }), release('old', { startAt: '2026-01-01T00:00:00Z', state: 'released', endedAt: '2026-01-01T02:00:00Z' })] })
    });
    const entries = await api.calendar('p', ['dev', 'prod'], new Date('2027-02-15T00:00:00Z'), new Date('2027-03-15T00:00:00Z'));
    expect(entries.map((x) => `${x.environment}/${x.key}`)).toEqual(['prod/b', 'dev/a']);
    expect(entries[1].steps.map((s) => s.startsAt)).toEqual(['2027-03-01T09:00:00.000Z', '2027-03-01T10:00:00.000Z']);
    expect(entries[1].endAt).toBe('2027-03-01T11:00:00.000Z');
  });

  it('comes from the calendar route once the server has one', async () => {
    const { api, seen } = fake({ 'GET /projects/p/calendar': () => Response.json({ releases: [{ environment: 'dev', key: 'a' }, { environment: 'qa', key: 'q' }] }) });
    const entries = await api.calendar('p', ['dev'], new Date('2027-01-01T00:00:00Z'), new Date('2027-02-01T00:00:00Z'));
    expect(entries.map((x) => x.key)).toEqual(['a']);
    expect(seen[0].url).toBe('/api/v1/projects/p/calendar?from=2027-01-01T00%3A00%3A00.000Z&to=2027-02-01T00%3A00%3A00.000Z');
  });
});

describe('feedback', () => {
  it('is null while the server has no feedback route, and reads flat or grouped counts', async () => {
    const path = 'GET /projects/p/environments/dev/releases/r/feedback';
    expect(await fake({}).api.releaseFeedback('p', 'dev', 'r')).toBeNull();
    const flat = { feedback: [], counts: { total: 3, positive: 2, neutral: 0, negative: 1, byVariant: [{ flag: 'f', variant: 'on', total: 3, positive: 2, neutral: 0, negative: 1 }] }, nextBefore: 7 };
    expect(await fake({ [path]: () => Response.json(flat) }).api.releaseFeedback('p', 'dev', 'r')).toEqual({
      feedback: [], next: 7,
      counts: { total: 3, byRating: { positive: 2, neutral: 0, negative: 1 }, byVariant: [{ flag: 'f', variant: 'on', total: 3, byRating: { positive: 2, neutral: 0, negative: 1 } }] }
    });
    const grouped = { feedback: [], counts: { byRating: { positive: 1, negative: 1 }, byVariant: { on: 2 } } };
    const page = await fake({ [path]: () => Response.json(grouped) }).api.releaseFeedback('p', 'dev', 'r');
    expect(page?.counts).toMatchObject({ total: 2, byRating: { positive: 1, neutral: 0, negative: 1 }, byVariant: [{ variant: 'on', total: 2 }] });
  });
});

describe('governance', () => {
  const request = { id: 'abcdefghijklmnop', state: 'open', summary: "change state of flag 'f' in production", requiredApprovals: 2, approvals: [] };

  it('never returns a held write (202) as the thing it would have written: it throws the change request', async () => {
    const { api } = fake({ 'PATCH /projects/p/environments/production/flags/f': () => Response.json({ changeRequest: request }, { status: 202 }) });
    const held = await api.updateFlagInEnvironment('p', 'production', 'f', { state: 'ENABLED' }).catch((e: unknown) => e);
    expect(held).toBeInstanceOf(ChangeRequestHeld);
    expect((held as ChangeRequestHeld).changeRequest.id).toBe('abcdefghijklmnop');
    expect((held as ChangeRequestHeld).message).toMatch(/^Held for review: nothing changed yet\. .* waits for 2 approvals by someone else\.$/);
    expect(await heldOrApplied(() => api.updateFlagInEnvironment('p', 'production', 'f', { state: 'ENABLED' }))).toMatchObject({ id: 'abcdefghijklmnop' });
  });

  it('reads a stale apply’s drift (409 CHANGE_REQUEST_STALE)', async () => {
    const diff = [{ path: '/environments/production/state', before: 'DISABLED', after: 'ENABLED' }];
    const { api } = fake({ 'POST /projects/p/change-requests/abcdefghijklmnop/apply': () => Response.json({ error: { code: 'CHANGE_REQUEST_STALE', message: 'changed', diff, current: {} } }, { status: 409 }) });
    const refused = (await api.applyChangeRequest('p', 'abcdefghijklmnop').catch((e: unknown) => e)) as ApiError;
    expect(refused.staleDiff).toEqual(diff);
    expect(new ApiError(409, 'CONFLICT', 'x').staleDiff).toBeNull();
  });

  it('sends no Authorization without a token (behind Cloudflare Access the sign-in is the credential)', async () => {
    const seen: Record<string, string>[] = [];
    const fetcher = (async (_input: RequestInfo | URL, init?: RequestInit) => {
      seen.push({ ...(init?.headers as Record<string, string>) });
      return Response.json({ token: { id: 'person:x', name: 'maya' }, kind: 'person', email: 'maya@example.com', grants: [] });
    }) as typeof fetch;
    expect((await new Api(null, () => {}, '/api/v1', fetcher).me()).kind).toBe('person');
    expect(seen[0].authorization).toBeUndefined();
  });
});

describe('measures', () => {
  it('asks for a flag’s exposures over a window, and patches the project’s staleAfterDays', async () => {
    const minutes = [{ at: '2027-01-01T12:00:00.000Z', variants: { on: { count: 3, inside: 3 } } }];
    const { api, seen } = fake({
      'GET /projects/p/environments/dev/flags/f%20x/exposures': () => Response.json({ flag: 'f x', environment: 'dev', from: '', to: '', minutes }),
      'PATCH /projects/p': () => Response.json({ id: '1', key: 'p', name: 'P', staleAfterDays: 30, createdAt: '' })
    });
    const x = await api.flagExposures('p', 'dev', 'f x', new Date('2027-01-01T11:00:00Z'), new Date('2027-01-01T12:30:00Z'));
    expect(x.minutes).toEqual(minutes);
    expect(seen[0].url).toBe('/api/v1/projects/p/environments/dev/flags/f%20x/exposures?from=2027-01-01T11%3A00%3A00.000Z&to=2027-01-01T12%3A30%3A00.000Z');
    expect((await api.updateProject('p', { staleAfterDays: 30 })).staleAfterDays).toBe(30);
    expect(seen[1]).toMatchObject({ method: 'PATCH', url: '/api/v1/projects/p' });
  });
});
