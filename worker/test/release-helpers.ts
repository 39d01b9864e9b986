// Test helpers for releases: create flags and releases over the admin API, and measure who is inside over OFREP.
import { call, json, ofrep } from './helpers';

export const ENV = '/api/v1/projects/default/environments/development';

export async function admin<T = any>(method: string, path: string, body?: unknown) {
  return json<T>(call(method, path, body === undefined ? {} : { body }));
}

export async function createFlag(key: string, extra: Record<string, unknown> = {}) {
  const res = await admin('POST', '/api/v1/projects/default/flags', { key, ...extra });
  if (res.status !== 201) throw new Error(`flag ${key}: ${res.status} ${JSON.stringify(res.body)}`);
}

export const users = (n: number, prefix = 'user') => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

/** The users (targeting keys) for whom the flag evaluates to `value` over OFREP, with extra context. */
export async function servedTo(sdkKey: string, flag: string, keys: string[], value: unknown = true, ctx: Record<string, unknown> = {}) {
  const out: string[] = [];
  for (const k of keys) {
    const res = await json(ofrep(sdkKey, flag, { targetingKey: k, ...ctx }));
    if (res.status !== 200) throw new Error(`OFREP ${flag}: ${res.status} ${JSON.stringify(res.body)}`);
    if (res.body.value === value) out.push(k);
  }
  return out;
}
