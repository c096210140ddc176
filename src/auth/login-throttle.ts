import { and, desc, eq, gt, inArray, lt } from "drizzle-orm";
import type { Db } from "../db/client";
import { loginFailures } from "../db/schema";
import { ApiError } from "../http/errors";
import { newId } from "../ids";

export const MAX_FAILURES = 10;
export const WINDOW_MS = 15 * 60 * 1000;

/**
 * Failed logins are counted in the database per bucket (the account's email and the client
 * address), so the limit holds across server processes. Checked before the slow password hash.
 */
export async function assertLoginAllowed(db: Db, buckets: string[], now: Date): Promise<void> {
  for (const bucket of buckets) {
    // The 10th most recent failure in the window: the limit lifts when it leaves the window.
    const [tenth] = await db
      .select({ at: loginFailures.at })
      .from(loginFailures)
      .where(and(eq(loginFailures.bucket, bucket), gt(loginFailures.at, new Date(now.getTime() - WINDOW_MS))))
      .orderBy(desc(loginFailures.at))
      .offset(MAX_FAILURES - 1)
      .limit(1);
    if (tenth) {
      const retryAfter = Math.max(1, Math.ceil((tenth.at.getTime() + WINDOW_MS - now.getTime()) / 1000));
      throw new ApiError(
        "too_many_login_attempts",
        `Too many failed logins. Try again in ${Math.ceil(retryAfter / 60)} minute(s), or reset your password.`,
        { "retry-after": String(retryAfter) },
      );
    }
  }
}

export async function recordLoginFailure(db: Db, buckets: string[], now: Date): Promise<void> {
  await db.insert(loginFailures).values(buckets.map((bucket) => ({ id: newId(now), bucket, at: now })));
  // Keep the table small: rows older than the window no longer count.
  await db
    .delete(loginFailures)
    .where(and(inArray(loginFailures.bucket, buckets), lt(loginFailures.at, new Date(now.getTime() - WINDOW_MS))));
}

/** A successful login clears the account's count (not the address's: others may share it). */
export async function clearAccountFailures(db: Db, accountBucket: string): Promise<void> {
  await db.delete(loginFailures).where(eq(loginFailures.bucket, accountBucket));
}
