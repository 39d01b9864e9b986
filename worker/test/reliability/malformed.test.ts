// Malformed input on every route: a seeded generator of bad bodies, content types, path parameters and queries.
// The result must be zero 5xx, zero dropped connections, zero writes, and a 4xx with a machine-readable code.
import { beforeAll, describe, expect, it } from 'vitest';
import { errorStatus } from '../../src/errors';
import { bootstrap, call, dbFingerprint, json } from '../helpers';
import { admin, createFlag, ENV } from '../release-helpers';
import { badContentTypes, badPathParams, malformedBodies, prng } from './malformed-input';
import { allRoutes, concrete, isAdmin } from './routes';

const SEED = 20261130;
const routes = allRoutes.filter((r) => r.path !== '/api/v1/openapi.json');
const codes = new Set(Object.keys(errorStatus));

let sdkKey: string;
/** `METHOD /hono/:path` of the admin routes that take a JSON body (from the OpenAPI document). */
let withBody: Set<string>;
const tally = { tried: 0, fiveXX: 0, dropped: 0, without4xxCode: 0, writes: 0 };
const failures: string[] = [];

async function attempt(label: string, method: string, path: string, init: { rawBody?: string; headers?: Record<string, string> }, mustBe4xx: boolean) {
  tally.tried++;
  let res: Response;
  try {
    res = await call(method, path, { token: isAdmin(path) ? undefined : sdkKey, ...init });
  } catch (err) {
    tally.dropped++;
    failures.push(`${label}: dropped (${String(err).slice(0, 120)})`);
    return;
  }
  if (res.headers.get('content-type')?.startsWith('text/event-stream')) {
    // a stream that opened (the path named a real environment): close it, it is no answer to judge
    await res.body?.cancel();
    return;
  }
  const text = await res.text();
  if (res.status >= 500) {
    tally.fiveXX++;
    failures.push(`${label}: ${res.status} ${text.slice(0, 160)}`);
    return;
  }
  if (!mustBe4xx) return;
  let code: unknown;
  try {
    const body = text ? JSON.parse(text) : null;
    code = isAdmin(path) ? body?.error?.code : (body?.errorCode ?? (res.status === 401 || res.status === 404 ? 'status' : undefined));
  } catch {
    code = undefined;
  }
  const ok = res.status >= 400 && res.status < 500 && (isAdmin(path) ? codes.has(code as string) : code !== undefined);
  if (!ok) {
    tally.without4xxCode++;
    failures.push(`${label}: ${res.status} ${text.slice(0, 160)}`);
  }
}

beforeAll(async () => {
  const doc = (await json(call('GET', '/api/v1/openapi.json', { token: null }))).body;
  withBody = new Set(
    Object.entries(doc.paths as Record<string, Record<string, { requestBody?: unknown }>>).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => op.requestBody)
        .map(([m]) => `${m.toUpperCase()} /api/v1${path.replace(/\{(\w+)\}/g, ':$1')}`),
    ),
  );
  sdkKey = await bootstrap();
  await createFlag('f');
  await admin('POST', `${ENV}/releases`, { key: 'r', name: 'R', flags: ['f'], plan: { steps: [{ percent: 10, holdMinutes: 10 }] } });
});

describe('malformed input on every route', { timeout: 120_000 }, () => {
  it(`answers every malformed request with a 4xx and a code, never a 5xx, and writes nothing (seed ${SEED})`, async (ctx) => {
    const before = await dbFingerprint();
    const random = prng(SEED);
    const bodies = malformedBodies(random, 60);
    expect(routes.length).toBeGreaterThan(40);
    for (const r of routes) {
      const path = concrete(r.path);
      const label = (what: string) => `${r.method} ${r.path} ${what}`;
      const takesBody = isAdmin(r.path) ? withBody.has(`${r.method} ${r.path}`) : r.method === 'POST';
      if (takesBody) {
        // every body on every route that takes one; the biggest only on a sample, to keep the run short
        for (const b of bodies) {
          if (b.body.length > 100_000 && random() > 0.25) continue;
          await attempt(label(b.name), r.method, path, { rawBody: b.body, headers: { 'content-type': 'application/json' } }, isAdmin(path) || !r.path.includes('evaluate'));
        }
        for (const type of badContentTypes) await attempt(label(type), r.method, path, { rawBody: '{"key":"x"}', headers: { 'content-type': type } }, isAdmin(path));
      }
      for (const name of r.path.match(/:(\w+)/g) ?? []) {
        for (const bad of badPathParams) {
          const body = takesBody ? { rawBody: '{}', headers: { 'content-type': 'application/json' } } : {};
          const target = concrete(r.path, [name.slice(1), bad]);
          // dot segments are resolved by the URL parser before any server sees them: such a request reaches
          // another route, validly (it must still answer without a 5xx and write nothing)
          const resolvedElsewhere = new URL(`http://x${target}`).pathname !== target.split('?')[0];
          await attempt(label(`${name}=${bad.slice(0, 12)}`), r.method, target, body, isAdmin(path) && !resolvedElsewhere);
        }
      }
      for (const q of ['limit=-1', 'limit=abc', 'force=maybe', 'dryRun=1&prune=yes', 'before=%00', 'context=%7B', 'context=[1]']) {
        if (r.method === 'GET') await attempt(label(`?${q}`), r.method, `${path}?${q}`, {}, false);
      }
    }
    const after = await dbFingerprint();
    tally.writes = after === before ? 0 : 1;
    ctx.task.meta.reliability = { kind: 'malformed', ...tally };
    expect(failures).toEqual([]);
    expect(after).toBe(before);
    expect(tally.tried).toBeGreaterThan(2000);
  });
});
