import { Elysia } from "elysia";
import { principalPlugin } from "../../auth/principal";
import type { Deps } from "../../deps";
import type { Body, Reply } from "../../http/types";
import * as keys from "./service";

const item = "/private/projects/{projectId}/api-keys/{id}" as const;

export const apiKeyRoutes = (deps: Deps) =>
  new Elysia()
    .use(principalPlugin(deps))
    .get(
      "/private/projects/:projectId/api-keys",
      async ({ principal, params }) =>
        ({ data: await keys.listKeys(deps, principal, params.projectId) }) satisfies Reply<"/private/projects/{projectId}/api-keys", "get", 200>,
      { session: true },
    )
    .post(
      "/private/projects/:projectId/api-keys",
      async ({ principal, params, input, set }) => {
        const body = input.body as Body<"/private/projects/{projectId}/api-keys", "post">;
        const created = await keys.createKey(deps, principal, params.projectId, body);
        set.status = 201;
        // The one response that carries a secret: keep it out of every cache.
        set.headers["cache-control"] = "no-store";
        return { data: created } satisfies Reply<"/private/projects/{projectId}/api-keys", "post", 201>;
      },
      { session: true },
    )
    .patch(
      "/private/projects/:projectId/api-keys/:id",
      async ({ principal, params, input }) => {
        await keys.renameKey(deps, principal, params.projectId, params.id, input.body as Body<typeof item, "patch">);
        return { success: true } satisfies Reply<typeof item, "patch", 200>;
      },
      { session: true },
    )
    .delete(
      "/private/projects/:projectId/api-keys/:id",
      async ({ principal, params }) => {
        await keys.revokeKey(deps, principal, params.projectId, params.id);
        return { success: true } satisfies Reply<typeof item, "delete", 200>;
      },
      { session: true },
    );
