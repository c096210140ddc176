import type { Deps } from "../../deps";
import { created, ok } from "../../http/operations";
import { auditContext } from "../audit/context";
import { operations } from "../operations";
import * as auth from "./service";

export const authRoutes = (deps: Deps) =>
  operations()
    .handle("register", async ({ body, request, server }) =>
      created({ data: await auth.register(deps, body, auditContext(request, server, deps.config.trustProxy)) }),
    )
    .handle("login", async ({ body, request, server }) =>
      ok({ data: await auth.login(deps, body, auditContext(request, server, deps.config.trustProxy)) }),
    )
    .handle("refresh", async ({ body }) => ok({ data: await auth.refresh(deps, body) }))
    .handle("logout", async ({ body }) => {
      await auth.logout(deps, body);
      return ok({ success: true as const });
    });
