import type { Server } from "bun";
import type { Deps } from "../../deps";
import { created, ok } from "../../http/operations";
import { auditContext } from "../audit/context";
import { operations } from "../operations";
import * as accounts from "./service";

// The creation answer carries the first key's secret: keep it out of every cache.
const noStore = { "cache-control": "no-store" };

export const serviceAccountRoutes = (deps: Deps) => {
  const context = (request: Request, server: Server<unknown> | null) => auditContext(request, server, deps.config.trustProxy);
  return operations()
    .handle("listServiceAccounts", async ({ principal, params }) =>
      ok({ data: await accounts.listServiceAccounts(deps, principal, params.projectId) }),
    )
    .handle("createServiceAccount", async ({ principal, params, body, request, server }) =>
      created({ data: await accounts.createServiceAccount(deps, principal, params.projectId, body, context(request, server)) }, noStore),
    )
    .handle("deleteServiceAccount", async ({ principal, params, request, server }) => {
      await accounts.deleteServiceAccount(deps, principal, params.projectId, params.id, context(request, server));
      return ok({ success: true as const });
    });
};
