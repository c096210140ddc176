import type { Deps } from "../../deps";
import { created, ok } from "../../http/operations";
import { auditContext } from "../audit/context";
import { operations } from "../operations";
import * as projects from "./service";

export const projectRoutes = (deps: Deps) =>
  operations()
    .handle("listOrganizationProjects", async ({ principal, params }) =>
      ok({ data: await projects.listOrganizationProjects(deps, principal, params.orgId) }),
    )
    .handle("createProject", async ({ principal, params, body, request, server }) =>
      created({
        data: await projects.createProject(deps, principal, params.orgId, body, auditContext(request, server, deps.config.trustProxy)),
      }),
    )
    .handle("listProjects", async ({ principal }) => ok({ data: await projects.listReachableProjects(deps, principal) }))
    .handle("getProject", async ({ principal, params }) => ok({ data: await projects.getProject(deps, principal, params.projectId) }));
