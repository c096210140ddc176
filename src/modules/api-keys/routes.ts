import type { Deps } from "../../deps";
import { created, ok } from "../../http/operations";
import { operations } from "../operations";
import { listExpiringKeys } from "./expiring";
import { rollKey } from "./roll";
import * as keys from "./service";

// The responses that carry a secret: keep them out of every cache.
const noStore = { "cache-control": "no-store" };

export const apiKeyRoutes = (deps: Deps) =>
  operations()
    .handle("listApiKeys", async ({ principal, params, query }) =>
      ok({ data: await keys.listKeys(deps, principal, params.projectId, query) }),
    )
    .handle("createApiKey", async ({ principal, params, body }) =>
      created({ data: await keys.createKey(deps, principal, params.projectId, body) }, noStore),
    )
    .handle("renameApiKey", async ({ principal, params, body }) => {
      await keys.updateKey(deps, principal, params.projectId, params.id, body);
      return ok({ success: true as const });
    })
    .handle("revokeApiKey", async ({ principal, params }) => {
      await keys.revokeKey(deps, principal, params.projectId, params.id);
      return ok({ success: true as const });
    })
    .handle("rollApiKey", async ({ principal, params, body }) =>
      created({ data: await rollKey(deps, principal, params.projectId, params.id, body) }, noStore),
    )
    .handle("listExpiringApiKeys", async ({ principal, query }) => ok({ data: await listExpiringKeys(deps, principal, query) }));
