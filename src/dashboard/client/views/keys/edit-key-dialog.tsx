import { api, call } from "../../api";
import { useAction } from "../../hooks/use-action";
import { Button } from "../../ui/button";
import { Dialog } from "../../ui/dialog";
import { type KeyLimits, KeyLimitsFields, useKeyLimits } from "./key-limits";
import type { ApiKey } from "./load-keys";

type EditKeyProps = {
  projectId: string;
  apiKey: ApiKey;
  onSaved: () => void;
  onClose: () => void;
  returnFocus: () => HTMLElement | null;
};

/** Edit limits: the key's expiry, access, addresses, credit cap and rate limit, from their current values. */
export function EditKeyDialog({ projectId, apiKey, onSaved, onClose, returnFocus }: EditKeyProps) {
  const limits = useKeyLimits(apiKey);
  const save = useAction(async (body: NonNullable<ReturnType<KeyLimits["toBody"]>>) => {
    await call(() => api.PATCH("/private/projects/{projectId}/api-keys/{id}", { params: { path: { projectId, id: apiKey.id } }, body }));
    onSaved();
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
        <p class="field-error" role="alert" hidden={!save.error}>
          {save.error}
        </p>
        <div class="dialog-actions">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={save.pending} busyLabel="Saving…">
            Save limits
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
