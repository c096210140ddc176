import { useState } from "preact/hooks";
import { api, call } from "../../api";
import { useAction } from "../../hooks/use-action";
import { Button } from "../../ui/button";
import { Dialog } from "../../ui/dialog";
import { Field, focusField, useField, validate } from "../../ui/field";
import { OnceShownKey } from "./once-shown-key";

type CreateKeyProps = {
  projectId: string;
  onCreated: (name: string) => void;
  onClose: () => void;
  returnFocus: () => HTMLElement | null;
};

/**
 * Create key: a name first, then the full key, once. The dialog cannot be dismissed by a stray
 * Escape while the key shows and has not been copied: it asks first, since closing it is the end
 * of the only copy.
 */
export function CreateKeyDialog({ projectId, onCreated, onClose, returnFocus }: CreateKeyProps) {
  const name = useField("Key name", { required: true, maxLength: 100 });
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const [confirmingClose, setConfirmingClose] = useState(false);
  const create = useAction(async () => {
    const result = await call(() =>
      api.POST("/private/projects/{projectId}/api-keys", { params: { path: { projectId } }, body: { name: name.value } }),
    );
    setCreated({ name: result.data.name, key: result.data.key });
    onCreated(result.data.name);
  });

  const dismiss = () => {
    if (create.pending) return;
    if (created && !copied) setConfirmingClose(true);
    else onClose();
  };
  const shownName = create.error ? { ...name, error: name.error ?? create.error } : name;

  return (
    <Dialog title={created ? `Copy your new key “${created.name}”` : "Create an API key"} onDismiss={dismiss} returnFocus={returnFocus}>
      {created ? (
        <OnceShownKey
          projectId={projectId}
          apiKey={created.key}
          copied={copied}
          onCopied={() => {
            setCopied(true);
            setConfirmingClose(false);
          }}
          confirmingClose={confirmingClose}
          onDone={dismiss}
          onKeepOpen={() => setConfirmingClose(false)}
          onCloseAnyway={onClose}
        />
      ) : (
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            if (validate(name)) void create.run().then((ok) => ok || focusField(name));
          }}
        >
          <Field field={shownName} type="text" autocomplete="off" hint="Say where it will be used, such as ci-pipeline." />
          <div class="dialog-actions">
            <Button onClick={dismiss}>Cancel</Button>
            <Button type="submit" variant="primary" busy={create.pending} busyLabel="Creating…">
              Create key
            </Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
