import { useState } from "preact/hooks";
import { api, call, type Schemas } from "../../api";
import { useAction } from "../../hooks/use-action";
import { useResource } from "../../hooks/use-resource";
import { announce } from "../../ui/announce";
import { Button } from "../../ui/button";
import { ConfirmDialog } from "../../ui/dialog";
import { Loaded } from "../../ui/loaded";
import { PageHeading } from "../../ui/page-heading";
import { Time } from "../../ui/time";
import { Hidden } from "../../ui/visually-hidden";
import type { ViewProps } from "../shell/views";

type Endpoint = Schemas["WebhookEndpoint"];

/** An endpoint's state in words; the server disabling one is the part people must not miss. */
function State({ endpoint }: { endpoint: Endpoint }) {
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

/**
 * The project's webhook endpoints: their state (above all, the ones the server disabled after they
 * kept failing), a test ping, enabling a disabled one again, and deleting one behind a confirmation.
 * Endpoints are added through the API, which shows the signing secret once.
 */
export function WebhooksPage({ ctx }: ViewProps<"webhooks">) {
  const projectId = ctx.project.id;
  const endpoints = useResource(
    async () => (await call(() => api.GET("/private/projects/{projectId}/webhooks", { params: { path: { projectId } } }))).data,
    [projectId],
  );
  const [deleting, setDeleting] = useState<Endpoint | null>(null);
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
      <PageHeading>Webhooks</PageHeading>
      <p class="lead">
        Endpoints receive the events of <strong>{ctx.project.name}</strong> as signed POST requests (Standard Webhooks). Add them with{" "}
        <code>POST /private/projects/{projectId}/webhooks</code>; the answer shows the signing secret once.
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
                <thead>
                  <tr>
                    {["URL", "Events", "State", "Created"].map((column) => (
                      <th key={column} scope="col">
                        {column}
                      </th>
                    ))}
                    <th scope="col">
                      <Hidden>Actions</Hidden>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((endpoint) => (
                    <tr key={endpoint.id}>
                      <td data-label="URL" class="url">
                        {endpoint.url}
                      </td>
                      <td data-label="Events">{endpoint.events.join(", ")}</td>
                      <td data-label="State">
                        <State endpoint={endpoint} />
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
