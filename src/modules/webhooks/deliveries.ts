import { and, asc, desc, eq, inArray } from "drizzle-orm";
import type { SessionPrincipal } from "../../auth/principal";
import { olderThan, toPage } from "../../db/keyset";
import { webhookAttempts, webhookDeliveries } from "../../db/schema";
import type { Deps } from "../../deps";
import { decodeCursor, encodeCursor } from "../../http/cursor";
import { ApiError, notFound } from "../../http/errors";
import type { Query, Reply } from "../../http/types";
import { requireProject } from "../access";
import { loadEndpoint } from "./service";
import { deliveryView, type WebhookDeliveryView } from "./view";

type DeliveryPage = Reply<"listWebhookDeliveries", 200>;

/** Newest first on (createdAt, id), each delivery with its attempts, oldest first. */
export async function listDeliveries(
  deps: Deps,
  principal: SessionPrincipal,
  projectId: string,
  webhookId: string,
  query: Query<"listWebhookDeliveries">,
): Promise<DeliveryPage> {
  await requireProject(deps.db, principal, projectId);
  await loadEndpoint(deps, projectId, webhookId);
  const limit = query.limit ?? 20;
  // One snapshot for both reads: a delivery is never shown with an attempt whose outcome it does
  // not show yet (the worker writes the attempt and the delivery's new status in one transaction).
  const { page, next, attempts } = await deps.db.transaction(
    async (tx) => {
      const rows = await tx
        .select()
        .from(webhookDeliveries)
        .where(
          and(
            eq(webhookDeliveries.endpointId, webhookId),
            olderThan(
              webhookDeliveries.createdAt,
              webhookDeliveries.id,
              query.cursor === undefined ? undefined : decodeCursor(query.cursor),
            ),
          ),
        )
        .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
        .limit(limit + 1);
      const { page, next } = toPage(rows, limit);
      const attempts = page.length
        ? await tx
            .select()
            .from(webhookAttempts)
            .where(
              inArray(
                webhookAttempts.deliveryId,
                page.map((d) => d.id),
              ),
            )
            .orderBy(asc(webhookAttempts.attemptedAt), asc(webhookAttempts.id))
        : [];
      return { page, next, attempts };
    },
    { isolationLevel: "repeatable read", accessMode: "read only" },
  );
  return {
    data: page.map((d) =>
      deliveryView(
        d,
        attempts.filter((a) => a.deliveryId === d.id),
      ),
    ),
    nextCursor: next && encodeCursor(next),
  };
}

/**
 * Makes the delivery due now. A finished one (failed, or succeeded and wanted again) gets one more
 * attempt; its retry window is measured from the event, so a failure after it ends it again.
 */
export async function retryDelivery(
  deps: Deps,
  principal: SessionPrincipal,
  projectId: string,
  webhookId: string,
  deliveryId: string,
): Promise<WebhookDeliveryView> {
  await requireProject(deps.db, principal, projectId);
  const endpoint = await loadEndpoint(deps, projectId, webhookId);
  const where = and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.endpointId, endpoint.id));
  const [current] = await deps.db.select().from(webhookDeliveries).where(where);
  if (!current) throw notFound("webhook delivery");
  if (!endpoint.enabled) {
    throw new ApiError("webhook_disabled", "This webhook endpoint is disabled. Enable it (PATCH with enabled: true) first.");
  }
  let row = current;
  if (current.status !== "delivering") {
    const now = deps.clock.now();
    const [updated] = await deps.db
      .update(webhookDeliveries)
      .set({ status: "pending", nextAttemptAt: now, finishedAt: null })
      .where(and(where, eq(webhookDeliveries.status, current.status)))
      .returning();
    row = updated ?? current;
  }
  const attempts = await deps.db
    .select()
    .from(webhookAttempts)
    .where(eq(webhookAttempts.deliveryId, row.id))
    .orderBy(asc(webhookAttempts.attemptedAt), asc(webhookAttempts.id));
  return deliveryView(row, attempts);
}
