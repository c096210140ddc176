import { and, eq, gt, isNull, lte, type SQL, sql } from "drizzle-orm";
import { NO_REQUEST, recordAuditEvent, SYSTEM } from "../../audit/record";
import { DAY_MS } from "../../clock";
import type { Db } from "../../db/client";
import { apiKeys } from "../../db/schema";
import { enqueueKeyEvent } from "../webhooks/api-key-events";
import { notRevoked } from "./key-settings";

/** Keys handled per statement: a sweep after a long pause works through a backlog in rounds. */
const BATCH = 500;

/**
 * Records that keys expired, each exactly once across every process: the conditional update
 * claims the key, and in the same transaction its `api_key.expired` webhook event and audit event
 * are written. Called by the first refused request for one key (`keyId`) and by the periodic sweep
 * for the keys nobody used since they expired. Returns how many keys it recorded.
 */
export async function recordExpiredKeys(db: Db, now: Date, keyId?: string): Promise<number> {
  const due = and(lte(apiKeys.expiresAt, now), isNull(apiKeys.expiryNotedAt), notRevoked(now), keyId ? eq(apiKeys.id, keyId) : undefined);
  return claimAndAnnounce(db, due, { expiryNotedAt: now }, now, "api_key.expired");
}

/** Queues `api_key.expiring` once for each key that entered its warning window. */
export async function warnExpiringKeys(db: Db, now: Date, warningDays: number): Promise<number> {
  const horizon = new Date(now.getTime() + warningDays * DAY_MS);
  const due = and(gt(apiKeys.expiresAt, now), lte(apiKeys.expiresAt, horizon), isNull(apiKeys.expiryWarnedAt), notRevoked(now));
  return claimAndAnnounce(db, due, { expiryWarnedAt: now }, now, "api_key.expiring");
}

async function claimAndAnnounce(
  db: Db,
  due: SQL | undefined,
  mark: { expiryNotedAt: Date } | { expiryWarnedAt: Date },
  now: Date,
  type: "api_key.expired" | "api_key.expiring",
): Promise<number> {
  return db.transaction(async (tx) => {
    const batch = tx.select({ id: apiKeys.id }).from(apiKeys).where(due).limit(BATCH).for("update", { skipLocked: true });
    const keys = await tx.update(apiKeys).set(mark).where(sql`${apiKeys.id} in ${batch}`).returning();
    for (const key of keys) {
      const expiresAt = key.expiresAt ?? now;
      await enqueueKeyEvent(tx, type, key, now, { expiresAt });
      if (type !== "api_key.expired") continue;
      await recordAuditEvent(
        tx,
        {
          action: "api_key.expired",
          actor: SYSTEM,
          target: { type: "api_key", id: key.id },
          projectId: key.projectId,
          details: { name: key.name, keyHint: key.keyHint, expiresAt: expiresAt.toISOString() },
        },
        NO_REQUEST,
        now,
      );
    }
    return keys.length;
  });
}
