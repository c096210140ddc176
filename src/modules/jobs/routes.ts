import type { Deps } from "../../deps";
import { ApiError } from "../../http/errors";
import { accepted, ok } from "../../http/operations";
import { operations } from "../operations";
import { getBatch, submitBatch } from "./batch";
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

const replayHeader = (replayed: boolean): Record<string, string> => (replayed ? { "idempotent-replayed": "true" } : {});

export const jobRoutes = (deps: Deps) =>
  operations()
    .handle("listJobs", async ({ principal, params, query }) => ok(await jobs.listJobs(deps, principal, params.projectId, query)))
    .handle("createJob", async ({ principal, params, body, headers }) => {
      const submitted = await submitJob(deps, principal, params.projectId, body, idempotencyKey(headers));
      return accepted(
        { data: submitted.job },
        { ...submitted.headers, location: `/projects/${params.projectId}/jobs/${submitted.job.id}`, ...replayHeader(submitted.replayed) },
      );
    })
    .handle("createJobBatch", async ({ principal, params, body, headers }) => {
      const submitted = await submitBatch(deps, principal, params.projectId, body, idempotencyKey(headers));
      return accepted(
        { data: submitted.batch },
        {
          ...submitted.headers,
          location: `/projects/${params.projectId}/batches/${submitted.batch.batchId}`,
          ...replayHeader(submitted.replayed),
        },
      );
    })
    .handle("getJobBatch", async ({ principal, params, query }) =>
      ok(await getBatch(deps, principal, params.projectId, params.batchId, query)),
    )
    .handle("getJob", async ({ principal, params, query }) =>
      ok({ data: await jobs.getJob(deps, principal, params.projectId, params.jobId, query.wait) }),
    )
    .handle("cancelJob", async ({ principal, params }) =>
      ok({ data: await jobs.cancelJob(deps, principal, params.projectId, params.jobId) }),
    );
