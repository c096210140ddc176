import { api, call, type Schemas } from "./api";

export type Me = Schemas["Me"];
export type Organization = Schemas["Organization"];
export type Project = Schemas["Project"];

/** What every signed-in view needs: who is signed in, their organizations and reachable projects. */
export type AppData = { me: Me; projects: Project[] };

export async function loadAppData(): Promise<AppData> {
  const [me, projects] = await Promise.all([call(() => api.GET("/private/me")), call(() => api.GET("/private/projects"))]);
  return { me: me.data, projects: projects.data };
}

/** The project a view is about, with its organization and the signed-in user's role there. */
export type ProjectContext = { me: Me; project: Project; organization: Organization };

export const canManageMembers = (organization: Organization) => organization.role !== "member";

export type Route =
  | { view: "sign-in" | "sign-up" }
  | { view: "project"; projectId: string; tab: "keys" | "jobs" | "members" }
  | { view: "organization"; orgId: string }
  | { view: "home" };

const TABS = new Set(["keys", "jobs", "members"]);

/** Routes live in the URL fragment, so a reload or a bookmark lands on the same screen. */
export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, "").split("/");
  if (parts[0] === "sign-in" || parts[0] === "sign-up") return { view: parts[0] };
  if (parts[0] === "projects" && parts[1]) {
    const tab = TABS.has(parts[2] ?? "") ? (parts[2] as "keys" | "jobs" | "members") : "keys";
    return { view: "project", projectId: parts[1], tab };
  }
  if (parts[0] === "organizations" && parts[1]) return { view: "organization", orgId: parts[1] };
  return { view: "home" };
}

export const projectHref = (projectId: string, tab = "keys") => `#/projects/${projectId}/${tab}`;
