import { useId, useState } from "preact/hooks";
import { api, call, type Schemas } from "../../api";
import { useAction } from "../../hooks/use-action";
import { Button } from "../../ui/button";
import { Field, focusField, useField, validate } from "../../ui/field";
import type { Organization } from "../shell/app-data";

type Member = Schemas["Member"];
type Role = Member["role"];

/** Adds an existing account by email; only owners may make another owner. */
export function AddMemberForm({ organization, onAdded }: { organization: Organization; onAdded: (member: Member) => void }) {
  const email = useField("Email of an existing account", { required: true, email: true, maxLength: 254 });
  const [role, setRole] = useState<Role>("member");
  const roleId = useId();
  const add = useAction(async () => {
    const added = await call(() =>
      api.POST("/private/organizations/{orgId}/members", {
        params: { path: { orgId: organization.id } },
        body: { email: email.value, role },
      }),
    );
    email.setValue("");
    onAdded(added.data);
  });
  const shown = add.error ? { ...email, error: email.error ?? add.error } : email;
  return (
    <form
      class="add-member"
      noValidate
      aria-label="Add a member"
      onSubmit={(event) => {
        event.preventDefault();
        if (validate(email)) void add.run().then((ok) => ok || focusField(email));
      }}
    >
      <Field field={shown} type="email" autocomplete="off" />
      <div class="field">
        <label for={roleId}>Role</label>
        <select id={roleId} value={role} onChange={(event) => setRole(event.currentTarget.value as Role)}>
          <option value="member">Member</option>
          <option value="admin">Admin</option>
          {organization.role === "owner" && <option value="owner">Owner</option>}
        </select>
      </div>
      <Button type="submit" variant="primary" busy={add.pending} busyLabel="Adding…">
        Add member
      </Button>
    </form>
  );
}
