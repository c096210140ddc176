import type { Server } from "bun";
import type { Deps } from "../../deps";
import { created, ok } from "../../http/operations";
import { auditContext } from "../audit/context";
import { operations } from "../operations";
import { listExpiringKeys } from "./expiring";
import { rollKey } from "./roll";
import * as keys from "./service";

// The responses that carry a secret: keep them out of every cache.
const noStore = { "cache-control": "no-store" };

export const apiKeyRoutes = (deps: Deps) => {
  const context = (request: Request, server: Server<unknown> | null) => auditContext(request, server, deps.config.trustProxy);
  return operations()
    .handle("listApiKeys", async ({ principal, params, query }) =>
      ok({ data: await keys.listKeys(deps, principal, params.projectId, query) }),
    )
    .handle("createApiKey", async ({ principal, params, body, request, server }) =>
      created({ data: await keys.createKey(deps, principal, params.projectId, body, context(request, server)) }, noStore),
    )
    .handle("renameApiKey", async ({ principal, params, body, request, server }) => {
      await keys.updateKey(deps, principal, params.projectId, params.id, body, context(request, server));
      return ok({ success: true as const });
    })
    .handle("revokeApiKey", async ({ principal, params, request, server }) => {
      await keys.revokeKey(deps, principal, params.projectId, params.id, context(request, server));
      return ok({ success: true as const });
    })
    .handle("rollApiKey", async ({ principal, params, body, request, server }) =>
      created({ data: await rollKey(deps, principal, params.projectId, params.id, body, context(request, server)) }, noStore),
    )
    .handle("listExpiringApiKeys", async ({ principal, query }) => ok({ data: await listExpiringKeys(deps, principal, query) }));
};
