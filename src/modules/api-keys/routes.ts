import type { Deps } from "../../deps";
import { created, ok } from "../../http/operations";
import { operations } from "../operations";
import * as keys from "./service";

// The one response that carries a secret: keep it out of every cache.
const noStore = { "cache-control": "no-store" };

export const apiKeyRoutes = (deps: Deps) =>
  operations()
    .handle("listApiKeys", async ({ principal, params }) => ok({ data: await keys.listKeys(deps, principal, params.projectId) }))
    .handle("createApiKey", async ({ principal, params, body }) =>
      created({ data: await keys.createKey(deps, principal, params.projectId, body) }, noStore),
    )
    .handle("renameApiKey", async ({ principal, params, body }) => {
      await keys.renameKey(deps, principal, params.projectId, params.id, body);
      return ok({ success: true as const });
    })
    .handle("revokeApiKey", async ({ principal, params }) => {
      await keys.revokeKey(deps, principal, params.projectId, params.id);
      return ok({ success: true as const });
    });
