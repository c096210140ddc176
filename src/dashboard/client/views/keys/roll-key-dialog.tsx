import { useState } from "preact/hooks";
import { api, call } from "../../api";
import { keyDisplay } from "../../format";
import { useAction } from "../../hooks/use-action";
import { SelectField } from "../../ui/choice";
import { Dialog } from "../../ui/dialog";
import { FormActions } from "../../ui/form-actions";
import { useOnceShown } from "../../ui/once-shown-secret";
import { Time } from "../../ui/time";
import type { ApiKey } from "./load-keys";
import { OnceShownKey } from "./once-shown-key";

const graces = [
  { value: "3600", label: "1 hour" },
  { value: "86400", label: "24 hours" },
  { value: "604800", label: "7 days" },
  { value: "0", label: "No grace: end the old key now" },
] as const;
type Grace = (typeof graces)[number]["value"];

type RollKeyProps = {
  projectId: string;
  apiKey: ApiKey;
  onRolled: () => void;
  onClose: () => void;
  returnFocus: () => HTMLElement | null;
};

/**
 * Roll: a new key with the same name and limits, shown once; the old key keeps working for the
 * grace period, and the dialog says until when (the server's time, from the roll's answer).
 */
export function RollKeyDialog({ projectId, apiKey, onRolled, onClose, returnFocus }: RollKeyProps) {
  const [grace, setGrace] = useState<Grace>("86400");
  const [rolled, setRolled] = useState<{ key: string; oldEndsAt: string } | null>(null);
  const guard = useOnceShown(onClose);
  const roll = useAction(async () => {
    const path = { params: { path: { projectId, id: apiKey.id } } };
    const result = await call(() =>
      api.POST("/private/projects/{projectId}/api-keys/{id}/roll", { ...path, body: { gracePeriodSeconds: Number(grace) } }),
    );
    setRolled({ key: result.data.key, oldEndsAt: result.data.rolledFromEndsAt });
    onRolled();
  });
  const dismiss = () => {
    if (roll.pending) return;
    if (rolled) guard.dismiss();
    else onClose();
  };
  return (
    <Dialog
      title={rolled ? `Copy the new key for “${apiKey.name}”` : `Roll the key “${apiKey.name}”?`}
      onDismiss={dismiss}
      returnFocus={returnFocus}
    >
      {rolled ? (
        <OnceShownKey guard={guard} projectId={projectId} apiKey={rolled.key}>
          <p class="notice" data-old-key-ends>
            The old key <code>{keyDisplay(apiKey.prefix, apiKey.keyHint)}</code>{" "}
            {new Date(rolled.oldEndsAt) > new Date() ? (
              <>
                keeps working until <Time iso={rolled.oldEndsAt} style="exact" />.
              </>
            ) : (
              "has stopped working."
            )}
          </p>
        </OnceShownKey>
      ) : (
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            void roll.run();
          }}
        >
          <p>
            A new key replaces <code>{keyDisplay(apiKey.prefix, apiKey.keyHint)}</code> with the same name and limits. Put it in place while
            the old one still works.
          </p>
          <SelectField label="The old key keeps working for" value={grace} options={graces} onChange={setGrace} />
          <FormActions request={roll} action="Roll key" busyLabel="Rolling…" onCancel={onClose} />
        </form>
      )}
    </Dialog>
  );
}
