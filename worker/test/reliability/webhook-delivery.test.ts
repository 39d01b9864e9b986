// Webhook deliveries under a flaky receiver: a burst of writes of every kind that announces events (flag changes,
// a deployment, a release's actions, a change request's life), while the receiver answers 503 at random and then is
// down for a while. Every event the audit log announces must arrive, signed, at least once: lost = 0.
import { beforeAll, describe, expect, it } from 'vitest';
import { env } from 'cloudflare:test';
import { call, json } from '../helpers';
import { admin } from '../release-helpers';
import { eventsOf } from '../../src/webhooks/events';

const P = '/api/v1/projects/default';
const DEV = `${P}/environments/development`;
const url = 'http://receiver.test/reliability';
type Received = { headers: Record<string, string>; body: string; status: number };
const received = async (): Promise<Received[]> => (await fetch(`${url}/_log`)).json();
const steer = (state: object) => fetch(`${url}/_control`, { method: 'POST', body: JSON.stringify(state) });

async function verify(secret: string, h: Record<string, string>, body: string) {
  const key = await crypto.subtle.importKey('raw', Uint8Array.from(atob(secret.slice(6)), (c) => c.charCodeAt(0)), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  const mac = Uint8Array.from(atob(h['webhook-signature'].split(',')[1]), (c) => c.charCodeAt(0));
  return crypto.subtle.verify('HMAC', key, mac, new TextEncoder().encode(`${h['webhook-id']}.${h['webhook-timestamp']}.${body}`));
}

let secret = '';
let since = 0;
beforeAll(async () => {
  await admin('POST', '/api/v1/bootstrap', {});
  const hook = await admin('POST', `${P}/webhooks`, { url, events: ['flag.changed', 'deployment.recorded', 'release.started', 'release.paused', 'release.resumed', 'release.killed', 'change_request.opened', 'change_request.approved', 'change_request.applied'] });
  secret = hook.body.secret;
  since = (await env.DB.prepare('SELECT coalesce(max(id), 0) AS n FROM audit_log').first<{ n: number }>())!.n;
});

describe('webhook deliveries', { timeout: 120_000 }, () => {
  it('lose no event through random failures and an outage', async (ctx) => {
    await steer({ failures: 3 });
    for (let i = 0; i < 8; i++) await admin('POST', `${P}/flags`, { key: `f${i}` });
    await steer({ down: true });
    for (let i = 0; i < 8; i++) await admin('PATCH', `${DEV}/flags/f${i}`, { state: 'ENABLED' });
    await admin('POST', `${DEV}/deployments`, { version: '1', flags: ['f0'] });
    await admin('POST', `${DEV}/releases`, { key: 'r', name: 'R', flags: ['f1'], plan: { steps: [{ percent: 50, holdMinutes: 60 }] } });
    await admin('PATCH', `${DEV}/flags/f1`, { state: 'DISABLED' });
    for (const action of ['start', 'pause', 'resume', 'kill']) await admin('POST', `${DEV}/releases/r/${action}?force=true`);
    const editor = (await admin('POST', '/api/v1/admin-tokens', { name: 'editor', role: 'editor' })).body.secret;
    const reviewer = (await admin('POST', '/api/v1/admin-tokens', { name: 'reviewer', role: 'editor' })).body.secret;
    const held = await json(call('PATCH', `${P}/environments/production/flags/f2`, { token: editor, body: { targeting: null } }));
    await json(call('POST', `${P}/change-requests/${held.body.changeRequest.id}/approve`, { token: reviewer, body: {} }));
    await json(call('POST', `${P}/change-requests/${held.body.changeRequest.id}/apply`, { token: editor }));
    await new Promise((r) => setTimeout(r, 1500));
    await steer({ down: false, failures: 2 });

    const entries = (await env.DB.prepare('SELECT * FROM audit_log WHERE id > ? ORDER BY id').bind(since).all<any>()).results;
    const wanted = new Set(['flag.changed', 'deployment.recorded', 'release.started', 'release.paused', 'release.resumed', 'release.killed', 'change_request.opened', 'change_request.approved', 'change_request.applied']);
    const events = entries.reduce((n, e) => n + eventsOf({ ...e, actorId: e.actor_id, before: JSON.parse(e.before ?? 'null'), after: JSON.parse(e.after ?? 'null'), flags: JSON.parse(e.flags ?? 'null') }).filter((t) => wanted.has(t)).length, 0);
    const deadline = Date.now() + 60_000;
    let delivered = new Set<string>();
    while (Date.now() < deadline) {
      delivered = new Set((await received()).filter((r) => r.status === 200).map((r) => r.headers['webhook-id']));
      if (delivered.size >= events) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const log = await received();
    const unsigned = (await Promise.all(log.map((r) => verify(secret, r.headers, r.body)))).filter((ok) => !ok).length;
    ctx.task.meta.reliability = { kind: 'webhooks', events, delivered: delivered.size, lost: events - delivered.size, attempts: log.length };
    expect(events).toBeGreaterThan(25);
    expect(unsigned).toBe(0);
    expect(delivered.size).toBe(events);
  });
});
