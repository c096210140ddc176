import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Tx } from "../../db/client";
import { projects, webhookDeliveries, webhookEndpoints } from "../../db/schema";
import { newId } from "../../ids";

/** Every event an endpoint can subscribe to; the spec's `WebhookEventType` is the same list. */
export const WEBHOOK_EVENT_TYPES = [
  "job.succeeded",
  "job.failed",
  "batch.completed",
  "api_key.expiring",
  "api_key.expired",
  "api_key.revoked",
  "credits.low",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
/** Sent only by `POST …/webhooks/{webhookId}/test`, to that one endpoint. */
export const PING_EVENT = "webhook.ping";

/** Who an event concerns: one project's endpoints, or (for organization events) every project's. */
export type EventScope = { projectId: string } | { organizationId: string };

/** The body every delivery of the event carries, the bytes that are signed. */
export const eventBody = (type: string, data: object, now: Date) => JSON.stringify({ type, timestamp: now.toISOString(), data });

type Destination = { projectId: string; endpointId: string | null; url: string };

/** Queues one delivery per destination; the worker sends them (src/worker/webhook-delivery.ts). */
export async function queueDeliveries(tx: Tx, destinations: Destination[], type: string, body: string, now: Date) {
  if (destinations.length === 0) return [];
  return tx
    .insert(webhookDeliveries)
    .values(
      destinations.map((d) => ({
        id: newId(now),
        ...d,
        eventType: type,
        payload: body,
        status: "pending" as const,
        nextAttemptAt: now,
        createdAt: now,
      })),
    )
    .returning();
}

/**
 * Queues `type` for every enabled endpoint in scope that subscribes to it. Call it inside the
 * transaction that makes the event true (a job's final state, a revocation), so the event is
 * stored exactly when the change is, and never lost to a crash between the two.
 * `alsoTo` adds a destination of the event's own, such as a job's `webhook.url`.
 */
export async function enqueueWebhookEvent(
  tx: Tx,
  scope: EventScope,
  type: WebhookEventType,
  data: object,
  now: Date,
  alsoTo?: { projectId: string; url: string },
): Promise<void> {
  const inScope =
    "projectId" in scope
      ? eq(webhookEndpoints.projectId, scope.projectId)
      : inArray(
          webhookEndpoints.projectId,
          tx.select({ id: projects.id }).from(projects).where(eq(projects.organizationId, scope.organizationId)),
        );
  const endpoints = await tx
    .select({ id: webhookEndpoints.id, projectId: webhookEndpoints.projectId, url: webhookEndpoints.url })
    .from(webhookEndpoints)
    .where(and(inScope, eq(webhookEndpoints.enabled, true), sql`${webhookEndpoints.events} @> ${JSON.stringify([type])}::jsonb`))
    .orderBy(asc(webhookEndpoints.createdAt), asc(webhookEndpoints.id));
  const destinations: Destination[] = endpoints.map((e) => ({ projectId: e.projectId, endpointId: e.id, url: e.url }));
  if (alsoTo) destinations.push({ projectId: alsoTo.projectId, endpointId: null, url: alsoTo.url });
  await queueDeliveries(tx, destinations, type, eventBody(type, data, now), now);
}
