// The internet the worker sees in tests (Miniflare's outboundService, run in Node): a Cloudflare Access team's key set
// (a key pair made here; the tests sign with its private key, and with another key the set does not hold) and webhook
// receivers that the tests steer (down for N requests, or until told) and read back. Nothing leaves the machine.
import { exportJWK, generateKeyPair } from 'jose';

export const ACCESS_TEAM_DOMAIN = 'https://curtain-test.cloudflareaccess.test';
export const ACCESS_AUD = 'curtain-test-audience';

const signing = await generateKeyPair('RS256', { extractable: true });
const stranger = await generateKeyPair('RS256', { extractable: true });
const publicJwk = { ...(await exportJWK(signing.publicKey)), kid: 'team-key-1', alg: 'RS256', use: 'sig' };
/** Private keys for the tests to sign with: the team's, and one the team's key set does not hold. */
export const testKeys = {
  team: JSON.stringify({ ...(await exportJWK(signing.privateKey)), kid: 'team-key-1', alg: 'RS256' }),
  stranger: JSON.stringify({ ...(await exportJWK(stranger.privateKey)), kid: 'team-key-1', alg: 'RS256' }),
};

interface Receiver {
  /** answer 503 to this many requests, then 200 */
  failures: number;
  /** answer 503 until told otherwise */
  down: boolean;
  log: { headers: Record<string, string>; body: string; status: number }[];
}
const receivers = new Map<string, Receiver>();
const receiver = (id: string) => {
  let r = receivers.get(id);
  if (!r) receivers.set(id, (r = { failures: 0, down: false, log: [] }));
  return r;
};

export async function fakeInternet(request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (url.origin === ACCESS_TEAM_DOMAIN && url.pathname === '/cdn-cgi/access/certs') return Response.json({ keys: [publicJwk] });
  if (url.host === 'receiver.test') {
    const [, id, control] = url.pathname.split('/');
    const r = receiver(id);
    if (control === '_control') {
      Object.assign(r, await request.json());
      return Response.json({ ok: true });
    }
    if (control === '_log') return Response.json(r.log);
    const status = r.down || r.failures > 0 ? 503 : 200;
    if (r.failures > 0) r.failures--;
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => (headers[name] = value));
    r.log.push({ headers, body: await request.text(), status });
    return new Response(status === 200 ? 'ok' : 'unavailable', { status });
  }
  return new Response('no such host in the test internet', { status: 502 });
}
