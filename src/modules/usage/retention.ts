import { lt } from "drizzle-orm";
import { DAY_MS } from "../../clock";
import type { Db } from "../../db/client";
import { auditEvents } from "../../db/schema";
import { pruneIdleBuckets } from "../../db/token-bucket";
import { rollUpHours } from "../../db/usage-counters";

/** Hourly usage buckets are kept this long, then folded into daily ones. */
export const HOURLY_RETENTION_DAYS = 90;
/** Rate-limit buckets (logins, sign-ups, submits, leak reports) untouched this long are dropped. */
export const IDLE_BUCKET_DAYS = 7;

/**
 * The periodic clean-up: audit events older than `auditRetentionDays` are deleted, and hourly
 * usage buckets from before the day 90 days ago become daily ones (whole days only, so a daily
 * bucket never holds part of a day that still has hourly rows); rate-limit buckets idle for
 * IDLE_BUCKET_DAYS go, so one row per address or account ever seen does not pile up. Safe to run
 * in every process at once.
 */
export async function applyRetention(db: Db, now: Date, auditRetentionDays: number): Promise<void> {
  await db.delete(auditEvents).where(lt(auditEvents.createdAt, new Date(now.getTime() - auditRetentionDays * DAY_MS)));
  const cutoff = new Date(Math.floor((now.getTime() - HOURLY_RETENTION_DAYS * DAY_MS) / DAY_MS) * DAY_MS);
  await rollUpHours(db, cutoff);
  await pruneIdleBuckets(db, new Date(now.getTime() - IDLE_BUCKET_DAYS * DAY_MS));
}
