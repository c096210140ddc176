import { createHash } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Principal } from "../../auth/principal";
import { databaseErrorCode } from "../../db/errors";
import { batches, jobs } from "../../db/schema";
import type { Deps } from "../../deps";
import { ApiError, notFound } from "../../http/errors";
import type { Body, Query, Reply } from "../../http/types";
import { newId } from "../../ids";
import { requireKeyProject } from "../access";
import { consume } from "../rate-limit";
import { batchesWithCounts } from "./batch-counts";
import { listJobs } from "./service";
import { canonical, limitsFor, normalizeOptions, submissionFor, submitOnce } from "./submit";
import type { QueuedJob } from "./submit-statement";
import { checkTargetUrl, targetPolicy } from "./target-url";

type CreateBatch = Body<"createJobBatch">;
type SubmittedBatch = Reply<"createJobBatch", 202>["data"];
export type BatchSubmitted = { batch: SubmittedBatch; replayed: boolean; headers: Record<string, string> };

/**
 * Every item checked and normalised before anything is queued: the first bad one is a 400 that
 * names its index. A job's own options are laid over the shared ones, field by field.
 */
function itemsOf(deps: Deps, input: CreateBatch): Omit<QueuedJob, "id" | "ledgerId" | "createdAt">[] {
  const items = input.urls
    ? input.urls.map((url, i) => ({ url, options: undefined, webhook: undefined, field: `urls.${i}` }))
    : (input.jobs ?? []).map((job, i) => ({ url: job.url, options: job.options, webhook: job.webhook, field: `jobs.${i}` }));
  const policy = targetPolicy(deps.config);
  return items.map(({ url, options, webhook, field }) => {
    try {
      return {
        url: checkTargetUrl(url, policy, input.urls ? field : `${field}.url`, "page"),
        options: normalizeOptions({ ...input.options, ...options }),
        webhookUrl: webhook ? checkTargetUrl(webhook.url, policy, `${field}.webhook.url`, "webhook") : null,
      };
    } catch (error) {
      if (error instanceof ApiError) throw new ApiError(error.code, `${error.message} Nothing was queued.`);
      throw error;
    }
  });
}

/**
 * Ids for `n` jobs made at `now`, sorted: jobs of one batch share `createdAt`, so sorting by id
 * keeps the order they were submitted in, and the ids stay as unguessable as any other.
 */
const sortedIds = (n: number, now: Date) => Array.from({ length: n }, () => newId(now)).sort();

async function replay(deps: Deps, projectId: string, key: string, requestHash: string): Promise<SubmittedBatch | null> {
  const [batch] = await deps.db
    .select()
    .from(batches)
    .where(and(eq(batches.projectId, projectId), eq(batches.idempotencyKey, key)));
  if (!batch) return null;
  if (batch.requestHash !== requestHash) {
    throw new ApiError(
      "idempotency_key_reused",
      "This Idempotency-Key was already used for a different batch. Use a new key for a new batch.",
    );
  }
  const rows = await deps.db
    .select({ id: jobs.id, url: jobs.url, status: jobs.status })
    .from(jobs)
    .where(and(eq(jobs.projectId, projectId), eq(jobs.batchId, batch.id)))
    .orderBy(jobs.id);
  return { batchId: batch.id, jobs: rows };
}

/**
 * Queues 1 to 1,000 jobs with the same one statement as a single submit (submit-statement.ts):
 * one rate-limit token, every credit reserved or none, all jobs or none. A retry with the same
 * Idempotency-Key gets the first batch back, as `submitJob` does for a job.
 */
export async function submitBatch(
  deps: Deps,
  principal: Principal,
  projectId: string,
  input: CreateBatch,
  idempotencyKey?: string,
): Promise<BatchSubmitted> {
  requireKeyProject(principal, projectId);
  const items = itemsOf(deps, input);
  const now = deps.clock.now();
  const limits = limitsFor(deps, principal, projectId);
  const requestHash = createHash("sha256").update(canonical(items)).digest("hex");
  const ids = sortedIds(items.length, now);
  const queued = items.map((item, i) => ({ ...item, id: ids[i]!, ledgerId: newId(now), createdAt: now.toISOString() }));
  const batch = { id: newId(now), idempotencyKey: idempotencyKey ?? null, requestHash };
  try {
    const headers = await submitOnce(
      deps,
      { ...submissionFor(principal, projectId, limits, now), tokens: 1, jobs: queued, jobIdempotencyKey: null, batch },
      limits,
      items.length,
      principal,
    );
    const submitted = { batchId: batch.id, jobs: queued.map(({ id, url }) => ({ id, url, status: "queued" as const })) };
    return { batch: submitted, replayed: false, headers };
  } catch (error) {
    const retried = databaseErrorCode(error) === "23505" || (error instanceof ApiError && error.code === "insufficient_credits");
    const earlier = idempotencyKey && retried ? await replay(deps, projectId, idempotencyKey, requestHash) : null;
    if (!earlier) throw error;
    return { batch: earlier, replayed: true, headers: await deps.db.transaction((tx) => consume(tx, limits, now)) };
  }
}

type BatchPage = Reply<"getJobBatch", 200>;

/** The batch row and how many of its jobs are in each status, if the batch is the project's. */
async function batchWithCounts(deps: Deps, projectId: string, batchId: string) {
  const [row] = await batchesWithCounts(deps.db, and(eq(batches.id, batchId), eq(batches.projectId, projectId)));
  return row;
}

/** A batch's counts by status and one page of its jobs; the page's query checks the caller may see the project. */
export async function getBatch(
  deps: Deps,
  principal: Principal,
  projectId: string,
  batchId: string,
  query: Query<"getJobBatch">,
): Promise<BatchPage> {
  const [page, batch] = await Promise.all([
    listJobs(deps, principal, projectId, { ...query, batchId }),
    batchWithCounts(deps, projectId, batchId),
  ]);
  if (!batch) throw notFound("batch");
  const { queued, running, succeeded, failed, canceled, createdAt, ...rest } = batch;
  return {
    data: { ...rest, createdAt: createdAt.toISOString(), counts: { queued, running, succeeded, failed, canceled }, jobs: page.data },
    nextCursor: page.nextCursor,
  };
}
