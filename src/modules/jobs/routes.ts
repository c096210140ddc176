import { Elysia } from "elysia";
import { principalPlugin } from "../../auth/principal";
import type { Deps } from "../../deps";
import { ApiError } from "../../http/errors";
import type { Body, Query, Reply } from "../../http/types";
import * as jobs from "./service";
import { submitJob } from "./submit";

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

function idempotencyKey(headers: Record<string, string | undefined>): string | undefined {
  const key = headers["idempotency-key"];
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new ApiError("validation_failed", "Header 'Idempotency-Key' must be 1 to 255 visible ASCII characters (a UUID works).");
  }
  return key;
}

export const jobRoutes = (deps: Deps) =>
  new Elysia()
    .use(principalPlugin(deps))
    .get(
      "/projects/:projectId/jobs",
      async ({ principal, params, input }) => {
        const query = input.query as Query<"/projects/{projectId}/jobs", "get">;
        return (await jobs.listJobs(deps, principal, params.projectId, query)) satisfies Reply<"/projects/{projectId}/jobs", "get", 200>;
      },
      { keyOrSession: true },
    )
    .post(
      "/projects/:projectId/jobs",
      async ({ principal, params, input, headers, set }) => {
        const body = input.body as Body<"/projects/{projectId}/jobs", "post">;
        const submitted = await submitJob(deps, principal, params.projectId, body, idempotencyKey(headers));
        set.status = 202;
        Object.assign(set.headers, submitted.headers, { location: `/projects/${params.projectId}/jobs/${submitted.job.id}` });
        if (submitted.replayed) set.headers["idempotent-replayed"] = "true";
        return { data: submitted.job } satisfies Reply<"/projects/{projectId}/jobs", "post", 202>;
      },
      { keyOrSession: true },
    )
    .get(
      "/projects/:projectId/jobs/:jobId",
      async ({ principal, params }) =>
        ({ data: await jobs.getJob(deps, principal, params.projectId, params.jobId) }) satisfies Reply<"/projects/{projectId}/jobs/{jobId}", "get", 200>,
      { keyOrSession: true },
    )
    .post(
      "/projects/:projectId/jobs/:jobId/cancel",
      async ({ principal, params }) =>
        ({ data: await jobs.cancelJob(deps, principal, params.projectId, params.jobId) }) satisfies Reply<"/projects/{projectId}/jobs/{jobId}/cancel", "post", 200>,
      { keyOrSession: true },
    );
