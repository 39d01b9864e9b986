// GET /v1/releases.atom?token=…: the Atom feed of one environment's releases. Caller: a feed token of that
// environment (read-only; it reads this feed and nothing else, and nothing else reads the feed).
import { Hono } from 'hono';
import type { AppEnv } from '../context';
import { atomFeed } from '../edge/atom-feed';
import { matchesEtag } from '../edge/evaluate';
import { openDb } from '../store/db';
import { feedTokenScope } from '../store/feed-tokens';
import { listReleases } from '../store/releases';

export const feedRoutes = new Hono<AppEnv>().get('/releases.atom', async (c) => {
  const db = openDb(c.env.DB);
  const scope = await feedTokenScope(db, c.req.query('token'));
  if (!scope) return c.json({ errorCode: 'UNAUTHENTICATED', errorDetails: 'A valid feed token is required: /v1/releases.atom?token=<feed token>' }, 401);
  const { text, etag } = atomFeed(scope.project, scope.env, await listReleases(db, scope.env), Date.now());
  // the token is in the URL: keep the page's links from passing it on
  const headers = { 'content-type': 'application/atom+xml; charset=utf-8', etag, 'cache-control': 'private, max-age=60', 'referrer-policy': 'no-referrer' };
  if (matchesEtag(c.req.header('if-none-match') ?? null, etag)) return c.body(null, 304, headers);
  return c.body(text, 200, headers);
});
