import { Elysia } from "elysia";
import { principalPlugin } from "../../auth/principal";
import type { Deps } from "../../deps";
import type { Body, Query, Reply } from "../../http/types";
import * as credits from "./service";

export const creditRoutes = (deps: Deps) =>
  new Elysia()
    .use(principalPlugin(deps))
    .get(
      "/private/organizations/:orgId/credits",
      async ({ principal, params, input }) => {
        const query = input.query as Query<"/private/organizations/{orgId}/credits", "get">;
        return (await credits.getCredits(deps, principal, params.orgId, query)) satisfies Reply<"/private/organizations/{orgId}/credits", "get", 200>;
      },
      { session: true },
    )
    .post(
      "/private/organizations/:orgId/credits/grants",
      async ({ principal, params, input, set }) => {
        const body = input.body as Body<"/private/organizations/{orgId}/credits/grants", "post">;
        const data = await credits.grantCredits(deps, principal, params.orgId, body);
        set.status = 201;
        return { data } satisfies Reply<"/private/organizations/{orgId}/credits/grants", "post", 201>;
      },
      { session: true },
    );
