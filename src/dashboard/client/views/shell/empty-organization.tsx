import { Button } from "../../ui/button";
import { PageHeading } from "../../ui/page-heading";
import type { Organization } from "./app-data";

/** An organization without projects: keys, jobs and the rest all belong to a project. */
export function EmptyOrganization({ organization, onCreate }: { organization: Organization; onCreate: () => void }) {
  return (
    <>
      <PageHeading>{organization.name}</PageHeading>
      <div class="empty">
        <p>This organization has no projects yet. API keys belong to a project: create one to start.</p>
        <Button variant="primary" onClick={onCreate}>
          Create a project
        </Button>
      </div>
    </>
  );
}
