import { useLayoutEffect, useRef, useState } from "preact/hooks";
import { api, call } from "../../api";
import { keyDisplay } from "../../format";
import { useAction } from "../../hooks/use-action";
import { announce } from "../../ui/announce";
import { Button } from "../../ui/button";
import { Field, focusField, useField, validate } from "../../ui/field";
import { Time } from "../../ui/time";
import { Hidden } from "../../ui/visually-hidden";
import { accessWords, addressWords, creditLimitWords, keyState, rateLimitWords } from "./key-words";
import type { ApiKey } from "./load-keys";

type KeyRowProps = {
  apiKey: ApiKey;
  projectId: string;
  owner: string;
  onRenamed: (name: string) => void;
  onEdit: () => void;
  onRoll: () => void;
  onRevoke: () => void;
};

/**
 * One key: its name (renamed in place), hint, status, access, limits, last use and who it acts
 * as, and its Rename, Edit limits, Roll and Revoke buttons (none for a revoked key).
 */
export function KeyRow({ apiKey, projectId, owner, onRenamed, onEdit, onRoll, onRevoke }: KeyRowProps) {
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

  const state = keyState(apiKey);
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
        <div>
          <code>{keyDisplay(apiKey.prefix, apiKey.keyHint)}</code>
          <span class="cell-note">
            created <Time iso={apiKey.createdAt} style="date" />
          </span>
        </div>
      </td>
      <td data-label="Status">
        <div>
          <span class={`status key-${state.tone}`}>{state.words}</span>
          {apiKey.revokedAt && apiKey.status === "revoked" ? (
            <span class="cell-note">
              <Time iso={apiKey.revokedAt} style="date" />
            </span>
          ) : (
            apiKey.expiresAt &&
            apiKey.status === "active" && (
              <span class="cell-note">
                until <Time iso={apiKey.expiresAt} style="date" />
              </span>
            )
          )}
        </div>
      </td>
      <td data-label="Access">
        <div>
          {accessWords(apiKey.scopes)}
          <span class="cell-note">{addressWords(apiKey.allowedIps)}</span>
        </div>
      </td>
      <td data-label="Limits">
        <div>
          {creditLimitWords(apiKey.creditLimit)}
          <span class="cell-note">{rateLimitWords(apiKey.rateLimit)}</span>
        </div>
      </td>
      <td data-label="Last used">
        <div>
          {apiKey.lastUsedAt ? <Time iso={apiKey.lastUsedAt} /> : "Never"}
          {apiKey.lastUsedIp && <span class="cell-note">from {apiKey.lastUsedIp}</span>}
        </div>
      </td>
      <td data-label="Belongs to">{owner}</td>
      <td class="actions">
        {apiKey.status !== "revoked" && (
          <>
            {!editing && (
              <Button ref={renameButton} small onClick={startEditing}>
                Rename<Hidden> {apiKey.name}</Hidden>
              </Button>
            )}
            <Button small data-action="edit" onClick={onEdit}>
              Edit limits<Hidden> of {apiKey.name}</Hidden>
            </Button>
            {apiKey.status === "active" && !apiKey.revokedAt && (
              <Button small onClick={onRoll}>
                Roll<Hidden> {apiKey.name}</Hidden>
              </Button>
            )}
            <Button small variant="danger-outline" data-revoke onClick={onRevoke}>
              Revoke<Hidden> {apiKey.name}</Hidden>
            </Button>
          </>
        )}
      </td>
    </tr>
  );
}
