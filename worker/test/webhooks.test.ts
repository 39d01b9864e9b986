// Signed webhooks, end to end through the local queue: a change is delivered to a receiver (test/fake-internet.ts)
// with Standard Webhooks headers that an HMAC written here (WebCrypto, not the worker's code) verifies; a 503 is
// retried until it succeeds; a delivery can be sent again; a receiver that is down for a while loses no event.
import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from 'cloudflare:test';
import worker from '../src/index';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, json } from './helpers';
import { admin } from './release-helpers';

const P = '/api/v1/projects/default';
const receiverUrl = (id: string) => `http://receiver.test/${id}`;
type Received = { headers: Record<string, string>; body: string; status: number };
const received = async (id: string): Promise<Received[]> => (await fetch(`${receiverUrl(id)}/_log`)).json();
const steer = (id: string, state: { failures?: number; down?: boolean }) => fetch(`${receiverUrl(id)}/_control`, { method: 'POST', body: JSON.stringify(state) });

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const got = await probe();
    if (got) return got;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Standard Webhooks verification, written from the specification: base64 HMAC-SHA256 of `id.timestamp.body`. */
async function verify(secret: string, h: Record<string, string>, body: string): Promise<boolean> {
  const raw = Uint8Array.from(atob(secret.slice('whsec_'.length)), (c) => c.charCodeAt(0));
  const key = await crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  const signed = new TextEncoder().encode(`${h['webhook-id']}.${h['webhook-timestamp']}.${body}`);
  for (const part of h['webhook-signature'].split(' ')) {
    const [version, sig] = part.split(',');
    if (version !== 'v1') continue;
    const mac = Uint8Array.from(atob(sig), (c) => c.charCodeAt(0));
    if (await crypto.subtle.verify('HMAC', key, mac, signed)) return true;
  }
  return false;
}

async function subscribe(id: string, events: string[], format?: string) {
  const res = await admin('POST', `${P}/webhooks`, { url: receiverUrl(id), events, ...(format ? { format } : {}) });
  expect(res.status).toBe(201);
  return res.body as { id: string; secret: string };
}
const flip = (flag: string, state: 'ENABLED' | 'DISABLED') => admin('PATCH', `${P}/environments/development/flags/${flag}`, { state });

beforeAll(async () => {
  await admin('POST', '/api/v1/bootstrap', {});
  for (const key of ['a', 'b', 'c']) await admin('POST', `${P}/flags`, { key });
});

describe('webhooks', { timeout: 60_000 }, () => {
  it('deliver a flag change with Standard Webhooks headers that an independent HMAC verifies', async () => {
    const hook = await subscribe('signed', ['flag.changed']);
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect((await flip('a', 'ENABLED')).status).toBe(200);
    const [got] = await until('a delivery', async () => (await received('signed')).length > 0 && received('signed'));
    expect(got.headers['webhook-id']).toMatch(/^msg_/);
    expect(Math.abs(Number(got.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
    expect(await verify(hook.secret, got.headers, got.body)).toBe(true);
    expect(await verify(hook.secret, got.headers, got.body.replace('ENABLED', 'DISABLED'))).toBe(false);
    expect(JSON.parse(got.body)).toMatchObject({ type: 'flag.changed', data: { project: 'default', environment: 'development', action: 'flag.configure', flags: ['a'], after: { state: 'ENABLED' } } });
    // the list never shows the secret, and the database holds it only sealed (a copy of D1 cannot sign)
    expect(JSON.stringify((await admin('GET', `${P}/webhooks`)).body)).not.toContain(hook.secret);
    const stored = await env.DB.prepare('SELECT secret FROM webhooks WHERE id = ?').bind(hook.id).first<{ secret: string }>();
    expect(stored?.secret).toMatch(/^sealed:v1:/);
    expect(stored?.secret).not.toContain(hook.secret.slice('whsec_'.length, 20));
  });

  it('retry a 503 with the same message id until the receiver takes it, and log every attempt', async () => {
    const hook = await subscribe('flaky', ['flag.changed']);
    await steer('flaky', { failures: 2 });
    await flip('b', 'ENABLED');
    const log = await until('three attempts', async () => {
      const l = await received('flaky');
      return l.length >= 3 && l;
    });
    expect(log.map((r) => r.status)).toEqual([503, 503, 200]);
    expect(new Set(log.map((r) => r.headers['webhook-id'])).size).toBe(1);
    for (const r of log) expect(await verify(hook.secret, r.headers, r.body)).toBe(true);
    const [delivery] = (await admin('GET', `${P}/webhooks/${hook.id}/deliveries`)).body.deliveries;
    expect(delivery).toMatchObject({ state: 'delivered', attempts: 3, lastStatus: 200, event: 'flag.changed' });

    const again = await admin('POST', `${P}/webhooks/${hook.id}/deliveries/${delivery.id}/redeliver`);
    expect(again.status).toBe(202);
    const after = await until('the redelivery', async () => {
      const l = await received('flaky');
      return l.length >= 4 && l;
    });
    expect(after[3]).toMatchObject({ status: 200, headers: { 'webhook-id': delivery.id } });
  });

  it('lose no event while the receiver is down for a while', async () => {
    await subscribe('outage', ['flag.changed', 'deployment.recorded']);
    await steer('outage', { down: true });
    const changes = 6;
    for (let i = 0; i < changes; i++) await flip('c', i % 2 === 0 ? 'ENABLED' : 'DISABLED');
    await admin('POST', `${P}/environments/development/deployments`, { version: '1', flags: ['c'] });
    await until('failed attempts', async () => (await received('outage')).filter((r) => r.status === 503).length >= 2 * (changes + 1));
    await steer('outage', { down: false });
    const ok = await until('every event', async () => {
      const delivered = new Set((await received('outage')).filter((r) => r.status === 200).map((r) => r.headers['webhook-id']));
      return delivered.size >= changes + 1 && delivered;
    });
    expect(ok.size).toBe(changes + 1);
    const types = (await received('outage')).filter((r) => r.status === 200).map((r) => JSON.parse(r.body).type);
    expect(types.filter((t) => t === 'deployment.recorded')).toHaveLength(1);
  });

  it('hand a delivery the queue lost over again from the cron sweep, with nothing written', async () => {
    const hook = await subscribe('swept', ['flag.changed']);
    await flip('b', 'DISABLED');
    const [first] = await until('a delivery', async () => (await received('swept')).length > 0 && received('swept'));
    // as if the queue had lost the message: pending, handed over 11 minutes ago, never heard of since
    await env.DB.prepare("UPDATE webhook_deliveries SET state = 'pending', queued_at = ? WHERE webhook_id = ?").bind(Date.now() - 11 * 60_000, hook.id).run();
    const ctx = createExecutionContext();
    await worker.scheduled!(createScheduledController({ cron: '*/5 * * * *' }), env as never, ctx);
    await waitOnExecutionContext(ctx);
    const log = await until('the delivery again', async () => {
      const l = await received('swept');
      return l.length >= 2 && l;
    });
    expect(log[1].headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(await verify(hook.secret, log[1].headers, log[1].body)).toBe(true);
  });

  it('send Slack-compatible messages, still signed', async () => {
    await subscribe('slack', ['release.killed', 'flag.changed'], 'slack');
    await flip('a', 'DISABLED');
    const [got] = await until('a Slack message', async () => (await received('slack')).length > 0 && received('slack'));
    expect(JSON.parse(got.body)).toEqual({ text: expect.stringMatching(/^Curtain · default\/development: bootstrap admin token changed flags \(a\)/) });
    expect(got.headers['webhook-signature']).toMatch(/^v1,/);
  });

  it('refuse a subscription to an unknown event or a URL that is not http(s)', async () => {
    expect((await admin('POST', `${P}/webhooks`, { url: receiverUrl('x'), events: ['flag.exploded'] })).status).toBe(400);
    expect((await admin('POST', `${P}/webhooks`, { url: 'ftp://receiver.test/x', events: ['flag.changed'] })).status).toBe(400);
    expect((await json(call('GET', `${P}/webhooks`, { token: 'nope' }))).status).toBe(401);
  });
});
