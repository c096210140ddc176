import { useState } from "preact/hooks";
import { api, call, type Schemas } from "../../api";
import { useAction } from "../../hooks/use-action";
import { Dialog } from "../../ui/dialog";
import { Field, useField, validate } from "../../ui/field";
import { FormActions } from "../../ui/form-actions";
import { useOnceShown } from "../../ui/once-shown-secret";
import { OnceShownKey } from "../keys/once-shown-key";

type Created = Schemas["CreatedServiceAccount"];

type Props = {
  projectId: string;
  onCreated: (account: Created) => void;
  onClose: () => void;
  returnFocus: () => HTMLElement | null;
};

/** New service account: a name, then its first key, shown once behind the same guard as Create key. */
export function CreateServiceAccountDialog({ projectId, onCreated, onClose, returnFocus }: Props) {
  const name = useField("Service account name", { required: true, maxLength: 100 });
  const [created, setCreated] = useState<Created | null>(null);
  const guard = useOnceShown(onClose);
  const create = useAction(async () => {
    const result = await call(() =>
      api.POST("/private/projects/{projectId}/service-accounts", { params: { path: { projectId } }, body: { name: name.value } }),
    );
    setCreated(result.data);
    onCreated(result.data);
  });
  const dismiss = () => {
    if (create.pending) return;
    if (created) guard.dismiss();
    else onClose();
  };
  return (
    <Dialog
      title={created ? `Copy the first key of “${created.name}”` : "New service account"}
      onDismiss={dismiss}
      returnFocus={returnFocus}
    >
      {created ? (
        <OnceShownKey guard={guard} projectId={projectId} apiKey={created.apiKey.key} />
      ) : (
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            if (validate(name)) void create.run();
          }}
        >
          <Field field={name} type="text" autocomplete="off" hint="What it is for, such as deploy-bot." />
          <FormActions request={create} action="Create service account" busyLabel="Creating…" onCancel={dismiss} />
        </form>
      )}
    </Dialog>
  );
}
