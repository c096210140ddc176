import type { Deps } from "../../deps";
import { created, ok } from "../../http/operations";
import { auditContext } from "../audit/context";
import { operations } from "../operations";
import * as credits from "./service";

export const creditRoutes = (deps: Deps) =>
  operations()
    .handle("getCredits", async ({ principal, params, query }) => ok(await credits.getCredits(deps, principal, params.orgId, query)))
    .handle("grantCredits", async ({ principal, params, body, request, server }) =>
      created({
        data: await credits.grantCredits(deps, principal, params.orgId, body, auditContext(request, server, deps.config.trustProxy)),
      }),
    )
    .handle("setCreditLowThreshold", async ({ principal, params, body }) =>
      ok({ data: await credits.setLowThreshold(deps, principal, params.orgId, body) }),
    );
