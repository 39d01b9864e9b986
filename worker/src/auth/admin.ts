// Admin authentication for /api/v1: the bootstrap token (CURTAIN_ADMIN_TOKEN) or a stored admin token.
import { eq } from 'drizzle-orm';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../context';
import { ApiError } from '../errors';
import { adminTokens } from '../store/schema';
import { digestsEqual, presentedCredential, sha256Hex } from './secrets';

const storedTokenPattern = /^crt_admin_([a-z0-9]{16})_[a-z0-9]{32}$/;

export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  const token = presentedCredential(c.req.raw.headers, false);
  if (!token) throw new ApiError('UNAUTHENTICATED', 'An admin token is required: Authorization: Bearer <token>');
  const presented = await sha256Hex(token);
  const bootstrap = c.env.CURTAIN_ADMIN_TOKEN;
  if (bootstrap && digestsEqual(presented, await sha256Hex(bootstrap))) {
    c.set('actor', { id: 'bootstrap', name: 'bootstrap admin token' });
    return next();
  }
  const m = storedTokenPattern.exec(token);
  if (m) {
    const row = await c.var.db.query.adminTokens.findFirst({ where: eq(adminTokens.id, m[1]) });
    if (row && !row.revokedAt && digestsEqual(presented, row.tokenHash)) {
      c.set('actor', { id: row.id, name: row.name });
      return next();
    }
  }
  throw new ApiError('UNAUTHENTICATED', 'The admin token is not valid');
});
