import { Elysia } from "elysia";
import { principalPlugin } from "../../auth/principal";
import type { Deps } from "../../deps";
import { clientAddress } from "../../http/client-address";
import type { Body, Reply } from "../../http/types";
import * as account from "./service";

export const accountRoutes = (deps: Deps) =>
  new Elysia()
    .use(principalPlugin(deps))
    .get(
      "/private/me",
      async ({ principal }) => ({ data: await account.getMe(deps, principal) }) satisfies Reply<"/private/me", "get", 200>,
      { session: true },
    )
    .get(
      "/private/organizations",
      async ({ principal }) =>
        ({ data: await account.listOrganizations(deps, principal) }) satisfies Reply<"/private/organizations", "get", 200>,
      { session: true },
    )
    .post(
      "/private/organizations",
      async ({ principal, input, set, request, server }) => {
        set.status = 201;
        const body = input.body as Body<"/private/organizations", "post">;
        const ip = clientAddress(request, server, deps.config.trustProxy);
        return { data: await account.createOrganization(deps, principal, body, ip) } satisfies Reply<"/private/organizations", "post", 201>;
      },
      { session: true },
    );
