// People through Cloudflare Access: the `Cf-Access-Jwt-Assertion` JWT verified against the team's keys (jose), its
// email mapped to a person and their roles. On only when ACCESS_TEAM_DOMAIN and ACCESS_AUD are set.
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { eq } from 'drizzle-orm';
import type { Bindings } from '../bindings';
import { ApiError } from '../errors';
import type { Db } from '../store/db';
import { people } from '../store/schema';
import type { Caller } from './caller';

export const ACCESS_HEADER = 'cf-access-jwt-assertion';

/** One key set per team domain and isolate: jose caches the keys and refetches on an unknown key id (rotation). */
const keySets = new Map<string, JWTVerifyGetKey>();
function keySet(teamDomain: string): JWTVerifyGetKey {
  let set = keySets.get(teamDomain);
  if (!set) {
    set = createRemoteJWKSet(new URL('/cdn-cgi/access/certs', teamDomain), { cooldownDuration: 30_000, timeoutDuration: 5_000 });
    keySets.set(teamDomain, set);
  }
  return set;
}

export interface AccessConfig {
  teamDomain: string;
  audience: string;
}

/** Access's settings, or null when Curtain is not behind Access (tokens only). */
export function accessConfig(env: Bindings): AccessConfig | null {
  const teamDomain = env.ACCESS_TEAM_DOMAIN?.replace(/\/+$/, '');
  const audience = env.ACCESS_AUD;
  return teamDomain && audience ? { teamDomain, audience } : null;
}

const refused = (why: string) => new ApiError('UNAUTHENTICATED', `The Cloudflare Access assertion was refused: ${why}`);

/** The email the assertion names, verified (signature by the team's keys, issuer, audience, expiry); 401 otherwise. */
export async function verifiedEmail(config: AccessConfig, assertion: string): Promise<string> {
  let payload;
  try {
    ({ payload } = await jwtVerify(assertion, keySet(config.teamDomain), { issuer: config.teamDomain, audience: config.audience, algorithms: ['RS256'], clockTolerance: 30 }));
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    const why: Record<string, string> = {
      ERR_JWT_EXPIRED: 'it has expired',
      ERR_JWT_CLAIM_VALIDATION_FAILED: 'it is not for this application (audience or issuer)',
      ERR_JWKS_NO_MATCHING_KEY: 'it is not signed by a key of the team',
      ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'its signature does not verify',
      ERR_JWKS_TIMEOUT: 'the team’s keys could not be fetched',
    };
    throw refused(why[code] ?? 'it is not a valid Access token');
  }
  if (typeof payload.email !== 'string' || !payload.email) throw refused('it names no person (a service token: use an admin token with it)');
  return payload.email.toLowerCase();
}

/** The person the email names, with their roles; a person Curtain does not know yet holds none (only /me answers). */
export async function personCaller(db: Db, email: string): Promise<Caller> {
  const row = await db.query.people.findFirst({ where: eq(people.email, email) });
  return { id: row ? `person:${row.id}` : `person:${email}`, name: row?.name || email, kind: 'person', email, grants: row?.grants ?? [] };
}
