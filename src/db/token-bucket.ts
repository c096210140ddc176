import { eq, lt, sql } from "drizzle-orm";
import type { Db, Tx } from "./client";
import { rateLimitBuckets } from "./schema";

/** A bucket that holds at most `burst` tokens and regains `perSecond` of them per second. */
export type BucketLimit = { bucket: string; perSecond: number; burst: number };

/** What a bucket holds after a take, or, when refused, what it holds now. */
export type Taken = { taken: true; tokens: number } | { taken: false; tokens: number };

const at = (now: Date) => sql`${now.toISOString()}::timestamptz`;
const refilled = (limit: BucketLimit, now: Date) =>
  sql`least(${limit.burst}::float8, ${rateLimitBuckets.tokens} + greatest(0, extract(epoch from (${at(now)} - ${rateLimitBuckets.updatedAt}))) * ${limit.perSecond}::float8)`;

/**
 * Takes one token. The refill, the check and the decrement are one upsert on a row PostgreSQL
 * locks until the caller's transaction ends, so concurrent takes, in any number of processes,
 * never hand out more tokens than the bucket holds.
 */
export async function takeToken(tx: Tx, limit: BucketLimit, now: Date): Promise<Taken> {
  const [taken] = await tx
    .insert(rateLimitBuckets)
    .values({ bucket: limit.bucket, tokens: limit.burst - 1, updatedAt: now })
    .onConflictDoUpdate({
      target: rateLimitBuckets.bucket,
      set: { tokens: sql`${refilled(limit, now)} - 1`, updatedAt: sql`greatest(${rateLimitBuckets.updatedAt}, ${at(now)})` },
      setWhere: sql`${refilled(limit, now)} >= 1`,
    })
    .returning({ tokens: rateLimitBuckets.tokens });
  if (taken) return { taken: true, tokens: taken.tokens };
  return { taken: false, tokens: await tokensIn(tx, limit, now) };
}

/**
 * Deletes the buckets nobody took from since `before`. A missing row reads as a full bucket, and
 * an idle one is full by then: every built-in limit refills within an hour, so a week of silence
 * leaves only a key's own `rateLimit` slower than a burst per week (an edge a key owner would set
 * on purpose) getting its burst back early.
 */
export async function pruneIdleBuckets(db: Db, before: Date): Promise<void> {
  await db.delete(rateLimitBuckets).where(lt(rateLimitBuckets.updatedAt, before));
}

/** What a bucket holds now, refilled for the time since it was last taken from (a full bucket if it has no row). */
export async function tokensIn(db: Db | Tx, limit: BucketLimit, now: Date): Promise<number> {
  const [row] = await db.select().from(rateLimitBuckets).where(eq(rateLimitBuckets.bucket, limit.bucket));
  if (!row) return limit.burst;
  const idleSeconds = Math.max(0, (now.getTime() - row.updatedAt.getTime()) / 1000);
  return Math.min(limit.burst, row.tokens + idleSeconds * limit.perSecond);
}

/** Puts back a token taken earlier (never above `burst`); for a take that turned out not to count. */
export async function returnToken(db: Db, limit: BucketLimit): Promise<void> {
  await db
    .update(rateLimitBuckets)
    .set({ tokens: sql`least(${limit.burst}::float8, ${rateLimitBuckets.tokens} + 1)` })
    .where(eq(rateLimitBuckets.bucket, limit.bucket));
}

/** Whole seconds until a bucket holding `tokens` has one to give. */
export const secondsUntilToken = (limit: BucketLimit, tokens: number) => Math.max(1, Math.ceil((1 - tokens) / limit.perSecond));
