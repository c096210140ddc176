import { api, call } from "../../api";
import { useAction } from "../../hooks/use-action";
import { Dialog } from "../../ui/dialog";
import { FormActions } from "../../ui/form-actions";
import { useWebhookForm, WebhookFields } from "./webhook-form";
import type { Endpoint } from "./webhook-words";

type Props = {
  projectId: string;
  endpoint: Endpoint;
  onSaved: (endpoint: Endpoint) => void;
  onClose: () => void;
  returnFocus: () => HTMLElement | null;
};

/** Edit an endpoint: its URL, events, note, and whether it is enabled (enabling one the server disabled resumes it). */
export function EditWebhookDialog({ projectId, endpoint, onSaved, onClose, returnFocus }: Props) {
  const form = useWebhookForm(endpoint);
  const save = useAction(async (body: NonNullable<ReturnType<typeof form.toBody>>) => {
    const saved = await call(() =>
      api.PATCH("/private/projects/{projectId}/webhooks/{webhookId}", {
        params: { path: { projectId, webhookId: endpoint.id } },
        body: { ...body, description: body.description ?? null, enabled: form.enabled },
      }),
    );
    onSaved(saved.data);
    onClose();
  });
  return (
    <Dialog title="Edit the webhook endpoint" onDismiss={() => !save.pending && onClose()} returnFocus={returnFocus}>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const body = form.toBody();
          if (body) void save.run(body);
        }}
      >
        <WebhookFields form={form} editing />
        <FormActions request={save} action="Save endpoint" busyLabel="Saving…" onCancel={onClose} />
      </form>
    </Dialog>
  );
}
