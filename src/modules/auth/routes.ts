import { Elysia } from "elysia";
import { principalPlugin } from "../../auth/principal";
import type { Deps } from "../../deps";
import { clientAddress } from "../../http/client-address";
import type { Body, Reply } from "../../http/types";
import * as auth from "./service";

export const authRoutes = (deps: Deps) =>
  new Elysia()
    .use(principalPlugin(deps))
    .post(
      "/auth/register",
      async ({ input, request, server, set }) => {
        const ip = clientAddress(request, server, deps.config.trustProxy);
        set.status = 201;
        return { data: await auth.register(deps, input.body as Body<"/auth/register", "post">, ip) } satisfies Reply<"/auth/register", "post", 201>;
      },
      { open: true },
    )
    .post(
      "/auth/login",
      async ({ input, request, server }) => {
        const ip = clientAddress(request, server, deps.config.trustProxy);
        return { data: await auth.login(deps, input.body as Body<"/auth/login", "post">, ip) } satisfies Reply<"/auth/login", "post", 200>;
      },
      { open: true },
    )
    .post(
      "/auth/refresh",
      async ({ input }) =>
        ({ data: await auth.refresh(deps, input.body as Body<"/auth/refresh", "post">) }) satisfies Reply<"/auth/refresh", "post", 200>,
      { open: true },
    )
    .post(
      "/auth/logout",
      async ({ input }) => {
        await auth.logout(deps, input.body as Body<"/auth/logout", "post">);
        return { success: true } satisfies Reply<"/auth/logout", "post", 200>;
      },
      { open: true },
    );
