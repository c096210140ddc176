import { and, eq, sql } from "drizzle-orm";
import type { Tx } from "../../db/client";
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
 * Counts one credit against a key's `creditLimit`, or throws 402 `key_credit_limit_reached`
 * (rolling back the caller's transaction). One conditional upsert: PostgreSQL locks the row, so
 * concurrent submissions in any number of processes queue and never pass the limit together.
 * Run it in the transaction that reserves the organization's credit.
 */
export async function takeKeyCredit(tx: Tx, keyId: string, limit: KeyCreditLimit, now: Date): Promise<void> {
  const { start, resetsAt } = creditPeriod(limit.period, now);
  const [taken] = await tx
    .insert(apiKeyCreditUsage)
    .values({ apiKeyId: keyId, periodStart: start, used: 1 })
    .onConflictDoUpdate({
      target: [apiKeyCreditUsage.apiKeyId, apiKeyCreditUsage.periodStart],
      set: { used: sql`${apiKeyCreditUsage.used} + 1` },
      setWhere: sql`${apiKeyCreditUsage.used} < ${limit.amount}`,
    })
    .returning({ used: apiKeyCreditUsage.used });
  if (taken) return;
  const [row] = await tx
    .select({ used: apiKeyCreditUsage.used })
    .from(apiKeyCreditUsage)
    .where(and(eq(apiKeyCreditUsage.apiKeyId, keyId), eq(apiKeyCreditUsage.periodStart, start)));
  const when = limit.period === "total" ? "in total" : `this ${limit.period}`;
  const reset = resetsAt ? `the limit resets at ${resetsAt.toISOString()}` : "the limit never resets";
  throw new ApiError(
    "key_credit_limit_reached",
    `This API key has reserved ${row?.used ?? limit.amount} of its ${limit.amount} credits ${when}; ${reset}. Raise the key's creditLimit in the dashboard or wait.`,
  );
}
