import type { Tx } from "../db/client";
import { type BucketLimit, secondsUntilToken, takeToken } from "../db/token-bucket";
import { ApiError } from "../http/errors";

/** A token bucket (src/db/token-bucket.ts) with the 429 message, told how many seconds until a token is back. */
export type Limit = BucketLimit & { refusal: (retryAfterSeconds: number) => string };
export type Outcome = { limit: Limit; tokens: number };

/** RateLimit-* headers (IETF draft) for the limit closest to running out. */
export function rateLimitHeaders(outcomes: Outcome[]): Record<string, string> {
  const tightest = outcomes.reduce((a, b) => (b.tokens / b.limit.burst < a.tokens / a.limit.burst ? b : a));
  const { burst, perSecond } = tightest.limit;
  return {
    "ratelimit-limit": String(burst),
    "ratelimit-remaining": String(Math.max(0, Math.floor(tightest.tokens))),
    "ratelimit-reset": String(Math.max(0, Math.ceil((burst - tightest.tokens) / perSecond))),
  };
}

/**
 * Takes a token from every limit, or from none: a refusal throws 429 (rolling back the caller's
 * transaction) with `Retry-After` and RateLimit-* headers. Returns the headers for a success.
 */
export async function consume(tx: Tx, limits: Limit[], now: Date): Promise<Record<string, string>> {
  const outcomes: Outcome[] = [];
  for (const limit of limits) {
    const outcome = await takeToken(tx, limit, now);
    if (!outcome.taken) throw refusal(limit, outcome.tokens);
    outcomes.push({ limit, tokens: outcome.tokens });
  }
  return rateLimitHeaders(outcomes);
}

/** The 429 for a limit whose bucket holds `tokens` (less than one), with `Retry-After` and RateLimit-* headers. */
export function refusal(limit: Limit, tokens: number): ApiError {
  const retryAfter = secondsUntilToken(limit, tokens);
  return new ApiError("rate_limited", limit.refusal(retryAfter), {
    "retry-after": String(retryAfter),
    ...rateLimitHeaders([{ limit, tokens }]),
  });
}
