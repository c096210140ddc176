import type { Deps } from "../../deps";
import { ok } from "../../http/operations";
import { operations } from "../operations";
import { getKeyUsage, getProjectUsage } from "./service";

export const usageRoutes = (deps: Deps) =>
  operations()
    .handle("getApiKeyUsage", async ({ principal, params, query }) =>
      ok({ data: await getKeyUsage(deps, principal, params.projectId, params.id, query) }),
    )
    .handle("getProjectUsage", async ({ principal, params, query }) =>
      ok({ data: await getProjectUsage(deps, principal, params.projectId, query) }),
    );
