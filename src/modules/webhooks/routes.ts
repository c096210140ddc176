import type { Deps } from "../../deps";
import { accepted, created, ok } from "../../http/operations";
import { operations } from "../operations";
import * as deliveries from "./deliveries";
import * as webhooks from "./service";

// The answers that carry a signing secret: keep them out of every cache.
const noStore = { "cache-control": "no-store" };

export const webhookRoutes = (deps: Deps) =>
  operations()
    .handle("listWebhooks", async ({ principal, params }) => ok({ data: await webhooks.listWebhooks(deps, principal, params.projectId) }))
    .handle("createWebhook", async ({ principal, params, body }) =>
      created({ data: await webhooks.createWebhook(deps, principal, params.projectId, body) }, noStore),
    )
    .handle("updateWebhook", async ({ principal, params, body }) =>
      ok({ data: await webhooks.updateWebhook(deps, principal, params.projectId, params.webhookId, body) }),
    )
    .handle("deleteWebhook", async ({ principal, params }) => {
      await webhooks.deleteWebhook(deps, principal, params.projectId, params.webhookId);
      return ok({ success: true as const });
    })
    .handle("rotateWebhookSecret", async ({ principal, params }) =>
      ok({ data: await webhooks.rotateWebhookSecret(deps, principal, params.projectId, params.webhookId) }, noStore),
    )
    .handle("testWebhook", async ({ principal, params }) =>
      accepted({ data: await webhooks.testWebhook(deps, principal, params.projectId, params.webhookId) }),
    )
    .handle("listWebhookDeliveries", async ({ principal, params, query }) =>
      ok(await deliveries.listDeliveries(deps, principal, params.projectId, params.webhookId, query)),
    )
    .handle("retryWebhookDelivery", async ({ principal, params }) =>
      accepted({ data: await deliveries.retryDelivery(deps, principal, params.projectId, params.webhookId, params.deliveryId) }),
    );
