import { Elysia } from "elysia";
import { principalPlugin } from "../../auth/principal";
import type { Deps } from "../../deps";
import type { Body, Reply } from "../../http/types";
import * as members from "./service";

export const memberRoutes = (deps: Deps) =>
  new Elysia()
    .use(principalPlugin(deps))
    .get(
      "/private/organizations/:orgId/members",
      async ({ principal, params }) =>
        ({ data: await members.listMembers(deps, principal, params.orgId) }) satisfies Reply<"/private/organizations/{orgId}/members", "get", 200>,
      { session: true },
    )
    .post(
      "/private/organizations/:orgId/members",
      async ({ principal, params, input, set }) => {
        const body = input.body as Body<"/private/organizations/{orgId}/members", "post">;
        const member = await members.addMember(deps, principal, params.orgId, body);
        set.status = 201;
        return { data: member } satisfies Reply<"/private/organizations/{orgId}/members", "post", 201>;
      },
      { session: true },
    )
    .delete(
      "/private/organizations/:orgId/members/:userId",
      async ({ principal, params }) => {
        await members.removeMember(deps, principal, params.orgId, params.userId);
        return { success: true } satisfies Reply<"/private/organizations/{orgId}/members/{userId}", "delete", 200>;
      },
      { session: true },
    );
