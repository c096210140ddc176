import { Elysia } from "elysia";
import { principalPlugin } from "../../auth/principal";
import type { Deps } from "../../deps";
import type { Query, Reply } from "../../http/types";
import * as jobs from "./service";

export const jobRoutes = (deps: Deps) =>
  new Elysia().use(principalPlugin(deps)).get(
    "/projects/:projectId/jobs",
    async ({ principal, params, input }) => {
      const query = input.query as Query<"/projects/{projectId}/jobs", "get">;
      return (await jobs.listJobs(deps, principal, params.projectId, query)) satisfies Reply<"/projects/{projectId}/jobs", "get", 200>;
    },
    { keyOrSession: true },
  );
