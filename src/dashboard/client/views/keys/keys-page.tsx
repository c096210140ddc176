import { useRef, useState } from "preact/hooks";
import { api, call } from "../../api";
import { curlLine, keyDisplay } from "../../format";
import { useAction } from "../../hooks/use-action";
import { useResource } from "../../hooks/use-resource";
import { announce } from "../../ui/announce";
import { Button } from "../../ui/button";
import { ConfirmDialog } from "../../ui/dialog";
import { Loaded } from "../../ui/loaded";
import { PageHeading } from "../../ui/page-heading";
import { Hidden } from "../../ui/visually-hidden";
import type { ViewProps } from "../shell/views";
import { CreateKeyDialog } from "./create-key-dialog";
import { KeyRow } from "./key-row";
import { KeySearch, matches } from "./key-search";
import { type ApiKey, creatorName, type KeysData, loadKeys } from "./load-keys";

type Open = { kind: "create" } | { kind: "revoke"; key: ApiKey; index: number } | null;

/** The project's API keys: the table, search by name, Create key, rename in place, revoke with confirmation. */
export function KeysPage({ ctx }: ViewProps<"keys">) {
  const projectId = ctx.project.id;
  const keys = useResource(() => loadKeys(ctx), [projectId]);
  const [open, setOpen] = useState<Open>(null);
  const [search, setSearch] = useState("");
  const createButton = useRef<HTMLButtonElement>(null);

  const revoke = useAction(async (key: ApiKey) => {
    await call(() => api.DELETE("/private/projects/{projectId}/api-keys/{id}", { params: { path: { projectId, id: key.id } } }));
    keys.update((d) => ({ ...d, keys: d.keys.filter((k) => k.id !== key.id) }));
    setOpen(null);
    announce(`Key ${key.name} revoked.`);
  });
  // The revoked row is gone: land on the next key's Revoke button, or on Create key.
  const afterRevoke = (index: number) => () => {
    const buttons = document.querySelectorAll<HTMLElement>("[data-revoke]");
    return buttons[Math.min(index, buttons.length - 1)] ?? createButton.current;
  };

  return (
    <>
      <PageHeading
        actions={
          <Button ref={createButton} id="create-key" variant="primary" onClick={() => setOpen({ kind: "create" })}>
            Create key
          </Button>
        }
      >
        API keys
      </PageHeading>
      <p class="lead">
        Keys let a script or integration call the AzScraper API for <strong>{ctx.project.name}</strong> without your password. A key acts as
        the person who created it and works only in this project.
      </p>
      <Loaded resource={keys} what="keys">
        {(data) => (data.keys.length === 0 ? <NoKeys projectId={projectId} /> : keyTable(data))}
      </Loaded>
      {open?.kind === "create" && (
        <CreateKeyDialog
          projectId={projectId}
          onCreated={(name) => {
            announce(`Key ${name} created.`);
            keys.reload();
          }}
          onClose={() => setOpen(null)}
          returnFocus={() => createButton.current}
        />
      )}
      {open?.kind === "revoke" && (
        <ConfirmDialog
          title={`Revoke the key “${open.key.name}”?`}
          message={
            <p>
              Scripts using <code>{keyDisplay(open.key.prefix, open.key.keyHint)}</code> will get 401 Unauthorized from their next request.
              This cannot be undone.
            </p>
          }
          action={`Revoke “${open.key.name}”`}
          busyLabel="Revoking…"
          pending={revoke.pending}
          error={revoke.error}
          onConfirm={() => void revoke.run(open.key)}
          onDismiss={() => {
            revoke.setError(null);
            setOpen(null);
          }}
          returnFocus={afterRevoke(open.index)}
        />
      )}
    </>
  );

  // A plain function, not a component: a component declared in here would be a new type on every
  // render, and Preact would rebuild the table (losing focus and any rename in progress).
  function keyTable(data: KeysData) {
    const shown = data.keys.filter((k) => matches(k, search));
    return (
      <>
        <KeySearch value={search} onChange={setSearch} shown={shown.length} total={data.keys.length} />
        {shown.length > 0 && (
          <table class="table">
            <caption class="visually-hidden">API keys of {ctx.project.name}</caption>
            <thead>
              <tr>
                {["Name", "Key", "Created", "Last used", "Created by"].map((column) => (
                  <th key={column} scope="col">
                    {column}
                  </th>
                ))}
                <th scope="col">
                  <Hidden>Actions</Hidden>
                </th>
              </tr>
            </thead>
            <tbody>
              {shown.map((key) => (
                <KeyRow
                  key={key.id}
                  apiKey={key}
                  projectId={projectId}
                  creator={creatorName(ctx, data.members, key.createdBy)}
                  onRenamed={(name) => keys.update((d) => ({ ...d, keys: d.keys.map((k) => (k.id === key.id ? { ...k, name } : k)) }))}
                  onRevoke={() => setOpen({ kind: "revoke", key, index: shown.indexOf(key) })}
                />
              ))}
            </tbody>
          </table>
        )}
      </>
    );
  }
}

function NoKeys({ projectId }: { projectId: string }) {
  return (
    <div class="empty">
      <h2>No API keys yet</h2>
      <p>
        An API key lets a script call the API without logging in with a password. Treat it like a password: anyone with it can spend your
        credits.
      </p>
      <p>Once you create one, a script sends it as a Bearer token:</p>
      <pre class="curl">
        <code>{curlLine(projectId)}</code>
      </pre>
    </div>
  );
}
