import { Elysia } from "elysia";
import { principalPlugin } from "../../auth/principal";
import type { Deps } from "../../deps";
import type { Body, Reply } from "../../http/types";
import * as projects from "./service";

export const projectRoutes = (deps: Deps) =>
  new Elysia()
    .use(principalPlugin(deps))
    .get(
      "/private/organizations/:orgId/projects",
      async ({ principal, params }) =>
        ({ data: await projects.listOrganizationProjects(deps, principal, params.orgId) }) satisfies Reply<"/private/organizations/{orgId}/projects", "get", 200>,
      { session: true },
    )
    .post(
      "/private/organizations/:orgId/projects",
      async ({ principal, params, input, set }) => {
        const body = input.body as Body<"/private/organizations/{orgId}/projects", "post">;
        const project = await projects.createProject(deps, principal, params.orgId, body);
        set.status = 201;
        return { data: project } satisfies Reply<"/private/organizations/{orgId}/projects", "post", 201>;
      },
      { session: true },
    )
    .get(
      "/private/projects",
      async ({ principal }) =>
        ({ data: await projects.listReachableProjects(deps, principal) }) satisfies Reply<"/private/projects", "get", 200>,
      { session: true },
    )
    .get(
      "/projects/:projectId",
      async ({ principal, params }) =>
        ({ data: await projects.getProject(deps, principal, params.projectId) }) satisfies Reply<"/projects/{projectId}", "get", 200>,
      { keyOrSession: true },
    );
