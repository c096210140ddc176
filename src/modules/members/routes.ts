import type { Deps } from "../../deps";
import { created, ok } from "../../http/operations";
import { auditContext } from "../audit/context";
import { operations } from "../operations";
import { changeMemberRole } from "./role-change";
import * as members from "./service";

export const memberRoutes = (deps: Deps) =>
  operations()
    .handle("listMembers", async ({ principal, params }) => ok({ data: await members.listMembers(deps, principal, params.orgId) }))
    .handle("addMember", async ({ principal, params, body, request, server }) =>
      created({
        data: await members.addMember(deps, principal, params.orgId, body, auditContext(request, server, deps.config.trustProxy)),
      }),
    )
    .handle("changeMemberRole", async ({ principal, params, body, request, server }) =>
      ok({
        data: await changeMemberRole(
          deps,
          principal,
          params.orgId,
          params.userId,
          body,
          auditContext(request, server, deps.config.trustProxy),
        ),
      }),
    )
    .handle("removeMember", async ({ principal, params, request, server }) => {
      await members.removeMember(deps, principal, params.orgId, params.userId, auditContext(request, server, deps.config.trustProxy));
      return ok({ success: true as const });
    });
