import { useState } from "preact/hooks";
import { api, call } from "../../api";
import { useAction } from "../../hooks/use-action";
import { SelectField } from "../../ui/choice";
import { Dialog } from "../../ui/dialog";
import { Field, useField, validate } from "../../ui/field";
import { FormActions } from "../../ui/form-actions";
import { useOnceShown } from "../../ui/once-shown-secret";
import { KeyLimitsFields, useKeyLimits } from "./key-limits";
import type { ServiceAccount } from "./load-keys";
import { OnceShownKey } from "./once-shown-key";

type CreateKeyProps = {
  projectId: string;
  /** Service accounts the key may belong to; empty when the user may not make keys for them. */
  serviceAccounts: ServiceAccount[];
  onCreated: (name: string) => void;
  onClose: () => void;
  returnFocus: () => HTMLElement | null;
};

/**
 * Create key: a name and the key's limits (presets for expiry and access), then the full key,
 * once, behind the guard that will not let a stray Escape close it before it was copied.
 */
export function CreateKeyDialog({ projectId, serviceAccounts, onCreated, onClose, returnFocus }: CreateKeyProps) {
  const name = useField("Key name", { required: true, maxLength: 100 });
  const limits = useKeyLimits();
  const [owner, setOwner] = useState("");
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const guard = useOnceShown(onClose);
  const create = useAction(async (body: NonNullable<ReturnType<typeof limits.toBody>>) => {
    const result = await call(() =>
      api.POST("/private/projects/{projectId}/api-keys", {
        params: { path: { projectId } },
        body: { name: name.value, ...body, ...(owner ? { serviceAccountId: owner } : {}) },
      }),
    );
    setCreated({ name: result.data.name, key: result.data.key });
    onCreated(result.data.name);
  });

  const dismiss = () => {
    if (create.pending) return;
    if (created) guard.dismiss();
    else onClose();
  };

  return (
    <Dialog title={created ? `Copy your new key “${created.name}”` : "Create an API key"} onDismiss={dismiss} returnFocus={returnFocus}>
      {created ? (
        <OnceShownKey guard={guard} projectId={projectId} apiKey={created.key} />
      ) : (
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            const body = validate(name) ? limits.toBody() : null;
            if (body) void create.run(body);
          }}
        >
          <Field field={name} type="text" autocomplete="off" hint="Say where it will be used, such as ci-pipeline." />
          {serviceAccounts.length > 0 && (
            <SelectField
              label="Belongs to"
              value={owner}
              onChange={setOwner}
              options={[{ value: "", label: "You" }, ...serviceAccounts.map((a) => ({ value: a.id, label: `Service account ${a.name}` }))]}
              hint="A service account's key keeps working when people leave the organization."
            />
          )}
          <KeyLimitsFields limits={limits} />
          <FormActions request={create} action="Create key" busyLabel="Creating…" onCancel={dismiss} />
        </form>
      )}
    </Dialog>
  );
}
