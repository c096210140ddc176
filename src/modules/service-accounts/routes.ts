import type { Deps } from "../../deps";
import { created, ok } from "../../http/operations";
import { operations } from "../operations";
import * as accounts from "./service";

// The creation answer carries the first key's secret: keep it out of every cache.
const noStore = { "cache-control": "no-store" };

export const serviceAccountRoutes = (deps: Deps) =>
  operations()
    .handle("listServiceAccounts", async ({ principal, params }) =>
      ok({ data: await accounts.listServiceAccounts(deps, principal, params.projectId) }),
    )
    .handle("createServiceAccount", async ({ principal, params, body }) =>
      created({ data: await accounts.createServiceAccount(deps, principal, params.projectId, body) }, noStore),
    )
    .handle("deleteServiceAccount", async ({ principal, params }) => {
      await accounts.deleteServiceAccount(deps, principal, params.projectId, params.id);
      return ok({ success: true as const });
    });
