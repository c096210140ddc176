import { useRef } from "preact/hooks";
import { api, call } from "../../api";
import { useAction } from "../../hooks/use-action";
import { navigate } from "../../router";
import { href } from "../../routes";
import { Button } from "../../ui/button";
import { Dialog } from "../../ui/dialog";
import { Field, focusField, useField, validate } from "../../ui/field";
import type { Organization } from "./app-data";

/** Asks for a name, creates the project in the current organization and opens it. */
export function NewProjectDialog({ organization, onDone }: { organization: Organization; onDone: () => void }) {
  const name = useField("Project name", { required: true, maxLength: 100 });
  const created = useRef(false);
  const create = useAction(async () => {
    const project = await call(() =>
      api.POST("/private/organizations/{orgId}/projects", { params: { path: { orgId: organization.id } }, body: { name: name.value } }),
    );
    created.current = true;
    onDone();
    navigate(href("keys", { projectId: project.data.id }));
  });
  const shownName = create.error ? { ...name, error: name.error ?? create.error } : name;
  return (
    <Dialog
      title={`New project in ${organization.name}`}
      onDismiss={() => !create.pending && onDone()}
      returnFocus={() => (created.current ? document.querySelector<HTMLElement>("main h1") : null)}
    >
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (validate(name)) void create.run().then((ok) => ok || focusField(name));
        }}
      >
        <Field field={shownName} type="text" autocomplete="off" />
        <div class="dialog-actions">
          <Button onClick={onDone}>Cancel</Button>
          <Button type="submit" variant="primary" busy={create.pending} busyLabel="Creating…">
            Create project
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
