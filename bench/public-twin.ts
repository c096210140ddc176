import { Elysia } from "elysia";
import type { Deps } from "../src/deps";
import { getProject } from "../src/modules/projects/service";

/**
 * For `bun run bench` only: `GET /projects/{id}` with authentication replaced by trusting the
 * `X-Bench-User` header, so the benchmark can measure the same handler and the same database work
 * with and without the cost of a key or token check. Not in openapi.yaml; mounted only by
 * bench/server.ts, the benchmark's own entry point, so no production server can serve it.
 */
export const publicTwin = (deps: Deps) =>
  new Elysia().get("/bench/projects/:projectId", async ({ params, headers }) => ({
    data: await getProject(deps, { via: "jwt", user: { id: headers["x-bench-user"] ?? "" } }, params.projectId),
  }));
