import type { Deps } from "../../deps";
import { clientAddress } from "../../http/client-address";
import { created, ok } from "../../http/operations";
import { auditContext } from "../audit/context";
import { operations } from "../operations";
import * as account from "./service";

export const accountRoutes = (deps: Deps) =>
  operations()
    .handle("getMe", async ({ principal }) => ok({ data: await account.getMe(deps, principal) }))
    .handle("listOrganizations", async ({ principal }) => ok({ data: await account.listOrganizations(deps, principal) }))
    .handle("createOrganization", async ({ principal, body, request, server }) =>
      created({
        data: await account.createOrganization(
          deps,
          principal,
          body,
          clientAddress(request, server, deps.config.trustProxy),
          auditContext(request, server, deps.config.trustProxy),
        ),
      }),
    );
