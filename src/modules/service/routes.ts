import { Elysia } from "elysia";
import type { Deps } from "../../deps";
import { ApiError } from "../../http/errors";
import type { Reply } from "../../http/types";

export const serviceRoutes = (deps: Deps) =>
  new Elysia()
    .get("/health", () => ({ status: "ok" }) satisfies Reply<"/health", "get", 200>)
    .get("/ready", async () => {
      try {
        await deps.ping();
      } catch {
        throw new ApiError("service_unavailable", "The database cannot be reached right now. Retry in a few seconds.");
      }
      return { status: "ready" } satisfies Reply<"/ready", "get", 200>;
    });
