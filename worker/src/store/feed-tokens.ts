// Feed tokens: read-only, one environment each, for its Atom feed of releases; stored as SHA-256, shown once.
import { and, desc, eq, isNull } from 'drizzle-orm';
import { digestsEqual, randomId, sha256Hex } from '../auth/secrets';
import { notFound } from '../errors';
import { auditInsert, type AuditActor } from './audit';
import type { Db, EnvironmentRow, ProjectRow } from './db';
import { environments, feedTokens, projects } from './schema';

export type FeedTokenRow = typeof feedTokens.$inferSelect;

/**
 * `crt_feed_<environmentId>_<tokenId>_<secret>`: the ids find the row without a scan; the 32-character secret
 * carries ~165 bits. A token of its own kind, so that no other route takes it (admin tokens are `crt_admin_…`,
 * SDK keys `crt_s_…` and `crt_c_…`).
 */
const TOKEN = /^crt_feed_([a-z0-9]{16})_([a-z0-9]{16})_[a-z0-9]{32}$/;
export const feedTokenPrefix = (environmentId: string, id: string) => `crt_feed_${environmentId}_${id}`;

export const feedUrl = (secret: string) => `/v1/releases.atom?token=${secret}`;

export const feedTokenView = (t: FeedTokenRow) => ({
  id: t.id,
  name: t.name,
  prefix: t.prefix,
  createdAt: new Date(t.createdAt).toISOString(),
  revokedAt: t.revokedAt ? new Date(t.revokedAt).toISOString() : null,
});

const tokenResource = (project: ProjectRow, env: EnvironmentRow, id: string) => `projects/${project.key}/environments/${env.key}/feed-tokens/${id}`;

export async function listFeedTokens(db: Db, env: EnvironmentRow) {
  const rows = await db.select().from(feedTokens).where(eq(feedTokens.environmentId, env.id)).orderBy(desc(feedTokens.createdAt));
  return rows.map(feedTokenView);
}

export async function createFeedToken(db: Db, actor: AuditActor, project: ProjectRow, env: EnvironmentRow, input: { name: string }) {
  const id = randomId();
  const secret = `${feedTokenPrefix(env.id, id)}_${randomId(32)}`;
  const now = Date.now();
  const row: FeedTokenRow = { id, projectId: project.id, environmentId: env.id, name: input.name, tokenHash: await sha256Hex(secret), prefix: feedTokenPrefix(env.id, id), createdAt: now, revokedAt: null };
  const view = feedTokenView(row);
  await db.batch([db.insert(feedTokens).values(row), auditInsert(db, { actor, action: 'feed-token.create', projectId: project.id, environmentId: env.id, resource: tokenResource(project, env, id), after: view }, now)]);
  return { ...view, secret, url: feedUrl(secret) };
}

export async function revokeFeedToken(db: Db, actor: AuditActor, project: ProjectRow, env: EnvironmentRow, id: string) {
  const row = await db.query.feedTokens.findFirst({ where: and(eq(feedTokens.id, id), eq(feedTokens.environmentId, env.id)) });
  if (!row) throw notFound(`Feed token '${id}'`);
  if (row.revokedAt) return;
  const now = Date.now();
  await db.batch([
    db.update(feedTokens).set({ revokedAt: now }).where(eq(feedTokens.id, id)),
    auditInsert(db, { actor, action: 'feed-token.revoke', projectId: project.id, environmentId: env.id, resource: tokenResource(project, env, id), before: feedTokenView(row), after: feedTokenView({ ...row, revokedAt: now }) }, now),
  ]);
}

/**
 * The environment (and its project) that a presented feed token reads, or null: unknown, malformed, revoked, or
 * naming an environment that is not its own. Compared by SHA-256 digest in constant time, as SDK keys and admin
 * tokens are.
 */
export async function feedTokenScope(db: Db, token: string | null | undefined): Promise<{ project: ProjectRow; env: EnvironmentRow } | null> {
  const m = token ? TOKEN.exec(token) : null;
  if (!token || !m) return null;
  const presented = await sha256Hex(token);
  const row = await db.query.feedTokens.findFirst({ where: and(eq(feedTokens.id, m[2]), isNull(feedTokens.revokedAt)) });
  if (!row || !digestsEqual(presented, row.tokenHash) || row.environmentId !== m[1]) return null;
  const [env, project] = await Promise.all([
    db.query.environments.findFirst({ where: eq(environments.id, row.environmentId) }),
    db.query.projects.findFirst({ where: eq(projects.id, row.projectId) }),
  ]);
  return env && project ? { project, env } : null;
}
