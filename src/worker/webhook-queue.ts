import { and, asc, eq, inArray, isNull, lte, or, sql } from "drizzle-orm";
import { NO_REQUEST, recordAuditEvent, SYSTEM } from "../audit/record";
import type { WebhookSettings } from "../config";
import type { Db } from "../db/client";
import { webhookAttempts, webhookDeliveries, webhookEndpoints } from "../db/schema";
import { hasWord } from "../db/status-literal";
import { newId } from "../ids";
import type { PostOutcome } from "./webhook-post";

export type ClaimedDelivery = typeof webhookDeliveries.$inferSelect;
const later = (now: Date, ms: number) => new Date(now.getTime() + ms);
/** The longest wait between two attempts, so the last ones still fall inside the retry window. */
const MAX_BACKOFF_MS = 8 * 3_600_000;

/**
 * Claims up to `limit` due deliveries: pending ones whose time has come, and ones whose worker
 * died mid-attempt (lease expired). Endpoints that are disabled keep theirs waiting. SKIP LOCKED
 * lets every process claim at once; the bumped `attempts` fences a late writer out.
 */
export async function claimDeliveries(db: Db, limit: number, now: Date, leaseMs: number): Promise<ClaimedDelivery[]> {
  const enabledEndpoints = db.select({ id: webhookEndpoints.id }).from(webhookEndpoints).where(eq(webhookEndpoints.enabled, true));
  const due = db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(
      and(
        or(
          // Each arm on its partial index (webhook_deliveries_due_idx, _lease_idx): the words written out.
          and(hasWord(webhookDeliveries.status, "pending"), lte(webhookDeliveries.nextAttemptAt, now)),
          and(hasWord(webhookDeliveries.status, "delivering"), lte(webhookDeliveries.leaseExpiresAt, now)),
        ),
        or(isNull(webhookDeliveries.endpointId), inArray(webhookDeliveries.endpointId, enabledEndpoints)),
      ),
    )
    .orderBy(asc(webhookDeliveries.nextAttemptAt))
    .limit(limit)
    .for("update", { skipLocked: true });
  return db
    .update(webhookDeliveries)
    .set({ status: "delivering", attempts: sql`${webhookDeliveries.attempts} + 1`, leaseExpiresAt: later(now, leaseMs) })
    .where(inArray(webhookDeliveries.id, due))
    .returning();
}

/**
 * The secrets that sign a delivery: its endpoint's (a job's own URL uses the project's oldest
 * endpoint's), plus the one a rotation replaced while its grace lasts. None: sent unsigned.
 */
export async function signingSecrets(db: Db, delivery: ClaimedDelivery, now: Date): Promise<string[]> {
  const [endpoint] = await db
    .select({ secret: webhookEndpoints.secret, previous: webhookEndpoints.previousSecret, until: webhookEndpoints.previousSecretExpiresAt })
    .from(webhookEndpoints)
    .where(delivery.endpointId ? eq(webhookEndpoints.id, delivery.endpointId) : eq(webhookEndpoints.projectId, delivery.projectId))
    .orderBy(asc(webhookEndpoints.createdAt), asc(webhookEndpoints.id))
    .limit(1);
  if (!endpoint) return [];
  return endpoint.previous && endpoint.until && endpoint.until > now ? [endpoint.secret, endpoint.previous] : [endpoint.secret];
}

/** Exponential backoff from `base`: base, 2·base, 4·base..., each with ±20% jitter so retries spread out, at most 8 h. */
export function backoffMs(base: number, attempts: number): number {
  const exact = base * 2 ** Math.min(Math.max(0, attempts - 1), 30);
  return Math.min(Math.round(exact * (0.8 + Math.random() * 0.4)), MAX_BACKOFF_MS);
}

/**
 * Deletes the finished deliveries (their attempts cascade) that ended before `cutoff`, so the
 * table holds WEBHOOK_RETENTION_MS of history, not all of it; answers how many. `batch` at a time,
 * so no one statement locks many rows or runs long.
 */
export async function pruneDeliveries(db: Db, cutoff: Date, batch = 1000): Promise<number> {
  const old = db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(and(hasWord(webhookDeliveries.status, "succeeded", "failed"), lte(webhookDeliveries.finishedAt, cutoff)))
    .limit(batch);
  let total = 0;
  for (;;) {
    const deleted = await db.delete(webhookDeliveries).where(inArray(webhookDeliveries.id, old)).returning({ id: webhookDeliveries.id });
    total += deleted.length;
    if (deleted.length < batch) return total;
  }
}

export type Recorded = { settled: boolean; status?: ClaimedDelivery["status"]; endpointDisabled: boolean };

/**
 * Stores the attempt and what follows from it, in one transaction: a success finishes the delivery
 * and clears the endpoint's failure record; a failure schedules the next attempt, or fails the
 * delivery once the retry window has closed, and disables an endpoint that
 * has failed for WEBHOOK_DISABLE_AFTER_MS. Only the current claim writes.
 */
export async function recordAttempt(
  db: Db,
  delivery: ClaimedDelivery,
  outcome: PostOutcome,
  attemptedAt: Date,
  settings: Pick<WebhookSettings, "webhookRetryBaseMs" | "webhookRetryHorizonMs" | "webhookDisableAfterMs">,
  now: Date,
): Promise<Recorded> {
  const succeeded = outcome.error === null && outcome.status >= 200 && outcome.status < 300;
  return db.transaction(async (tx) => {
    // The last retry lands at the horizon itself, however the doubling falls.
    const deadline = delivery.createdAt.getTime() + settings.webhookRetryHorizonMs;
    const next = new Date(Math.min(now.getTime() + backoffMs(settings.webhookRetryBaseMs, delivery.attempts), deadline));
    // Judged by when the attempt began: one that began inside the window is followed by a last one at its end.
    const status = succeeded ? "succeeded" : attemptedAt.getTime() >= deadline ? "failed" : "pending";
    const [row] = await tx
      .update(webhookDeliveries)
      .set({
        status,
        leaseExpiresAt: null,
        finishedAt: status === "pending" ? null : now,
        ...(status === "pending" ? { nextAttemptAt: next } : {}),
      })
      .where(
        and(
          eq(webhookDeliveries.id, delivery.id),
          eq(webhookDeliveries.status, "delivering"),
          eq(webhookDeliveries.attempts, delivery.attempts),
        ),
      )
      .returning({ id: webhookDeliveries.id });
    if (!row) return { settled: false, endpointDisabled: false };
    await tx.insert(webhookAttempts).values({
      id: newId(attemptedAt),
      deliveryId: delivery.id,
      attemptedAt,
      durationMs: outcome.durationMs,
      succeeded,
      responseStatus: outcome.status,
      responseBody: outcome.body,
      error: outcome.error ?? (succeeded ? null : `The receiver answered ${outcome.status}; only 2xx counts as received.`),
    });
    if (!delivery.endpointId) return { settled: true, status, endpointDisabled: false };
    const endpoint = eq(webhookEndpoints.id, delivery.endpointId);
    if (succeeded) {
      await tx.update(webhookEndpoints).set({ failingSince: null }).where(endpoint);
      return { settled: true, status, endpointDisabled: false };
    }
    await tx
      .update(webhookEndpoints)
      .set({ failingSince: sql`coalesce(${webhookEndpoints.failingSince}, ${attemptedAt.toISOString()}::timestamptz)` })
      .where(endpoint);
    const disabled = await tx
      .update(webhookEndpoints)
      .set({ enabled: false, disabledAt: now, disabledReason: "failing" })
      .where(
        and(endpoint, eq(webhookEndpoints.enabled, true), lte(webhookEndpoints.failingSince, later(now, -settings.webhookDisableAfterMs))),
      )
      .returning({
        id: webhookEndpoints.id,
        projectId: webhookEndpoints.projectId,
        url: webhookEndpoints.url,
        failingSince: webhookEndpoints.failingSince,
      });
    for (const off of disabled) {
      await recordAuditEvent(
        tx,
        {
          action: "webhook.disabled",
          actor: SYSTEM,
          target: { type: "webhook", id: off.id },
          projectId: off.projectId,
          details: { url: off.url, reason: "failing", failingSince: off.failingSince },
        },
        NO_REQUEST,
        now,
      );
    }
    return { settled: true, status, endpointDisabled: disabled.length > 0 };
  });
}
