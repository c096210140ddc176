import type { Server } from "bun";
import type { Deps } from "../../deps";
import { created, ok } from "../../http/operations";
import { auditContext } from "../audit/context";
import { operations } from "../operations";
import * as keys from "./service";

// The one response that carries a secret: keep it out of every cache.
const noStore = { "cache-control": "no-store" };

export const apiKeyRoutes = (deps: Deps) => {
  const context = (request: Request, server: Server<unknown> | null) => auditContext(request, server, deps.config.trustProxy);
  return operations()
    .handle("listApiKeys", async ({ principal, params }) => ok({ data: await keys.listKeys(deps, principal, params.projectId) }))
    .handle("createApiKey", async ({ principal, params, body, request, server }) =>
      created({ data: await keys.createKey(deps, principal, params.projectId, body, context(request, server)) }, noStore),
    )
    .handle("renameApiKey", async ({ principal, params, body, request, server }) => {
      await keys.renameKey(deps, principal, params.projectId, params.id, body, context(request, server));
      return ok({ success: true as const });
    })
    .handle("revokeApiKey", async ({ principal, params, request, server }) => {
      await keys.revokeKey(deps, principal, params.projectId, params.id, context(request, server));
      return ok({ success: true as const });
    });
};
