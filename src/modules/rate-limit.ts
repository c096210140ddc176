import { eq, sql } from "drizzle-orm";
import type { Tx } from "../db/client";
import { rateLimitBuckets } from "../db/schema";
import { ApiError } from "../http/errors";

/**
 * A token bucket: `burst` tokens, refilled at `perSecond`. `refusal` is the 429 message, told how
 * many seconds until a token is back.
 */
export type Limit = { bucket: string; perSecond: number; burst: number; refusal: (retryAfterSeconds: number) => string };
type Outcome = { limit: Limit; tokens: number };

/** RateLimit-* headers (IETF draft) for the limit closest to running out. */
function rateLimitHeaders(outcomes: Outcome[]): Record<string, string> {
  const tightest = outcomes.reduce((a, b) => (b.tokens / b.limit.burst < a.tokens / a.limit.burst ? b : a));
  const { burst, perSecond } = tightest.limit;
  return {
    "ratelimit-limit": String(burst),
    "ratelimit-remaining": String(Math.max(0, Math.floor(tightest.tokens))),
    "ratelimit-reset": String(Math.max(0, Math.ceil((burst - tightest.tokens) / perSecond))),
  };
}

/**
 * Takes one token from a bucket that refills at `perSecond` up to `burst`. The refill, the check
 * and the decrement are one upsert on a row PostgreSQL locks, so the limit holds across processes.
 */
async function take(tx: Tx, limit: Limit, now: Date): Promise<Outcome | { refused: Outcome }> {
  const at = sql`${now.toISOString()}::timestamptz`;
  const elapsed = sql`greatest(0, extract(epoch from (${at} - ${rateLimitBuckets.updatedAt})))`;
  const refilled = sql`least(${limit.burst}::float8, ${rateLimitBuckets.tokens} + ${elapsed} * ${limit.perSecond}::float8)`;
  const [taken] = await tx
    .insert(rateLimitBuckets)
    .values({ bucket: limit.bucket, tokens: limit.burst - 1, updatedAt: now })
    .onConflictDoUpdate({
      target: rateLimitBuckets.bucket,
      set: { tokens: sql`${refilled} - 1`, updatedAt: sql`greatest(${rateLimitBuckets.updatedAt}, ${at})` },
      setWhere: sql`${refilled} >= 1`,
    })
    .returning({ tokens: rateLimitBuckets.tokens });
  if (taken) return { limit, tokens: taken.tokens };
  const [row] = await tx.select().from(rateLimitBuckets).where(eq(rateLimitBuckets.bucket, limit.bucket));
  const idleSeconds = Math.max(0, (now.getTime() - (row?.updatedAt.getTime() ?? now.getTime())) / 1000);
  return { refused: { limit, tokens: Math.min(limit.burst, (row?.tokens ?? 0) + idleSeconds * limit.perSecond) } };
}

/**
 * Takes a token from every limit, or from none: a refusal throws 429 (rolling back the caller's
 * transaction) with `Retry-After` and RateLimit-* headers. Returns the headers for a success.
 */
export async function consume(tx: Tx, limits: Limit[], now: Date): Promise<Record<string, string>> {
  const outcomes: Outcome[] = [];
  for (const limit of limits) {
    const outcome = await take(tx, limit, now);
    if ("refused" in outcome) {
      const { tokens } = outcome.refused;
      const retryAfter = Math.max(1, Math.ceil((1 - tokens) / limit.perSecond));
      throw new ApiError("rate_limited", limit.refusal(retryAfter), {
        "retry-after": String(retryAfter),
        ...rateLimitHeaders([outcome.refused]),
      });
    }
    outcomes.push(outcome);
  }
  return rateLimitHeaders(outcomes);
}
