import { api, call, type Schemas } from "../../api";

export type Me = Schemas["Me"];
export type Organization = Schemas["Organization"];
export type Project = Schemas["Project"];

/** Who is signed in, their organizations (with their role in each) and every project they reach. */
export type AppData = { me: Me; projects: Project[] };

export async function loadAppData(): Promise<AppData> {
  const [me, projects] = await Promise.all([call(() => api.GET("/private/me")), call(() => api.GET("/private/projects"))]);
  return { me: me.data, projects: projects.data };
}

/** What a project's view is about: the project, its organization and the signed-in user. */
export type ProjectContext = { me: Me; organization: Organization; project: Project };

export const canManageMembers = (organization: Organization) => organization.role !== "member";
