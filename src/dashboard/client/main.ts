import { h, replace } from "./dom";
import { onSessionEnded, renewSession, signOut } from "./session";
import { canManageMembers, loadAppData, parseRoute, projectHref, type AppData, type Project } from "./state";
import { renderAuth } from "./views/auth";
import { renderJobs } from "./views/jobs";
import { renderKeys } from "./views/keys";
import { renderMembers } from "./views/members";
import { newProjectDialog, renderShell } from "./views/shell";

const root = document.getElementById("app")!;
document.body.append(h("div", { id: "announcer", class: "visually-hidden", "aria-live": "polite" }));
let data: AppData | null = null;
/** Set before a navigation the user started from a control that should keep focus (the switchers). */
let keepFocusOn: string | null = null;

async function enter(): Promise<void> {
  data = await loadAppData();
  await route();
}

async function leave(notice?: string): Promise<void> {
  data = null;
  if (location.hash !== "#/sign-in") history.replaceState(null, "", "#/sign-in");
  renderAuth(root, "sign-in", enter, notice);
}

/** Draws the screen the URL names; signed-out visitors see the sign-in or sign-up form. */
async function route(): Promise<void> {
  const target = parseRoute(location.hash);
  if (!data) {
    const mode = target.view === "sign-up" ? "sign-up" : "sign-in";
    if (location.hash !== `#/${mode}`) history.replaceState(null, "", `#/${mode}`);
    renderAuth(root, mode, enter);
    return;
  }
  const { me, projects } = data;
  const project = target.view === "project" ? projects.find((p) => p.id === target.projectId) : undefined;
  const orgId = target.view === "organization" ? target.orgId : project?.organizationId;
  const organization = me.organizations.find((o) => o.id === orgId);
  if (!organization) {
    const first = projects.find((p) => p.organizationId === me.organizations[0]?.id) ?? projects[0];
    history.replaceState(null, "", first ? projectHref(first.id) : `#/organizations/${me.organizations[0]?.id}`);
    return route();
  }
  const tab = target.view === "project" ? target.tab : undefined;
  if (project && tab === "members" && !canManageMembers(organization)) {
    history.replaceState(null, "", projectHref(project.id));
    return route();
  }
  const screen = !project ? organization.name : tab === "jobs" ? "Jobs" : tab === "members" ? "Members" : "API keys";
  document.title = `${screen}${project ? ` · ${project.name}` : ""} · AzScraper`;
  const main = renderShell(root, {
    data,
    organization,
    project,
    tab,
    onSignOut: async () => {
      await signOut().catch(() => {});
      await leave("You are signed out.");
    },
    onProjectCreated: openCreatedProject,
  });
  const focusAfter = keepFocusOn;
  keepFocusOn = null;
  const ctx = project && { me, project, organization };
  const drawn = !ctx
    ? emptyOrganization(main, organization.name, () => newProjectDialog(organization, openCreatedProject))
    : tab === "jobs"
      ? renderJobs(main, ctx)
      : tab === "members"
        ? renderMembers(main, ctx)
        : renderKeys(main, ctx);
  // Keep focus on a switcher the user just changed; otherwise land on the new screen's heading.
  (focusAfter ? document.getElementById(focusAfter) : main.querySelector<HTMLElement>("h1"))?.focus();
  await drawn;
}

async function openCreatedProject(created: Project): Promise<void> {
  data = await loadAppData();
  location.hash = projectHref(created.id);
}

async function emptyOrganization(main: HTMLElement, name: string, create: () => void): Promise<void> {
  const button = h("button", { type: "button", class: "button primary" }, "Create a project");
  button.addEventListener("click", create);
  replace(main, h("h1", { tabindex: -1 }, name), h("div", { class: "empty" }, h("p", {}, "This organization has no projects yet. API keys belong to a project: create one to start."), button));
}

document.addEventListener("change", (event) => {
  const id = (event.target as HTMLElement).id;
  if (id === "org-switcher" || id === "project-switcher") keepFocusOn = id;
}, true);
window.addEventListener("hashchange", () => void route());
onSessionEnded((reason) => void leave(reason));

async function boot(): Promise<void> {
  try {
    if (await renewSession()) return await enter();
    await route();
  } catch {
    const retry = h("button", { type: "button", class: "button" }, "Try again");
    retry.addEventListener("click", () => void boot());
    replace(root, h("main", { id: "main", class: "auth" }, h("h1", {}, "The dashboard cannot reach the server"), h("p", {}, "Check that the server is running and your connection works."), retry));
  }
}
void boot();
