import type { Deps } from "../../deps";
import { created, ok } from "../../http/operations";
import { operations } from "../operations";
import * as members from "./service";

export const memberRoutes = (deps: Deps) =>
  operations()
    .handle("listMembers", async ({ principal, params }) => ok({ data: await members.listMembers(deps, principal, params.orgId) }))
    .handle("addMember", async ({ principal, params, body }) =>
      created({ data: await members.addMember(deps, principal, params.orgId, body) }),
    )
    .handle("removeMember", async ({ principal, params }) => {
      await members.removeMember(deps, principal, params.orgId, params.userId);
      return ok({ success: true as const });
    });
