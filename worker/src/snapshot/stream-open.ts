// Opening a change stream from the worker: the relay is picked near the client (its region) and at random
// among the relays the channel spreads that region's streams over; a full relay sends the worker to another.
import type { Bindings } from '../bindings';
import { busyRetryAfterS, RELAY_FULL_HEADER, RELAY_SHARDS_HEADER } from './stream-protocol';

/** Relays tried for one stream before it is answered 503 with Retry-After. */
const ATTEMPTS = 4;

/** How many relays each environment's region spreads its streams over, as the last relay answer said. */
const shardHints = new Map<string, number>();

/**
 * The region of a client, from the location that received its request, and the Durable Object location hint
 * that places a relay there (created near its first client). Locally (no `cf`) every client is in `any`.
 */
export function clientRegion(cf: IncomingRequestCfProperties | undefined): { region: string; hint?: DurableObjectLocationHint } {
  const continent = cf?.continent;
  const longitude = Number(cf?.longitude);
  switch (continent) {
    case 'NA':
      return longitude < -100 ? { region: 'wnam', hint: 'wnam' } : { region: 'enam', hint: 'enam' };
    case 'SA':
      return { region: 'sam', hint: 'sam' };
    case 'EU':
      return longitude > 20 ? { region: 'eeur', hint: 'eeur' } : { region: 'weur', hint: 'weur' };
    case 'AF':
      return { region: 'afr', hint: 'afr' };
    case 'AS':
      return longitude < 60 ? { region: 'me', hint: 'me' } : { region: 'apac', hint: 'apac' };
    case 'OC':
    case 'AN':
      return { region: 'oc', hint: 'oc' };
    default:
      return { region: 'any' };
  }
}

/** A random index in [0, shards) not tried yet; when all were, the next relay past them. */
function pick(shards: number, tried: ReadonlySet<number>): number {
  const free = shards - [...tried].filter((i) => i < shards).length;
  if (free <= 0) {
    let i = shards;
    while (tried.has(i)) i++;
    return i;
  }
  let k = Math.floor(Math.random() * free);
  for (let i = 0; ; i++) if (!tried.has(i) && k-- === 0) return i;
}

/**
 * The stream of `keyId` (null: the dashboard's) in an environment, from one of its relays; `request` is the
 * client's (its region, its Last-Event-ID). The caller has checked who may open it.
 */
export async function openStream(env: Bindings, environmentId: string, keyId: string | null, request: Request): Promise<Response> {
  const { region, hint } = clientRegion(request.cf as IncomingRequestCfProperties | undefined);
  const slot = `${environmentId}:${region}`;
  let shards = shardHints.get(slot) ?? 1;
  const tried = new Set<number>();
  const headers = new Headers();
  const lastEventId = request.headers.get('last-event-id');
  if (lastEventId) headers.set('last-event-id', lastEventId);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const index = pick(shards, tried);
    const name = `${slot}:${index}`;
    const relay = env.RELAYS.get(env.RELAYS.idFromName(name), hint ? { locationHint: hint } : undefined);
    const url = `https://relay/stream?environment=${environmentId}&relay=${encodeURIComponent(name)}${keyId === null ? '' : `&key=${keyId}`}`;
    const res = await relay.fetch(new Request(url, { headers }));
    const told = Number(res.headers.get(RELAY_SHARDS_HEADER));
    const full = res.headers.has(RELAY_FULL_HEADER);
    // a relay that admitted a stream has just heard from the channel; a full one may have heard long ago, so
    // its word may raise the spread but never lower it
    if (Number.isSafeInteger(told) && told > 0) shardHints.set(slot, (shards = full ? Math.max(shards, told) : told));
    if (!full) {
      if (!res.headers.has(RELAY_SHARDS_HEADER)) return res;
      const answer = new Response(res.body, res);
      answer.headers.delete(RELAY_SHARDS_HEADER);
      return answer;
    }
    tried.add(index);
    shards = Math.max(shards, index + 2);
  }
  return new Response(null, { status: 503, headers: { 'retry-after': String(busyRetryAfterS()), 'cache-control': 'no-store' } });
}
