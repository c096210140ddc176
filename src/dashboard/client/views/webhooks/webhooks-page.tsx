import { useRef, useState } from "preact/hooks";
import { api, call } from "../../api";
import { useAction } from "../../hooks/use-action";
import { useResource } from "../../hooks/use-resource";
import { href } from "../../routes";
import { announce } from "../../ui/announce";
import { Button } from "../../ui/button";
import { ConfirmDialog } from "../../ui/dialog";
import { Loaded } from "../../ui/loaded";
import { PageHeading } from "../../ui/page-heading";
import { TableHead } from "../../ui/table-head";
import { Time } from "../../ui/time";
import { Hidden } from "../../ui/visually-hidden";
import type { ViewProps } from "../shell/views";
import { AddWebhookDialog } from "./add-webhook-dialog";
import { type Endpoint, EndpointState, eventWords } from "./webhook-words";

/**
 * The project's webhook endpoints: their state (above all, the ones the server disabled after they
 * kept failing), Add endpoint (the signing secret shown once), a test ping, enabling a disabled one
 * again, and deleting one behind a confirmation. An endpoint's page has its deliveries.
 */
export function WebhooksPage({ ctx }: ViewProps<"webhooks">) {
  const projectId = ctx.project.id;
  const endpoints = useResource(
    async () => (await call(() => api.GET("/private/projects/{projectId}/webhooks", { params: { path: { projectId } } }))).data,
    [projectId],
  );
  const [deleting, setDeleting] = useState<Endpoint | null>(null);
  const [adding, setAdding] = useState(false);
  const addButton = useRef<HTMLButtonElement>(null);
  const path = (endpoint: Endpoint) => ({ params: { path: { projectId, webhookId: endpoint.id } } });
  const replace = (updated: Endpoint) => endpoints.update((list) => list.map((e) => (e.id === updated.id ? updated : e)));

  const enable = useAction(async (endpoint: Endpoint) => {
    replace(
      (await call(() => api.PATCH("/private/projects/{projectId}/webhooks/{webhookId}", { ...path(endpoint), body: { enabled: true } })))
        .data,
    );
    announce(`Webhook ${endpoint.url} enabled.`);
  });
  const ping = useAction(async (endpoint: Endpoint) => {
    await call(() => api.POST("/private/projects/{projectId}/webhooks/{webhookId}/test", path(endpoint)));
    announce(`Test event queued for ${endpoint.url}.`);
  });
  const remove = useAction(async (endpoint: Endpoint) => {
    await call(() => api.DELETE("/private/projects/{projectId}/webhooks/{webhookId}", path(endpoint)));
    endpoints.update((list) => list.filter((e) => e.id !== endpoint.id));
    setDeleting(null);
    announce(`Webhook ${endpoint.url} deleted.`);
  });

  return (
    <>
      <PageHeading
        actions={
          <Button ref={addButton} variant="primary" onClick={() => setAdding(true)}>
            Add endpoint
          </Button>
        }
      >
        Webhooks
      </PageHeading>
      <p class="lead">
        Endpoints receive the events of <strong>{ctx.project.name}</strong> as signed POST requests (Standard Webhooks). Open one for its
        deliveries, to retry them or rotate its signing secret.
      </p>
      <Loaded resource={endpoints} what="webhooks">
        {(list) => (
          <>
            {list.some((e) => e.disabledReason === "failing") && (
              <p class="notice" role="status">
                The server disabled {list.filter((e) => e.disabledReason === "failing").length === 1 ? "an endpoint" : "endpoints"} whose
                deliveries kept failing. Fix the receiver, then enable it: deliveries still inside their retry window resume.
              </p>
            )}
            {(enable.error ?? ping.error) && (
              <p class="field-error" role="alert">
                {enable.error ?? ping.error}
              </p>
            )}
            {list.length === 0 ? (
              <p class="empty">No webhook endpoints yet.</p>
            ) : (
              <table class="table">
                <caption class="visually-hidden">Webhook endpoints of {ctx.project.name}</caption>
                <TableHead columns={["URL", "Events", "State", "Created"]} actions />
                <tbody>
                  {list.map((endpoint) => (
                    <tr key={endpoint.id}>
                      <td data-label="URL" class="url">
                        <a href={href("webhook", { projectId, webhookId: endpoint.id })}>{endpoint.url}</a>
                      </td>
                      <td data-label="Events">{endpoint.events.map((e) => eventWords[e]).join(", ")}</td>
                      <td data-label="State">
                        <EndpointState endpoint={endpoint} />
                      </td>
                      <td data-label="Created">
                        <Time iso={endpoint.createdAt} style="date" />
                      </td>
                      <td class="actions">
                        {endpoint.enabled ? (
                          <Button small onClick={() => void ping.run(endpoint)}>
                            Send test<Hidden> to {endpoint.url}</Hidden>
                          </Button>
                        ) : (
                          <Button small variant="primary" onClick={() => void enable.run(endpoint)}>
                            Enable<Hidden> {endpoint.url}</Hidden>
                          </Button>
                        )}
                        <Button small variant="danger-outline" onClick={() => setDeleting(endpoint)}>
                          Delete<Hidden> {endpoint.url}</Hidden>
                        </Button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </>
        )}
      </Loaded>
      {adding && (
        <AddWebhookDialog
          projectId={projectId}
          onAdded={(endpoint) => {
            endpoints.update((list) => [endpoint, ...list]);
            announce(`Webhook ${endpoint.url} added.`);
          }}
          onClose={() => setAdding(false)}
          returnFocus={() => addButton.current}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title="Delete this webhook endpoint?"
          message={
            <p>
              Nothing more will be sent to <code>{deleting.url}</code>, and its delivery history goes with it.
            </p>
          }
          action="Delete endpoint"
          busyLabel="Deleting…"
          pending={remove.pending}
          error={remove.error}
          onConfirm={() => void remove.run(deleting)}
          onDismiss={() => {
            remove.setError(null);
            setDeleting(null);
          }}
          returnFocus={() => document.querySelector<HTMLElement>("h1")}
        />
      )}
    </>
  );
}
