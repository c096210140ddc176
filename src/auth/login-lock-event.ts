import { and, eq, isNull, lt, or } from "drizzle-orm";
import { type AuditContext, recordAuditEvent, SYSTEM } from "../audit/record";
import type { Db } from "../db/client";
import { memberships, organizations, rateLimitBuckets, users } from "../db/schema";

/** Which of the login limits locked (src/auth/login-throttle.ts). */
export type LockScope = "account_at_address" | "account" | "address";

/** The bucket's lock is not recorded yet: no refusal has set `lockedAt` since the last take. */
const lockUnrecorded = (bucket: string) =>
  and(
    eq(rateLimitBuckets.bucket, bucket),
    or(isNull(rateLimitBuckets.lockedAt), lt(rateLimitBuckets.lockedAt, rateLimitBuckets.updatedAt)),
  );

/**
 * Records `session.login_failed_locked` once per lock, not once per refused attempt: the bucket's
 * `lockedAt` is set by the first refusal after a take (a take moves `updatedAt`), and only the
 * refusal whose conditional update wins writes the event, in the same transaction. The event goes
 * to the personal organization of the account whose email was tried; an email with no account
 * locks all the same, but writes nothing (no organization could read it).
 *
 * A refusal during a lock already recorded costs one read: a guesser keeps knocking on a locked
 * bucket, and neither a transaction nor a row lock is needed to learn there is nothing to record.
 */
export async function recordLoginLock(
  db: Db,
  lock: { bucket: string; scope: LockScope; email: string; retryAfterSeconds: number },
  context: AuditContext,
  now: Date,
): Promise<void> {
  const [unrecorded] = await db.select({ bucket: rateLimitBuckets.bucket }).from(rateLimitBuckets).where(lockUnrecorded(lock.bucket));
  if (!unrecorded) return;
  await db.transaction(async (tx) => {
    // The read above may race another refusal's record: this update is what decides which one writes.
    const [first] = await tx
      .update(rateLimitBuckets)
      .set({ lockedAt: now })
      .where(lockUnrecorded(lock.bucket))
      .returning({ bucket: rateLimitBuckets.bucket });
    if (!first) return;
    const [account] = await tx
      .select({ userId: users.id, organizationId: organizations.id })
      .from(users)
      .innerJoin(memberships, eq(memberships.userId, users.id))
      .innerJoin(organizations, and(eq(organizations.id, memberships.organizationId), eq(organizations.personal, true)))
      .where(eq(users.email, lock.email))
      .limit(1);
    if (!account) return;
    await recordAuditEvent(
      tx,
      {
        action: "session.login_failed_locked",
        actor: SYSTEM,
        target: { type: "user", id: account.userId },
        organizationId: account.organizationId,
        details: { scope: lock.scope, retryAfterSeconds: lock.retryAfterSeconds },
      },
      context,
      now,
    );
  });
}
