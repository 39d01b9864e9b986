// Test helpers: call the real worker (its default export, in workerd) as the admin or as an SDK.
import { env } from 'cloudflare:test';
import { exports } from 'cloudflare:workers';

export const adminToken = () => env.CURTAIN_ADMIN_TOKEN;
const origin = 'http://curtain.test';

export function call(method: string, path: string, init: { body?: unknown; rawBody?: string; token?: string | null; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...init.headers };
  const token = init.token === undefined ? adminToken() : init.token;
  if (token) headers.authorization = `Bearer ${token}`;
  if ((init.body !== undefined || init.rawBody !== undefined) && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  return exports.default.fetch(
    new Request(origin + path, {
      method,
      headers,
      body: init.rawBody ?? (init.body !== undefined ? JSON.stringify(init.body) : undefined),
    }),
  );
}

export async function json<T = any>(res: Response | Promise<Response>): Promise<{ status: number; body: T; headers: Headers }> {
  const r = await res;
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null, headers: r.headers };
}

/** Bootstraps the default project and returns a development server key. */
export async function bootstrap(): Promise<string> {
  const res = await json(call('POST', '/api/v1/bootstrap', { body: { createServerKey: true } }));
  if (res.status !== 200 || !res.body.sdkKey) throw new Error(`bootstrap failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.sdkKey;
}

export async function createKey(kind: 'server' | 'client', envKey = 'development'): Promise<{ id: string; secret: string }> {
  const res = await json(call('POST', `/api/v1/projects/default/environments/${envKey}/sdk-keys`, { body: { name: `${kind} key`, kind } }));
  if (res.status !== 201) throw new Error(`key creation failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export function ofrep(sdkKey: string | null, flagKey: string | null, context: unknown = { targetingKey: 'u1' }, headers: Record<string, string> = {}) {
  return call('POST', flagKey === null ? '/ofrep/v1/evaluate/flags' : `/ofrep/v1/evaluate/flags/${encodeURIComponent(flagKey)}`, {
    token: sdkKey,
    body: { context },
    headers,
  });
}

export async function auditCount(): Promise<number> {
  const row = await env.DB.prepare('SELECT count(*) AS n FROM audit_log').first<{ n: number }>();
  return row!.n;
}

/** The whole content of the tables that admin writes touch, to prove that a refused write changed nothing. */
export async function dbFingerprint(): Promise<string> {
  const tables = ['projects', 'environments', 'flags', 'flag_configs', 'sdk_keys', 'audit_log', 'deployments', 'releases', 'release_metrics', 'flag_schedules', 'feed_tokens', 'feedback'];
  const parts = await Promise.all(tables.map((t) => env.DB.prepare(`SELECT * FROM ${t} ORDER BY 1`).all()));
  return JSON.stringify(parts.map((p) => p.results));
}
