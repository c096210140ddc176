import { useRef, useState } from "preact/hooks";
import { ApiProblem, api, call } from "../../api";
import { duration } from "../../format";
import { useAction } from "../../hooks/use-action";
import { usePaged } from "../../hooks/use-paged";
import { useResource } from "../../hooks/use-resource";
import { href } from "../../routes";
import { announce } from "../../ui/announce";
import { Button } from "../../ui/button";
import { Dialog } from "../../ui/dialog";
import { Loaded } from "../../ui/loaded";
import { MoreButton } from "../../ui/more-button";
import { useOnceShown } from "../../ui/once-shown-secret";
import { PageHeading } from "../../ui/page-heading";
import { TableHead } from "../../ui/table-head";
import { Time } from "../../ui/time";
import { Hidden } from "../../ui/visually-hidden";
import type { ViewProps } from "../shell/views";
import { OnceShownWebhookSecret } from "./add-webhook-dialog";
import { EditWebhookDialog } from "./edit-webhook-dialog";
import { type Delivery, deliveryWords, type Endpoint, EndpointState, eventWords } from "./webhook-words";

const PAGE = 20;

/** The last attempt of a delivery in words: "500 after 87 ms", "timeout", or "not tried yet". */
function lastAttempt(delivery: Delivery): string {
  const last = delivery.attempts.at(-1);
  if (!last) return "Not tried yet";
  const outcome = last.responseStatus !== null ? `HTTP ${last.responseStatus}` : (last.error ?? "No answer");
  return `${outcome} after ${duration(last.durationMs)}`;
}

/**
 * One endpoint: its settings and state, Edit, Rotate secret (the new one shown once), Send test,
 * and its deliveries newest first, each with its attempts' outcome and a Retry.
 */
export function WebhookPage({ ctx, route }: ViewProps<"webhook">) {
  const projectId = ctx.project.id;
  const webhookId = route.params.webhookId;
  const path = { params: { path: { projectId, webhookId } } };
  const endpoint = useResource(async () => {
    const found = (await call(() => api.GET("/private/projects/{projectId}/webhooks", { params: { path: { projectId } } }))).data.find(
      (e) => e.id === webhookId,
    );
    if (!found)
      throw new ApiProblem("No webhook endpoint with this id exists in this project; it may have been deleted.", 404, "not_found");
    return found;
  }, [projectId, webhookId]);
  const deliveries = usePaged(
    async (cursor?: string) => {
      const page = await call(() =>
        api.GET("/private/projects/{projectId}/webhooks/{webhookId}/deliveries", {
          params: { path: { projectId, webhookId }, query: { limit: PAGE, cursor } },
        }),
      );
      return { items: page.data, nextCursor: page.nextCursor, extra: undefined };
    },
    [projectId, webhookId],
    "[data-delivery-row]",
  );
  const [open, setOpen] = useState<"edit" | "rotate" | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const editButton = useRef<HTMLButtonElement>(null);
  const rotateButton = useRef<HTMLButtonElement>(null);
  const guard = useOnceShown(() => {
    setSecret(null);
    setOpen(null);
  });

  const ping = useAction(async () => {
    await call(() => api.POST("/private/projects/{projectId}/webhooks/{webhookId}/test", path));
    deliveries.resource.reload();
    announce("Test event queued.");
  });
  const rotate = useAction(async () => {
    const rotated = await call(() => api.POST("/private/projects/{projectId}/webhooks/{webhookId}/rotate-secret", path));
    setSecret(rotated.data.secret);
  });
  const retry = useAction(async (delivery: Delivery) => {
    const queued = await call(() =>
      api.POST("/private/projects/{projectId}/webhooks/{webhookId}/deliveries/{deliveryId}/retry", {
        params: { path: { projectId, webhookId, deliveryId: delivery.id } },
      }),
    );
    deliveries.resource.update((d) => ({ ...d, items: d.items.map((x) => (x.id === delivery.id ? queued.data : x)) }));
    announce("Delivery queued again.");
  });

  return (
    <>
      <p class="back">
        <a href={href("webhooks", { projectId })}>← All webhooks</a>
      </p>
      <PageHeading>Webhook</PageHeading>
      <Loaded resource={endpoint} what="the endpoint">
        {(e: Endpoint) => (
          <>
            <section class="panel" aria-labelledby="endpoint-title">
              <h2 id="endpoint-title" class="url">
                {e.url}
              </h2>
              <dl class="facts">
                <dt>State</dt>
                <dd>
                  <EndpointState endpoint={e} />
                </dd>
                <dt>Events</dt>
                <dd>{e.events.map((x) => eventWords[x]).join(", ")}</dd>
                <dt>Description</dt>
                <dd>{e.description ?? "—"}</dd>
                <dt>Created</dt>
                <dd>
                  <Time iso={e.createdAt} style="exact" />
                </dd>
              </dl>
              <div class="panel-actions">
                <Button ref={editButton} onClick={() => setOpen("edit")}>
                  Edit endpoint
                </Button>
                <Button ref={rotateButton} onClick={() => setOpen("rotate")}>
                  Rotate secret
                </Button>
                {e.enabled && (
                  <Button busy={ping.pending} busyLabel="Sending…" onClick={() => void ping.run()}>
                    Send test
                  </Button>
                )}
              </div>
              {ping.error && (
                <p class="field-error" role="alert">
                  {ping.error}
                </p>
              )}
            </section>
            {open === "edit" && (
              <EditWebhookDialog
                projectId={projectId}
                endpoint={e}
                onSaved={(saved) => {
                  endpoint.update(() => saved);
                  announce("Endpoint saved.");
                }}
                onClose={() => setOpen(null)}
                returnFocus={() => editButton.current}
              />
            )}
          </>
        )}
      </Loaded>
      <h2>Deliveries</h2>
      <Loaded resource={deliveries.resource} what="deliveries">
        {(page) =>
          page.items.length === 0 ? (
            <p class="empty">No deliveries yet. Send a test to see one.</p>
          ) : (
            <>
              {retry.error && (
                <p class="field-error" role="alert">
                  {retry.error}
                </p>
              )}
              <table class="table">
                <caption class="visually-hidden">Deliveries to this endpoint, newest first</caption>
                <TableHead columns={["Event", "Status", "Attempts", "Last attempt", "Created"]} actions />
                <tbody>
                  {page.items.map((d) => (
                    <tr key={d.id} data-delivery-row tabIndex={-1}>
                      <td data-label="Event">
                        <code>{d.eventType}</code>
                      </td>
                      <td data-label="Status">
                        <span
                          class={`status ${d.status === "succeeded" ? "status-succeeded" : d.status === "failed" ? "status-failed" : "status-running"}`}
                        >
                          {deliveryWords[d.status]}
                        </span>
                      </td>
                      <td data-label="Attempts" class="number">
                        {d.attempts.length}
                      </td>
                      <td data-label="Last attempt">{lastAttempt(d)}</td>
                      <td data-label="Created">
                        <Time iso={d.createdAt} />
                      </td>
                      <td class="actions">
                        {d.status !== "delivering" && (
                          <Button small onClick={() => void retry.run(d)}>
                            {d.status === "succeeded" ? "Send again" : "Retry"}
                            <Hidden>
                              {" "}
                              the {d.eventType} delivery of {new Date(d.createdAt).toLocaleString()}
                            </Hidden>
                          </Button>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <MoreButton paged={deliveries} label="Show older deliveries" />
            </>
          )
        }
      </Loaded>
      {open === "rotate" &&
        (secret ? (
          <Dialog title="Copy the new signing secret" onDismiss={guard.dismiss} returnFocus={() => rotateButton.current}>
            <p class="notice">
              For the next 24 hours each delivery is signed with both the new and the old secret, so the receiver can switch over.
            </p>
            <OnceShownWebhookSecret guard={guard} secret={secret} />
          </Dialog>
        ) : (
          <Dialog
            title="Rotate the signing secret?"
            onDismiss={() => !rotate.pending && setOpen(null)}
            returnFocus={() => rotateButton.current}
          >
            <p>
              A new secret is made and shown once. For 24 hours deliveries carry signatures from both secrets; rotating again ends the old
              one's grace at once.
            </p>
            <p class="field-error" role="alert" hidden={!rotate.error}>
              {rotate.error}
            </p>
            <div class="dialog-actions">
              <Button onClick={() => setOpen(null)} data-autofocus>
                Cancel
              </Button>
              <Button variant="primary" busy={rotate.pending} busyLabel="Rotating…" onClick={() => void rotate.run()}>
                Rotate secret
              </Button>
            </div>
          </Dialog>
        ))}
    </>
  );
}
