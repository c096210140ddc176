import { useState } from "preact/hooks";
import { api, call } from "../../api";
import { useAction } from "../../hooks/use-action";
import { Dialog } from "../../ui/dialog";
import { FormActions } from "../../ui/form-actions";
import { OnceShownSecret, useOnceShown } from "../../ui/once-shown-secret";
import { useWebhookForm, WebhookFields } from "./webhook-form";
import type { Endpoint } from "./webhook-words";

/** The signing secret, once, with how a receiver uses it; shared by Add endpoint and Rotate secret. */
export function OnceShownWebhookSecret({ guard, secret }: { guard: ReturnType<typeof useOnceShown>; secret: string }) {
  return (
    <OnceShownSecret
      guard={guard}
      secret={secret}
      label="Signing secret"
      noun="secret"
      warning="Give it to the receiver now: it verifies each delivery's webhook-signature header with it (Standard Webhooks). If it is lost, rotate the secret."
    />
  );
}

type Props = {
  projectId: string;
  onAdded: (endpoint: Endpoint) => void;
  onClose: () => void;
  returnFocus: () => HTMLElement | null;
};

/** Add endpoint: URL, events and a note, then the signing secret, once. */
export function AddWebhookDialog({ projectId, onAdded, onClose, returnFocus }: Props) {
  const form = useWebhookForm();
  const [secret, setSecret] = useState<string | null>(null);
  const guard = useOnceShown(onClose);
  const add = useAction(async (body: NonNullable<ReturnType<typeof form.toBody>>) => {
    const { secret, ...endpoint } = (
      await call(() => api.POST("/private/projects/{projectId}/webhooks", { params: { path: { projectId } }, body }))
    ).data;
    setSecret(secret);
    onAdded(endpoint);
  });
  const dismiss = () => {
    if (add.pending) return;
    if (secret) guard.dismiss();
    else onClose();
  };
  return (
    <Dialog title={secret ? "Copy the endpoint's signing secret" : "Add a webhook endpoint"} onDismiss={dismiss} returnFocus={returnFocus}>
      {secret ? (
        <OnceShownWebhookSecret guard={guard} secret={secret} />
      ) : (
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            const body = form.toBody();
            if (body) void add.run(body);
          }}
        >
          <WebhookFields form={form} editing={false} />
          <FormActions request={add} action="Add endpoint" busyLabel="Adding…" onCancel={dismiss} />
        </form>
      )}
    </Dialog>
  );
}
