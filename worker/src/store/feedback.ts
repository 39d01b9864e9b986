// Feedback on releases: stored with the variants the edge served the user, limited per user and per SDK key in the
// same statement that writes it, listed newest first with counts, and read as a guardrail's window value.
import { and, desc, eq, lt, sql } from 'drizzle-orm';
import type { Db } from './db';
import { feedback, type FeedbackRating } from './schema';

export type FeedbackRow = typeof feedback.$inferSelect;

/** One feedback per user, release and this many ms (a sliding minute). */
export const FEEDBACK_USER_WINDOW_MS = 60_000;
/** At most this many feedbacks per SDK key in any minute, over all its releases and users. */
export const FEEDBACK_KEY_LIMIT_PER_MINUTE = 600;
/** At most this many feedbacks kept per release (docs/limits.md): past it, new feedback is refused. */
export const FEEDBACK_PER_RELEASE = 10_000;
/** Feedback older than this many days is deleted (FEEDBACK_RETENTION_DAYS overrides it). */
export const FEEDBACK_RETENTION_DAYS = 90;

export interface FeedbackInput {
  environmentId: string;
  releaseKey: string;
  sdkKeyId: string;
  userKey: string;
  rating: FeedbackRating;
  comment: string | null;
  context: Record<string, unknown>;
  variants: Record<string, string | null>;
  inside: boolean;
  /** whether the edge served this user inside the release (its record of users served, edge/exposures) */
  servedInside: boolean;
  /** a keyed hash of the client's address */
  source: string;
  /** feedback before this time (ms) is deleted first */
  keepFrom: number;
  at: number;
}

export type FeedbackOutcome = { ok: true; id: number } | { ok: false; refused: 'no-release' | 'user-limit' | 'key-limit' | 'release-full' };

/**
 * Writes the feedback unless the user sent one for this release in the last minute or the key is at its cap: one
 * statement, so that concurrent requests cannot both slip under a limit. When refused, says which limit.
 */
export async function recordFeedback(db: Db, f: FeedbackInput): Promise<FeedbackOutcome> {
  const userSince = f.at - FEEDBACK_USER_WINDOW_MS;
  const keySince = f.at - 60_000;
  // retention first (the release's index on time; on its own: it stands whatever the insert does), then the insert with its limits; counted only for a user served
  // inside, once per user and once per network source of the release
  const release = sql`(SELECT id FROM releases WHERE environment_id = ${f.environmentId} AND key = ${f.releaseKey})`;
  await db.run(sql`DELETE FROM feedback WHERE release_id = ${release} AND at < ${f.keepFrom}`);
  const inserted = await db.all<{ id: number }>(sql`
    INSERT INTO feedback (release_id, environment_id, sdk_key_id, user_key, rating, comment, context, variants, inside, counted, source, at)
    SELECT r.id, r.environment_id, ${f.sdkKeyId}, ${f.userKey}, ${f.rating}, ${f.comment}, ${JSON.stringify(f.context)}, ${JSON.stringify(f.variants)}, ${f.inside ? 1 : 0},
      CASE WHEN ${f.inside && f.servedInside ? 1 : 0} = 1 AND NOT EXISTS (SELECT 1 FROM feedback c WHERE c.release_id = r.id AND c.counted = 1 AND (c.user_key = ${f.userKey} OR c.source = ${f.source})) THEN 1 ELSE 0 END,
      ${f.source}, ${f.at}
    FROM releases r
    WHERE r.environment_id = ${f.environmentId} AND r.key = ${f.releaseKey}
      AND NOT EXISTS (SELECT 1 FROM feedback u WHERE u.release_id = r.id AND u.user_key = ${f.userKey} AND u.at > ${userSince})
      AND (SELECT count(*) FROM feedback k WHERE k.sdk_key_id = ${f.sdkKeyId} AND k.at > ${keySince}) < ${FEEDBACK_KEY_LIMIT_PER_MINUTE}
      AND (SELECT count(*) FROM feedback n WHERE n.release_id = r.id) < ${FEEDBACK_PER_RELEASE}
    RETURNING id`);
  if (inserted.length) return { ok: true, id: inserted[0].id };
  const [row] = await db.all<{ id: string; recent: number; held: number }>(sql`
    SELECT r.id, (SELECT count(*) FROM feedback u WHERE u.release_id = r.id AND u.user_key = ${f.userKey} AND u.at > ${userSince}) AS recent,
      (SELECT count(*) FROM feedback n WHERE n.release_id = r.id) AS held
    FROM releases r WHERE r.environment_id = ${f.environmentId} AND r.key = ${f.releaseKey}`);
  return { ok: false, refused: !row ? 'no-release' : row.recent > 0 ? 'user-limit' : row.held >= FEEDBACK_PER_RELEASE ? 'release-full' : 'key-limit' };
}

export const feedbackView = (r: FeedbackRow) => ({
  id: r.id,
  at: new Date(r.at).toISOString(),
  rating: r.rating,
  comment: r.comment,
  user: r.userKey,
  inside: r.inside,
  variants: r.variants,
  context: r.context,
});

type Counts = Record<FeedbackRating, number> & { total: number };
const zero = (): Counts => ({ total: 0, positive: 0, neutral: 0, negative: 0 });

/** A page of a release's feedback, newest first (`before`: the last id of the previous page), with counts over all of it. */
export async function listFeedback(db: Db, releaseId: string, page: { limit: number; before?: number }) {
  const [[rows, byRating], byVariant] = await Promise.all([
    db.batch([
      db
        .select()
        .from(feedback)
        .where(and(eq(feedback.releaseId, releaseId), page.before === undefined ? undefined : lt(feedback.id, page.before)))
        .orderBy(desc(feedback.id))
        .limit(page.limit + 1),
      db.select({ rating: feedback.rating, n: sql<number>`count(*)` }).from(feedback).where(eq(feedback.releaseId, releaseId)).groupBy(feedback.rating),
    ]),
    // json_each is not a table drizzle knows: a statement of its own
    db.all<{ flag: string; variant: string | null; rating: FeedbackRating; n: number }>(
      sql`SELECT j.key AS flag, j.value AS variant, f.rating AS rating, count(*) AS n FROM feedback f, json_each(f.variants) j WHERE f.release_id = ${releaseId} GROUP BY 1, 2, 3 ORDER BY 1, 2`,
    ),
  ]);
  const counts = zero();
  for (const r of byRating) {
    counts[r.rating] = r.n;
    counts.total += r.n;
  }
  const variants = new Map<string, { flag: string; variant: string | null } & Counts>();
  for (const r of byVariant) {
    const k = JSON.stringify([r.flag, r.variant]);
    const v = variants.get(k) ?? { flag: r.flag, variant: r.variant, ...zero() };
    v[r.rating] += r.n;
    v.total += r.n;
    variants.set(k, v);
  }
  const more = rows.length > page.limit;
  const items = rows.slice(0, page.limit);
  return {
    feedback: items.map(feedbackView),
    counts: { ...counts, byVariant: [...variants.values()] },
    nextBefore: more ? items[items.length - 1].id : null,
  };
}

/** The share of negative ratings that count (served inside, one per user and per source) in (from, to], and how many ratings it is over. */
export async function negativeShare(db: Db, releaseId: string, from: number, to: number): Promise<{ value: number | null; samples: number }> {
  const [w] = await db.all<{ samples: number; negatives: number | null }>(
    sql`SELECT count(*) AS samples, sum(rating = 'negative') AS negatives FROM feedback WHERE release_id = ${releaseId} AND counted = 1 AND at > ${from} AND at <= ${to}`,
  );
  return { value: w.samples > 0 ? (w.negatives ?? 0) / w.samples : null, samples: w.samples };
}

