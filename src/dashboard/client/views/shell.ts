import { api, call } from "../api";
import { openDialog } from "../dialog";
import { busy, field, h, replace } from "../dom";
import { canManageMembers, projectHref, type AppData, type Organization, type Project } from "../state";

export type ShellOptions = {
  data: AppData;
  organization: Organization;
  project?: Project;
  tab?: "keys" | "jobs" | "members";
  onSignOut: () => Promise<void>;
  /** After a project was created: reload the data and open it. */
  onProjectCreated: (project: Project) => Promise<void>;
};

function switchers(options: ShellOptions) {
  const { data, organization, project } = options;
  const org = h("select", { id: "org-switcher", name: "organization" });
  for (const o of data.me.organizations) org.append(h("option", { value: o.id, selected: o.id === organization.id }, o.name));
  org.addEventListener("change", () => {
    const first = data.projects.find((p) => p.organizationId === org.value);
    location.hash = first ? projectHref(first.id, options.tab) : `#/organizations/${org.value}`;
  });
  const projects = data.projects.filter((p) => p.organizationId === organization.id);
  const proj = h("select", { id: "project-switcher", name: "project", disabled: projects.length === 0 });
  for (const p of projects) proj.append(h("option", { value: p.id, selected: p.id === project?.id }, p.name));
  if (projects.length === 0) proj.append(h("option", { value: "" }, "No projects yet"));
  proj.addEventListener("change", () => (location.hash = projectHref(proj.value, options.tab)));
  const create = h("button", { type: "button", class: "button", id: "new-project" }, "New project");
  create.addEventListener("click", () => newProjectDialog(organization, options.onProjectCreated));
  return h(
    "div",
    { class: "switchers" },
    h("div", { class: "switcher" }, h("label", { for: org.id }, "Organization"), org),
    h("div", { class: "switcher" }, h("label", { for: proj.id }, "Project"), proj),
    create,
  );
}

/** Asks for a name and creates a project in the current organization. */
export function newProjectDialog(organization: Organization, onCreated: (project: Project) => Promise<void>) {
  openDialog({
    title: `New project in ${organization.name}`,
    body: (close) => {
      const name = field("Project name", { name: "project-name", type: "text", required: true, maxlength: 100, autocomplete: "off" });
      const submit = h("button", { type: "submit", class: "button primary" }, "Create project");
      const form = h("form", { novalidate: true }, name.wrapper, h("div", { class: "dialog-actions" }, h("button", { type: "button", class: "button", onclick: close }, "Cancel"), submit));
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        name.error.clear();
        try {
          const created = await busy(submit, "Creating…", () =>
            call(() => api.POST("/private/organizations/{orgId}/projects", { params: { path: { orgId: organization.id } }, body: { name: name.control.value } })),
          );
          close();
          await onCreated(created.data);
        } catch (error) {
          name.error.show((error as Error).message);
          name.control.focus();
        }
      });
      return [form];
    },
  });
}

function tabs(options: ShellOptions) {
  if (!options.project) return null;
  const links: [string, "keys" | "jobs" | "members"][] = [["API keys", "keys"], ["Jobs", "jobs"]];
  if (canManageMembers(options.organization)) links.push(["Members", "members"]);
  return h(
    "nav",
    { class: "tabs", "aria-label": "Project sections" },
    ...links.map(([label, tab]) =>
      h("a", { href: projectHref(options.project!.id, tab), "aria-current": tab === options.tab ? "page" : undefined }, label),
    ),
  );
}

/** The frame around every signed-in screen; returns the <main> element the screen fills. */
export function renderShell(root: HTMLElement, options: ShellOptions): HTMLElement {
  const main = h("main", { id: "main", tabindex: -1 });
  const skip = h("a", { class: "skip-link", href: "#main" }, "Skip to content");
  skip.addEventListener("click", (event) => {
    event.preventDefault();
    (main.querySelector<HTMLElement>("h1") ?? main).focus();
  });
  const signOut = h("button", { type: "button", class: "button" }, "Sign out");
  signOut.addEventListener("click", () => void busy(signOut, "Signing out…", options.onSignOut));
  replace(
    root,
    skip,
    h(
      "header",
      { class: "topbar" },
      h("p", { class: "brand" }, "AzScraper"),
      switchers(options),
      h("div", { class: "account" }, h("span", { class: "who" }, options.data.me.email), signOut),
    ),
    tabs(options),
    main,
  );
  return main;
}
