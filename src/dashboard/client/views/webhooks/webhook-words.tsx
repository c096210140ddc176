import type { Schemas } from "../../api";
import { Time } from "../../ui/time";

export type Endpoint = Schemas["WebhookEndpoint"];
export type EventType = Schemas["WebhookEventType"];
export type Delivery = Schemas["WebhookDelivery"];

export const eventWords: Record<EventType, string> = {
  "job.succeeded": "A job succeeded",
  "job.failed": "A job failed",
  "batch.completed": "A batch finished",
  "api_key.expiring": "A key expires soon",
  "api_key.expired": "A key expired",
  "api_key.revoked": "A key was revoked",
  "credits.low": "Credits fell under the low-balance threshold",
};

/** Every event type, in the order above: the record's type makes the list complete, as the spec's enum changes. */
export const EVENT_TYPES = Object.keys(eventWords) as EventType[];

export const deliveryWords: Record<Delivery["status"], string> = {
  pending: "Waiting to retry",
  delivering: "Sending",
  succeeded: "Delivered",
  failed: "Failed",
};

/** An endpoint's state in words; the server disabling one is the part people must not miss. */
export function EndpointState({ endpoint }: { endpoint: Endpoint }) {
  if (endpoint.disabledReason === "failing") {
    return (
      <span class="status status-failed status-sentence">
        Disabled after failing since <Time iso={endpoint.failingSince ?? endpoint.disabledAt!} style="exact" />
      </span>
    );
  }
  if (!endpoint.enabled) return <span class="status">Paused</span>;
  if (endpoint.failingSince) {
    return (
      <span class="status status-running status-sentence">
        Failing since <Time iso={endpoint.failingSince} />
      </span>
    );
  }
  return <span class="status status-succeeded">Active</span>;
}
