import { and, eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { apiKeyCreditUsage, type KeyCreditLimit } from "../../db/schema";
import { ApiError } from "../../http/errors";

/** The start of the period `now` falls in (UTC), and when the next one starts (null: never). */
export function creditPeriod(period: KeyCreditLimit["period"], now: Date): { start: Date; resetsAt: Date | null } {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  if (period === "day") {
    const start = new Date(Date.UTC(y, m, now.getUTCDate()));
    return { start, resetsAt: new Date(start.getTime() + 86_400_000) };
  }
  if (period === "month") return { start: new Date(Date.UTC(y, m, 1)), resetsAt: new Date(Date.UTC(y, m + 1, 1)) };
  return { start: new Date(0), resetsAt: null };
}

/**
 * The 402 for a submission the key's `creditLimit` refused (the submit statement counts the jobs
 * against it, src/modules/jobs/submit-statement.ts): what the key used, its limit and when it resets.
 */
export async function keyCreditLimitError(db: Db, keyId: string, limit: KeyCreditLimit, now: Date): Promise<ApiError> {
  const { start, resetsAt } = creditPeriod(limit.period, now);
  const [row] = await db
    .select({ used: apiKeyCreditUsage.used })
    .from(apiKeyCreditUsage)
    .where(and(eq(apiKeyCreditUsage.apiKeyId, keyId), eq(apiKeyCreditUsage.periodStart, start)));
  const when = limit.period === "total" ? "in total" : `this ${limit.period}`;
  const reset = resetsAt ? `the limit resets at ${resetsAt.toISOString()}` : "the limit never resets";
  return new ApiError(
    "key_credit_limit_reached",
    `This API key has reserved ${row?.used ?? 0} of its ${limit.amount} credits ${when}; ${reset}. Raise the key's creditLimit in the dashboard or wait.`,
  );
}
