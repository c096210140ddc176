import type { VNode } from "preact";
import { useLayoutEffect, useState } from "preact/hooks";
import { useResource } from "../../hooks/use-resource";
import { redirect } from "../../router";
import { href, isProjectRoute, type ProjectRouteName, type Route } from "../../routes";
import { Loaded } from "../../ui/loaded";
import { type AppData, loadAppData } from "./app-data";
import { EmptyOrganization } from "./empty-organization";
import { Header } from "./header";
import { NewProjectDialog } from "./new-project-dialog";
import { Tabs } from "./tabs";
import { type ViewProps, views } from "./views";

type ShellProps = { route: Route | null; onSignOut: () => Promise<void> };

/**
 * The signed-in frame. Who the user is and which projects they reach is loaded again on every
 * navigation (behind what is shown), so a project created or a role changed elsewhere appears
 * without a reload; each view loads its own data when it opens.
 */
export function Shell({ route, onSignOut }: ShellProps) {
  const place = route ? href(route.name, route.params) : "";
  const app = useResource(async () => ({ ...(await loadAppData()), loadedFor: place }), [place], { keepOnChange: true });
  if (app.status !== "ready") {
    return (
      <main id="main" class="wrap">
        <Loaded resource={app} what="your projects">
          {() => null}
        </Loaded>
      </main>
    );
  }
  // Data from before this navigation may not know a project just created: wait for the fresh copy
  // rather than send the person elsewhere.
  if (app.data.loadedFor !== place && !resolvesWith(app.data, route)) return <p class="boot">Loading…</p>;
  return <Frame data={app.data} route={route} place={place} onSignOut={onSignOut} />;
}

type Resolved =
  | { redirect: string }
  | { organizationId: string; projectId?: undefined; route?: undefined }
  | { organizationId: string; projectId: string; route: Route<ProjectRouteName> };

const resolvesWith = (data: AppData, route: Route | null) => !("redirect" in resolve(data, route));

/** Which organization and project the address means, or where to go instead. */
function resolve({ me, projects }: AppData, route: Route | null): Resolved {
  if (route && isProjectRoute(route)) {
    const project = projects.find((p) => p.id === route.params.projectId);
    const organization = me.organizations.find((o) => o.id === project?.organizationId);
    if (!project || !organization) return { redirect: href("home", {}) };
    const allowed = views[route.name].allowed;
    if (allowed && !allowed(organization)) return { redirect: href("keys", { projectId: project.id }) };
    return { organizationId: organization.id, projectId: project.id, route };
  }
  const orgId = route?.name === "organization" ? route.params.orgId : me.organizations[0]?.id;
  const organization = me.organizations.find((o) => o.id === orgId) ?? me.organizations[0];
  const first = projects.find((p) => p.organizationId === organization?.id);
  if (first) return { redirect: href("keys", { projectId: first.id }) };
  if (!organization) return { organizationId: "" };
  return route?.name === "organization"
    ? { organizationId: organization.id }
    : { redirect: href("organization", { orgId: organization.id }) };
}

function Frame({ data, route, place, onSignOut }: { data: AppData; route: Route | null; place: string; onSignOut: () => Promise<void> }) {
  const [creatingProject, setCreatingProject] = useState(false);
  const resolved = resolve(data, route);
  const target = "redirect" in resolved ? resolved.redirect : null;
  const organization = "redirect" in resolved ? undefined : data.me.organizations.find((o) => o.id === resolved.organizationId);
  const project = "redirect" in resolved ? undefined : data.projects.find((p) => p.id === resolved.projectId);
  const view = "redirect" in resolved || !resolved.route ? undefined : views[resolved.route.name];

  useLayoutEffect(() => {
    if (target) redirect(target);
    else document.title = [view?.title, project?.name ?? organization?.name, "AzScraper"].filter(Boolean).join(" · ");
  });
  if (target) return null;

  const ctx = organization && project ? { me: data.me, organization, project } : undefined;
  return (
    <>
      {/* biome-ignore lint/a11y/useValidAnchor: a skip link is a link to #main by design; the handler only moves focus to the heading */}
      <a
        class="skip-link"
        href="#main"
        onClick={(event) => {
          event.preventDefault();
          (document.querySelector<HTMLElement>("main h1") ?? document.getElementById("main"))?.focus();
        }}
      >
        Skip to content
      </a>
      <Header
        data={data}
        organization={organization}
        project={project}
        tab={view?.tab}
        onSignOut={onSignOut}
        onNewProject={() => setCreatingProject(true)}
      />
      {ctx && view && <Tabs ctx={ctx} current={view.tab} />}
      <main id="main" tabIndex={-1} class="wrap">
        {ctx && !("redirect" in resolved) && resolved.route ? (
          // Keyed by the address without its query: opening another screen mounts it afresh (and
          // loads its data); changing a filter keeps it mounted.
          <ViewHost key={place} ctx={ctx} route={resolved.route} />
        ) : organization ? (
          <EmptyOrganization organization={organization} onCreate={() => setCreatingProject(true)} />
        ) : (
          <p>You are not a member of any organization.</p>
        )}
      </main>
      <footer class="footer">
        <div class="footer-inner wrap">
          <a href="/swagger">API reference</a>
          <a href="/openapi.yaml">OpenAPI contract</a>
        </div>
      </footer>
      {creatingProject && organization && <NewProjectDialog organization={organization} onDone={() => setCreatingProject(false)} />}
    </>
  );
}

function ViewHost({ ctx, route }: ViewProps<ProjectRouteName>) {
  // One cast: TypeScript cannot pair a route name with its own view's props through a union.
  const view = views[route.name] as unknown as { render(props: ViewProps<ProjectRouteName>): VNode };
  return view.render({ ctx, route });
}
