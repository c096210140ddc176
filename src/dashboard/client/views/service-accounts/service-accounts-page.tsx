import { useRef, useState } from "preact/hooks";
import { api, call } from "../../api";
import { useAction } from "../../hooks/use-action";
import { useResource } from "../../hooks/use-resource";
import { href } from "../../routes";
import { announce } from "../../ui/announce";
import { Button } from "../../ui/button";
import { ConfirmDialog } from "../../ui/dialog";
import { Loaded } from "../../ui/loaded";
import { PageHeading } from "../../ui/page-heading";
import { TableHead } from "../../ui/table-head";
import { Time } from "../../ui/time";
import { Hidden } from "../../ui/visually-hidden";
import { creatorName, loadKeys, type ServiceAccount } from "../keys/load-keys";
import { canManageMembers } from "../shell/app-data";
import type { ViewProps } from "../shell/views";
import { CreateServiceAccountDialog } from "./create-service-account-dialog";

/**
 * The project's service accounts: who made each and how many active keys it holds. Owners and
 * admins create one (its first key shown once) and delete one, which ends its keys at once.
 */
export function ServiceAccountsPage({ ctx }: ViewProps<"service-accounts">) {
  const projectId = ctx.project.id;
  const data = useResource(() => loadKeys(ctx, "active", true), [projectId]);
  const [open, setOpen] = useState<{ kind: "create" } | { kind: "delete"; account: ServiceAccount } | null>(null);
  const createButton = useRef<HTMLButtonElement>(null);
  const mayManage = canManageMembers(ctx.organization);

  const remove = useAction(async (account: ServiceAccount) => {
    await call(() =>
      api.DELETE("/private/projects/{projectId}/service-accounts/{id}", { params: { path: { projectId, id: account.id } } }),
    );
    data.update((d) => ({ ...d, serviceAccounts: d.serviceAccounts.filter((a) => a.id !== account.id) }));
    setOpen(null);
    announce(`Service account ${account.name} deleted; its keys no longer work.`);
  });

  return (
    <>
      <PageHeading
        actions={
          mayManage && (
            <Button ref={createButton} variant="primary" onClick={() => setOpen({ kind: "create" })}>
              New service account
            </Button>
          )
        }
      >
        Service accounts
      </PageHeading>
      <p class="lead">
        A service account owns keys that belong to no person: jobs record it as their submitter, and its keys keep working when the person
        who made them leaves <strong>{ctx.organization.name}</strong>. Add more keys for one from{" "}
        <a href={href("keys", { projectId })}>API keys</a>.{mayManage ? "" : " Owners and admins create and delete them."}
      </p>
      <Loaded resource={data} what="service accounts">
        {(d) =>
          d.serviceAccounts.length === 0 ? (
            <div class="empty">
              <h2>No service accounts yet</h2>
              <p>Use one for a deployment or a shared integration, so its keys do not depend on one person's membership.</p>
            </div>
          ) : (
            <table class="table">
              <caption class="visually-hidden">Service accounts of {ctx.project.name}</caption>
              <TableHead columns={["Name", "Active keys", "Created", "Created by"]} actions={mayManage} />
              <tbody>
                {d.serviceAccounts.map((account) => (
                  <tr key={account.id}>
                    <td data-label="Name">{account.name}</td>
                    <td data-label="Active keys" class="number">
                      {d.keys.filter((k) => k.serviceAccountId === account.id).length}
                    </td>
                    <td data-label="Created">
                      <Time iso={account.createdAt} style="date" />
                    </td>
                    <td data-label="Created by">{creatorName(ctx, d.members, account.createdBy)}</td>
                    {mayManage && (
                      <td class="actions">
                        <Button small variant="danger-outline" onClick={() => setOpen({ kind: "delete", account })}>
                          Delete<Hidden> {account.name}</Hidden>
                        </Button>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loaded>
      {open?.kind === "create" && (
        <CreateServiceAccountDialog
          projectId={projectId}
          onCreated={(account) => {
            announce(`Service account ${account.name} created.`);
            data.reload();
          }}
          onClose={() => setOpen(null)}
          returnFocus={() => createButton.current}
        />
      )}
      {open?.kind === "delete" && (
        <ConfirmDialog
          title={`Delete the service account “${open.account.name}”?`}
          message={<p>Every key it holds stops working at once, on every server. This cannot be undone.</p>}
          action={`Delete “${open.account.name}”`}
          busyLabel="Deleting…"
          pending={remove.pending}
          error={remove.error}
          onConfirm={() => void remove.run(open.account)}
          onDismiss={() => {
            remove.setError(null);
            setOpen(null);
          }}
          returnFocus={() => createButton.current}
        />
      )}
    </>
  );
}
