import type { components } from "../../../generated/openapi";
import type { webhookAttempts, webhookDeliveries, webhookEndpoints } from "../../db/schema";
import type { WebhookEventType } from "./events";

type EndpointRow = typeof webhookEndpoints.$inferSelect;
type DeliveryRow = typeof webhookDeliveries.$inferSelect;
type AttemptRow = typeof webhookAttempts.$inferSelect;
export type WebhookEndpointView = components["schemas"]["WebhookEndpoint"];
export type WebhookDeliveryView = components["schemas"]["WebhookDelivery"];

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** The endpoint as the API shows it: never its secret. */
export const endpointView = (e: EndpointRow): WebhookEndpointView => ({
  id: e.id,
  url: e.url,
  description: e.description,
  events: e.events as WebhookEventType[],
  enabled: e.enabled,
  disabledAt: iso(e.disabledAt),
  disabledReason: e.disabledReason,
  failingSince: iso(e.failingSince),
  createdAt: e.createdAt.toISOString(),
});

export const deliveryView = (d: DeliveryRow, attempts: AttemptRow[]): WebhookDeliveryView => ({
  id: d.id,
  webhookId: d.endpointId!,
  eventType: d.eventType,
  status: d.status,
  attempts: attempts.map((a) => ({
    attemptedAt: a.attemptedAt.toISOString(),
    durationMs: a.durationMs,
    succeeded: a.succeeded,
    responseStatus: a.responseStatus,
    responseBody: a.responseBody,
    error: a.error,
  })),
  nextAttemptAt: d.nextAttemptAt.toISOString(),
  createdAt: d.createdAt.toISOString(),
  finishedAt: iso(d.finishedAt),
});
