import { useState } from "preact/hooks";
import { navigate } from "../../router";
import { href, type SectionName } from "../../routes";
import { Button } from "../../ui/button";
import type { AppData, Organization, Project } from "./app-data";
import { views } from "./views";

type HeaderProps = {
  data: AppData;
  organization?: Organization;
  project?: Project;
  tab?: SectionName;
  onSignOut: () => Promise<void>;
  onNewProject: () => void;
};

/** The brand, the organization and project switchers, New project, and who is signed in. */
export function Header({ data, organization, project, tab, onSignOut, onNewProject }: HeaderProps) {
  const [signingOut, setSigningOut] = useState(false);
  const projects = data.projects.filter((p) => p.organizationId === organization?.id);

  // Switching keeps the same tab when the new place allows it.
  const openProject = (projectId: string, inOrganization?: Organization) => {
    const allowed = views[tab ?? "keys"].allowed;
    const keepTab = tab && (!allowed || (inOrganization && allowed(inOrganization)));
    navigate(href(keepTab ? tab : "keys", { projectId }));
  };
  const openOrganization = (orgId: string) => {
    const first = data.projects.find((p) => p.organizationId === orgId);
    const org = data.me.organizations.find((o) => o.id === orgId);
    if (first) openProject(first.id, org);
    else navigate(href("organization", { orgId }));
  };

  return (
    <header class="topbar">
      <div class="topbar-inner wrap">
        <p class="brand">AzScraper</p>
        <div class="switchers">
          <div class="switcher">
            <label for="org-switcher">Organization</label>
            <select
              id="org-switcher"
              data-keeps-focus
              value={organization?.id}
              onChange={(event) => openOrganization(event.currentTarget.value)}
            >
              {data.me.organizations.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name}
                </option>
              ))}
            </select>
          </div>
          <div class="switcher">
            <label for="project-switcher">Project</label>
            <select
              id="project-switcher"
              data-keeps-focus
              disabled={projects.length === 0}
              value={project?.id ?? ""}
              onChange={(event) => openProject(event.currentTarget.value, organization)}
            >
              {projects.length === 0 && <option value="">No projects yet</option>}
              {projects.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </div>
          <Button id="new-project" onClick={onNewProject}>
            New<span class="wide-only"> project</span>
          </Button>
        </div>
        <div class="account">
          <span class="who">{data.me.email}</span>
          <Button
            busy={signingOut}
            busyLabel="Signing out…"
            onClick={() => {
              setSigningOut(true);
              void onSignOut().finally(() => setSigningOut(false));
            }}
          >
            Sign out
          </Button>
        </div>
      </div>
    </header>
  );
}
