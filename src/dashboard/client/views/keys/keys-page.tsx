import { useRef, useState } from "preact/hooks";
import { api, call } from "../../api";
import { curlLine, keyDisplay } from "../../format";
import { useAction } from "../../hooks/use-action";
import { useResource } from "../../hooks/use-resource";
import { navigate } from "../../router";
import { href } from "../../routes";
import { announce } from "../../ui/announce";
import { Button } from "../../ui/button";
import { SelectField } from "../../ui/choice";
import { ConfirmDialog } from "../../ui/dialog";
import { Loaded } from "../../ui/loaded";
import { PageHeading } from "../../ui/page-heading";
import { TableHead } from "../../ui/table-head";
import { canManageMembers } from "../shell/app-data";
import type { ViewProps } from "../shell/views";
import { CreateKeyDialog } from "./create-key-dialog";
import { EditKeyDialog } from "./edit-key-dialog";
import { ExpiringBanner } from "./expiring-banner";
import { KeyRow } from "./key-row";
import { KeySearch, matches } from "./key-search";
import { type ApiKey, isKeyStatusFilter, type KeysData, loadKeys, ownerName } from "./load-keys";
import { RollKeyDialog } from "./roll-key-dialog";

type Open = { kind: "create" } | { kind: "edit" | "roll"; key: ApiKey } | { kind: "revoke"; key: ApiKey; index: number } | null;

const statusOptions = [
  { value: "", label: "Active and expired" },
  { value: "active", label: "Active" },
  { value: "expired", label: "Expired" },
  { value: "revoked", label: "Revoked" },
  { value: "all", label: "All keys" },
] as const;

const COLUMNS = ["Name", "Key", "Status", "Access", "Limits", "Last used", "Belongs to"];

/**
 * The project's API keys: who each belongs to, its status, access and limits; Create key with
 * presets, rename in place, edit limits, roll with a grace period, revoke with confirmation; a
 * status filter (kept in the address) for the revoked ones, search by name, and a banner for keys
 * expiring soon anywhere.
 */
export function KeysPage({ ctx, route }: ViewProps<"keys">) {
  const projectId = ctx.project.id;
  const status = isKeyStatusFilter(route.query.status) ? route.query.status : undefined;
  // A new status filter reloads behind the table shown, so the filter keeps focus.
  const keys = useResource(() => loadKeys(ctx, status), [projectId, status], { keepOnChange: true });
  const [open, setOpen] = useState<Open>(null);
  const [search, setSearch] = useState("");
  const createButton = useRef<HTMLButtonElement>(null);
  const mayManage = canManageMembers(ctx.organization);

  const revoke = useAction(async (key: ApiKey) => {
    await call(() => api.DELETE("/private/projects/{projectId}/api-keys/{id}", { params: { path: { projectId, id: key.id } } }));
    // Out of the default view; in "All keys" it stays, now revoked.
    if (status === "all") keys.reload();
    else keys.update((d) => ({ ...d, keys: d.keys.filter((k) => k.id !== key.id) }));
    setOpen(null);
    announce(`Key ${key.name} revoked.`);
  });
  // The revoked row is gone: land on the next key's Revoke button, or on Create key.
  const afterRevoke = (index: number) => () => {
    const buttons = document.querySelectorAll<HTMLElement>("[data-revoke]");
    return buttons[Math.min(index, buttons.length - 1)] ?? createButton.current;
  };
  // After editing or rolling, back to the key's own button, found by the row (which re-renders).
  const backToRow = (key: ApiKey, label: string) => () =>
    document.querySelector<HTMLElement>(`tr[data-key-id="${key.id}"] [data-action="${label}"]`) ?? createButton.current;

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
        the person who created it (or its service account) and works only in this project.
      </p>
      <ExpiringBanner />
      {!(keys.data?.keys.length === 0 && !status) && (
        <div class="key-filters">
          <SelectField
            label="Show"
            keepsFocus
            value={status ?? ""}
            options={statusOptions}
            onChange={(value) => navigate(href("keys", { projectId }, { status: value }))}
          />
          <KeySearch
            value={search}
            onChange={setSearch}
            shown={(keys.data?.keys ?? []).filter((k) => matches(k, search)).length}
            total={keys.data?.keys.length ?? 0}
          />
        </div>
      )}
      <Loaded resource={keys} what="keys">
        {(data) => (data.keys.length === 0 && !status ? <NoKeys projectId={projectId} /> : keyTable(data))}
      </Loaded>
      {open?.kind === "create" && (
        <CreateKeyDialog
          projectId={projectId}
          serviceAccounts={mayManage ? (keys.data?.serviceAccounts ?? []) : []}
          onCreated={(name) => {
            announce(`Key ${name} created.`);
            keys.reload();
          }}
          onClose={() => setOpen(null)}
          returnFocus={() => createButton.current}
        />
      )}
      {open?.kind === "edit" && (
        <EditKeyDialog
          projectId={projectId}
          apiKey={open.key}
          onSaved={() => {
            announce(`Limits of ${open.key.name} saved.`);
            keys.reload();
          }}
          onClose={() => setOpen(null)}
          returnFocus={backToRow(open.key, "edit")}
        />
      )}
      {open?.kind === "roll" && (
        <RollKeyDialog
          projectId={projectId}
          apiKey={open.key}
          onRolled={() => {
            announce(`Key ${open.key.name} rolled.`);
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
        {data.keys.length === 0 && <p class="empty">No {statusOptions.find((o) => o.value === status)?.label.toLowerCase()} keys.</p>}
        {shown.length > 0 && (
          <table class="table keys-table">
            <caption class="visually-hidden">API keys of {ctx.project.name}</caption>
            <TableHead columns={COLUMNS} actions />
            <tbody>
              {shown.map((key) => (
                <KeyRow
                  key={key.id}
                  apiKey={key}
                  projectId={projectId}
                  owner={ownerName(ctx, data, key)}
                  onRenamed={(name) => keys.update((d) => ({ ...d, keys: d.keys.map((k) => (k.id === key.id ? { ...k, name } : k)) }))}
                  onEdit={() => setOpen({ kind: "edit", key })}
                  onRoll={() => setOpen({ kind: "roll", key })}
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
