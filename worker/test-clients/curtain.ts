// Shared by the client interoperability tests: one real Curtain per test file, set up through the
// admin API, plus a fetch wrapper that records what the OFREP providers send and receive.
import { startCurtain, type RunningCurtain } from '../../scripts/curtain-server';

/** The flag set every test file imports (flagd format, development environment). */
export const flagdFile = {
  flags: {
    'new-checkout': { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'on' },
    'banner-text': {
      state: 'ENABLED',
      variants: { plain: 'Welcome', pro: 'Welcome back, pro' },
      defaultVariant: 'plain',
      targeting: { if: [{ '==': [{ var: 'plan' }, 'pro'] }, 'pro', null] },
    },
    'max-items': { state: 'ENABLED', variants: { few: 5, many: 50 }, defaultVariant: 'many' },
    'discount-rate': { state: 'ENABLED', variants: { low: 0.05, high: 0.15 }, defaultVariant: 'low' },
    theme: {
      state: 'ENABLED',
      variants: { dark: { mode: 'dark', accent: '#0af', radius: 4 }, light: { mode: 'light', accent: '#f80', radius: 2 } },
      defaultVariant: 'dark',
      metadata: { owner: 'web-team', ticket: 42 },
    },
    'checkout-split': {
      state: 'ENABLED',
      variants: { control: 'control', treatment: 'treatment' },
      defaultVariant: 'control',
      targeting: { fractional: [['control', 50], ['treatment', 50]] },
    },
    retired: { state: 'DISABLED', variants: { on: true, off: false }, defaultVariant: 'on' },
    'code-default': { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: null },
    'server-only': { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'on' },
  },
  metadata: { team: 'interop' },
};

/** Every flag but `server-only` is made visible to client keys. */
export const clientVisibleFlags = Object.keys(flagdFile.flags).filter((k) => k !== 'server-only');

export interface Curtain extends RunningCurtain {
  /** scheme://host:port — what OFREP providers take as `baseUrl` (they append /ofrep/v1/… themselves) */
  origin: string;
  admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  createKey(kind: 'server' | 'client'): Promise<{ id: string; secret: string }>;
  revokeKey(id: string): Promise<void>;
  /** PATCH …/environments/development/flags/{key} */
  changeFlag(key: string, change: { state?: 'ENABLED' | 'DISABLED'; defaultVariant?: string | null; targeting?: unknown }): Promise<void>;
}

/** Starts Curtain, imports `flagdFile` and marks the client-visible flags. */
export async function startCurtainWithFlags(): Promise<Curtain> {
  const running = await startCurtain();
  const origin = new URL(running.ofrepUrl).origin;
  const admin: Curtain['admin'] = async (method, path, body) => {
    const res = await fetch(running.apiUrl + path, {
      method,
      headers: { authorization: `Bearer ${running.adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const expect = async (what: string, p: Promise<{ status: number; body: any }>, status: number) => {
    const res = await p;
    if (res.status !== status) throw new Error(`${what}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}\n${running.output()}`);
    return res.body;
  };
  const env = '/projects/default/environments/development';
  const curtain: Curtain = {
    ...running,
    origin,
    admin,
    createKey: (kind) => expect(`create ${kind} key`, admin('POST', `${env}/sdk-keys`, { name: `interop ${kind} key`, kind }), 201),
    revokeKey: async (id) => void (await expect('revoke key', admin('DELETE', `${env}/sdk-keys/${id}`), 204)),
    changeFlag: async (key, change) => void (await expect(`change ${key}`, admin('PATCH', `${env}/flags/${key}`, change), 200)),
  };
  try {
    await expect('flagd import', admin('PUT', `${env}/flagd`, flagdFile), 200);
    for (const key of clientVisibleFlags) await expect(`clientVisible ${key}`, admin('PATCH', `/projects/default/flags/${key}`, { clientVisible: true }), 200);
  } catch (error) {
    await running.stop();
    throw error;
  }
  return curtain;
}

/** One HTTP exchange as the provider saw it. */
export interface Exchange {
  method: string;
  url: string;
  requestHeaders: Headers;
  requestBody: string;
  status: number;
  responseHeaders: Headers;
  responseBody: string;
}

/**
 * A pass-through `fetch` for the providers' `fetchImplementation` option: the real request goes to the
 * real server unchanged; the exchange is only recorded, so tests can see what went over the wire.
 */
export function recordingFetch() {
  const exchanges: Exchange[] = [];
  const impl = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const requestBody = await request.clone().text();
    const response = await fetch(request);
    const responseBody = await response.clone().text();
    exchanges.push({
      method: request.method,
      url: request.url,
      requestHeaders: request.headers,
      requestBody,
      status: response.status,
      responseHeaders: response.headers,
      responseBody,
    });
    return response;
  };
  return { fetch: impl as typeof fetch, exchanges };
}

export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
