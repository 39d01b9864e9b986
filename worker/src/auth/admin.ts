// Admin authentication for /api/v1: the bootstrap token (CURTAIN_ADMIN_TOKEN), a stored admin token with its role,
// or a person signed in through Cloudflare Access (auth/access.ts). A bearer token wins over an Access assertion
// (a pipeline behind Access sends both); without either the caller is refused.
import { eq } from 'drizzle-orm';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../context';
import { ApiError } from '../errors';
import { adminTokens } from '../store/schema';
import { ACCESS_HEADER, accessConfig, personCaller, verifiedEmail } from './access';
import { BOOTSTRAP, type Caller } from './caller';
import { digestsEqual, presentedCredential, sha256Hex } from './secrets';

const storedTokenPattern = /^crt_admin_([a-z0-9]{16})_[a-z0-9]{32}$/;

async function tokenCaller(c: Parameters<Parameters<typeof createMiddleware<AppEnv>>[0]>[0], token: string): Promise<Caller> {
  const presented = await sha256Hex(token);
  const bootstrap = c.env.CURTAIN_ADMIN_TOKEN;
  if (bootstrap && digestsEqual(presented, await sha256Hex(bootstrap))) return BOOTSTRAP;
  const m = storedTokenPattern.exec(token);
  if (m) {
    const row = await c.var.db.query.adminTokens.findFirst({ where: eq(adminTokens.id, m[1]) });
    if (row && !row.revokedAt && digestsEqual(presented, row.tokenHash)) {
      if (row.expiresAt !== null && row.expiresAt <= Date.now()) throw new ApiError('UNAUTHENTICATED', `The admin token '${row.name}' expired at ${new Date(row.expiresAt).toISOString()}`);
      return { id: row.id, name: row.name, kind: 'token', grants: [{ role: row.role, projects: row.projects ?? null, environments: row.environments ?? null }] };
    }
  }
  throw new ApiError('UNAUTHENTICATED', 'The admin token is not valid');
}

export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  const token = presentedCredential(c.req.raw.headers, false);
  if (token) {
    c.set('actor', await tokenCaller(c, token));
    return next();
  }
  const access = accessConfig(c.env);
  const assertion = c.req.header(ACCESS_HEADER);
  if (access && assertion) {
    c.set('actor', await personCaller(c.var.db, await verifiedEmail(access, assertion)));
    return next();
  }
  throw new ApiError('UNAUTHENTICATED', access ? 'Sign in through Cloudflare Access, or send an admin token: Authorization: Bearer <token>' : 'An admin token is required: Authorization: Bearer <token>');
});
