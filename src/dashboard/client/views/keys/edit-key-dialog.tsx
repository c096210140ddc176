import { api, call } from "../../api";
import { useAction } from "../../hooks/use-action";
import { Dialog } from "../../ui/dialog";
import { FormActions } from "../../ui/form-actions";
import { type KeyLimits, KeyLimitsFields, useKeyLimits } from "./key-limits";
import type { ApiKey } from "./load-keys";

type EditKeyProps = {
  projectId: string;
  apiKey: ApiKey;
  onSaved: () => void;
  onClose: () => void;
  returnFocus: () => HTMLElement | null;
};

/** A value as JSON with object keys sorted, to compare what the form holds with what the server sent. */
const canonical = (value: unknown) =>
  JSON.stringify(value, (_, v) => (v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort()) : v));

/** Edit limits: the key's expiry, access, addresses, credit cap and rate limit, from their current values. */
export function EditKeyDialog({ projectId, apiKey, onSaved, onClose, returnFocus }: EditKeyProps) {
  const limits = useKeyLimits(apiKey);
  const save = useAction(async (limits: NonNullable<ReturnType<KeyLimits["toBody"]>>) => {
    // Only what changed is sent, so the audit log records the change that was made and nothing else.
    const body = Object.fromEntries(
      Object.entries(limits).filter(([field, value]) => canonical(value) !== canonical(apiKey[field as keyof typeof limits])),
    );
    if (Object.keys(body).length > 0) {
      await call(() => api.PATCH("/private/projects/{projectId}/api-keys/{id}", { params: { path: { projectId, id: apiKey.id } }, body }));
      onSaved();
    }
    onClose();
  });
  return (
    <Dialog title={`Edit the limits of “${apiKey.name}”`} onDismiss={() => !save.pending && onClose()} returnFocus={returnFocus}>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const body = limits.toBody();
          if (body) void save.run(body);
        }}
      >
        <p class="field-hint">Changes apply to the key's next request, on every server.</p>
        <KeyLimitsFields limits={limits} />
        <FormActions request={save} action="Save limits" busyLabel="Saving…" onCancel={onClose} />
      </form>
    </Dialog>
  );
}
