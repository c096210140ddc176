import type { Tx } from "../../db/client";
import { secondsUntilToken, takeToken, type BucketLimit } from "../../db/token-bucket";
import { ApiError } from "../../http/errors";

export type Limit = BucketLimit;
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
 * Takes a token from every limit, or from none: a refusal throws 429 (rolling back the caller's
 * transaction) with `Retry-After` and RateLimit-* headers. Returns the headers for a success.
 */
export async function consume(tx: Tx, limits: Limit[], now: Date): Promise<Record<string, string>> {
  const outcomes: Outcome[] = [];
  for (const limit of limits) {
    const outcome = await takeToken(tx, limit, now);
    if (!outcome.taken) {
      const retryAfter = secondsUntilToken(limit, outcome.tokens);
      const scope = limit.bucket.startsWith("project:") ? "this project" : "this API key (or session)";
      throw new ApiError(
        "rate_limited",
        `Too many jobs submitted for ${scope}: the limit is ${limit.perSecond} per second with bursts of ${limit.burst}. Retry in ${retryAfter} s.`,
        { "retry-after": String(retryAfter), ...rateLimitHeaders([{ limit, tokens: outcome.tokens }]) },
      );
    }
    outcomes.push({ limit, tokens: outcome.tokens });
  }
  return rateLimitHeaders(outcomes);
}
