import { useRef, useState } from "preact/hooks";
import { api, call, type Schemas } from "../../api";
import { useAction } from "../../hooks/use-action";
import { useResource } from "../../hooks/use-resource";
import { announce } from "../../ui/announce";
import { Button } from "../../ui/button";
import { ConfirmDialog } from "../../ui/dialog";
import { Loaded } from "../../ui/loaded";
import { PageHeading } from "../../ui/page-heading";
import { Time } from "../../ui/time";
import { Hidden } from "../../ui/visually-hidden";
import type { ViewProps } from "../shell/views";
import { AddMemberForm } from "./add-member-form";

type Member = Schemas["Member"];

/** The organization's members, for owners and admins: add existing accounts by email, remove others. */
export function MembersPage({ ctx }: ViewProps<"members">) {
  const orgId = ctx.organization.id;
  const members = useResource(
    async () => (await call(() => api.GET("/private/organizations/{orgId}/members", { params: { path: { orgId } } }))).data,
    [orgId],
  );
  const [removing, setRemoving] = useState<Member | null>(null);
  const removed = useRef(false);
  const remove = useAction(async (member: Member) => {
    await call(() => api.DELETE("/private/organizations/{orgId}/members/{userId}", { params: { path: { orgId, userId: member.userId } } }));
    members.update((list) => list.filter((m) => m.userId !== member.userId));
    removed.current = true;
    setRemoving(null);
    announce(`${member.name} removed.`);
  });

  return (
    <>
      <PageHeading>Members</PageHeading>
      <p class="lead">
        Everyone here can use every project of <strong>{ctx.organization.name}</strong>. Owners and admins manage members and any key.
      </p>
      <AddMemberForm
        organization={ctx.organization}
        onAdded={(member) => {
          members.update((list) => [...list, member]);
          announce(`${member.name} added as ${member.role}.`);
        }}
      />
      <Loaded resource={members} what="members">
        {(list) => (
          <table class="table">
            <caption class="visually-hidden">Members of {ctx.organization.name}</caption>
            <thead>
              <tr>
                {["Name", "Email", "Role", "Joined"].map((column) => (
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
              {list.map((member) => (
                <tr key={member.userId}>
                  <td data-label="Name">{member.name}</td>
                  <td data-label="Email" class="email">
                    {member.email}
                  </td>
                  <td data-label="Role">{member.role}</td>
                  <td data-label="Joined">
                    <Time iso={member.joinedAt} style="date" />
                  </td>
                  <td class="actions">
                    {member.userId === ctx.me.id ? (
                      <span class="muted">You</span>
                    ) : (
                      <Button
                        small
                        variant="danger-outline"
                        onClick={() => {
                          removed.current = false;
                          setRemoving(member);
                        }}
                      >
                        Remove<Hidden> {member.name}</Hidden>
                      </Button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loaded>
      {removing && (
        <ConfirmDialog
          title={`Remove ${removing.name} from ${ctx.organization.name}?`}
          message={
            <p>{removing.email} loses access to the organization's projects, and the API keys they created here are revoked for good.</p>
          }
          action={`Remove ${removing.name}`}
          busyLabel="Removing…"
          pending={remove.pending}
          error={remove.error}
          onConfirm={() => void remove.run(removing)}
          onDismiss={() => {
            remove.setError(null);
            setRemoving(null);
          }}
          // The removed member's row is gone; after Cancel, focus goes back to their Remove button.
          returnFocus={() => (removed.current ? document.querySelector<HTMLElement>("main h1") : null)}
        />
      )}
    </>
  );
}
