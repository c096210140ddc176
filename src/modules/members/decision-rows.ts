import { and, asc, eq, inArray, or } from "drizzle-orm";
import type { Tx } from "../../db/client";
import { memberships } from "../../db/schema";

/**
 * Every membership row a decision about `targetId` reads (the caller's, the target's, every
 * owner's), locked by one statement in user-id order: two owners acting on each other queue
 * behind one another instead of deadlocking, and the second sees the first's outcome.
 */
export function lockDecisionRows(tx: Tx, orgId: string, callerId: string, targetId: string) {
  return tx
    .select({ userId: memberships.userId, role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.organizationId, orgId), or(inArray(memberships.userId, [callerId, targetId]), eq(memberships.role, "owner"))))
    .orderBy(asc(memberships.userId))
    .for("update");
}
