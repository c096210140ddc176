import { useLayoutEffect, useRef, useState } from "preact/hooks";
import { api, call } from "../../api";
import { keyDisplay } from "../../format";
import { useAction } from "../../hooks/use-action";
import { announce } from "../../ui/announce";
import { Button } from "../../ui/button";
import { Field, focusField, useField, validate } from "../../ui/field";
import { Time } from "../../ui/time";
import { Hidden } from "../../ui/visually-hidden";
import type { ApiKey } from "./load-keys";

type KeyRowProps = {
  apiKey: ApiKey;
  projectId: string;
  creator: string;
  onRenamed: (name: string) => void;
  onRevoke: () => void;
};

/** One key: its name (renamed in place), hint, dates and creator, and its Rename and Revoke buttons. */
export function KeyRow({ apiKey, projectId, creator, onRenamed, onRevoke }: KeyRowProps) {
  const [editing, setEditing] = useState(false);
  const renameButton = useRef<HTMLButtonElement>(null);
  const backToButton = useRef(false);
  const name = useField(`New name for key ${apiKey.name}`, { required: true, maxLength: 100 }, apiKey.name);
  const save = useAction(async () => {
    await call(() =>
      api.PATCH("/private/projects/{projectId}/api-keys/{id}", {
        params: { path: { projectId, id: apiKey.id } },
        body: { name: name.value },
      }),
    );
    const renamed = name.value.trim();
    onRenamed(renamed);
    announce(`Key renamed to ${renamed}.`);
    stopEditing();
  });

  const startEditing = () => {
    name.setValue(apiKey.name);
    name.setError(null);
    save.setError(null);
    setEditing(true);
  };
  const stopEditing = () => {
    backToButton.current = true;
    setEditing(false);
  };
  useLayoutEffect(() => {
    if (editing) {
      focusField(name);
      name.ref.current?.select();
    } else if (backToButton.current) {
      backToButton.current = false;
      renameButton.current?.focus();
    }
  }, [editing]);

  const shownName = save.error ? { ...name, error: name.error ?? save.error } : name;
  return (
    <tr data-key-id={apiKey.id}>
      <td data-label="Name" class="key-name">
        {editing ? (
          <form
            class="inline-form"
            noValidate
            onSubmit={(event) => {
              event.preventDefault();
              if (validate(name)) void save.run().then((ok) => ok || focusField(name));
            }}
          >
            <Field
              field={shownName}
              labelHidden
              class="inline-field"
              type="text"
              autocomplete="off"
              onKeyDown={(event) => {
                if (event.key !== "Escape") return;
                event.preventDefault();
                stopEditing();
              }}
            />
            <Button type="submit" small variant="primary" busy={save.pending} busyLabel="Saving…">
              Save
            </Button>
            <Button small onClick={stopEditing}>
              Cancel
            </Button>
          </form>
        ) : (
          apiKey.name
        )}
      </td>
      <td data-label="Key">
        <code>{keyDisplay(apiKey.prefix, apiKey.keyHint)}</code>
      </td>
      <td data-label="Created">
        <Time iso={apiKey.createdAt} style="date" />
      </td>
      <td data-label="Last used">
        {apiKey.lastUsedAt ? <Time iso={apiKey.lastUsedAt} /> : "Never"}
        {apiKey.lastUsedIp ? ` from ${apiKey.lastUsedIp}` : ""}
      </td>
      <td data-label="Created by">{creator}</td>
      <td class="actions">
        {!editing && (
          <Button ref={renameButton} small onClick={startEditing}>
            Rename<Hidden> {apiKey.name}</Hidden>
          </Button>
        )}
        <Button small variant="danger-outline" data-revoke onClick={onRevoke}>
          Revoke<Hidden> {apiKey.name}</Hidden>
        </Button>
      </td>
    </tr>
  );
}
