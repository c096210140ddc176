import type { Deps } from "../../deps";
import { ApiError } from "../../http/errors";
import { ok } from "../../http/operations";
import { operations } from "../operations";

export const serviceRoutes = (deps: Deps) =>
  operations()
    .handle("getHealth", () => ok({ status: "ok" as const }))
    .handle("getReady", async () => {
      try {
        await deps.ping();
      } catch {
        throw new ApiError("service_unavailable", "The database cannot be reached right now. Retry in a few seconds.");
      }
      return ok({ status: "ready" as const });
    });
