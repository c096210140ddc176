import { and, desc, eq } from "drizzle-orm";
import type { Principal } from "../../auth/principal";
import { olderThan, toPage } from "../../db/keyset";
import { jobs } from "../../db/schema";
import type { Deps } from "../../deps";
import { decodeCursor, encodeCursor } from "../../http/cursor";
import { ApiError, notFound } from "../../http/errors";
import type { Query, Reply } from "../../http/types";
import { requireProject } from "../access";
import { release } from "../credits/ledger";
import { type JobView, jobView } from "./view";

type JobPage = Reply<"listJobs", 200>;

/** Newest first; the cursor is the (createdAt, id) of the last row, so pages never skip or repeat. */
export async function listJobs(deps: Deps, principal: Principal, projectId: string, query: Query<"listJobs">): Promise<JobPage> {
  await requireProject(deps.db, principal, projectId);
  const limit = query.limit ?? 20;
  const rows = await deps.db
    .select()
    .from(jobs)
    .where(
      and(
        eq(jobs.projectId, projectId),
        query.status ? eq(jobs.status, query.status) : undefined,
        query.apiKeyId ? eq(jobs.apiKeyId, query.apiKeyId) : undefined,
        olderThan(jobs.createdAt, jobs.id, query.cursor === undefined ? undefined : decodeCursor(query.cursor)),
      ),
    )
    .orderBy(desc(jobs.createdAt), desc(jobs.id))
    .limit(limit + 1);
  const { page, next } = toPage(rows, limit);
  return {
    data: page.map((j) => jobView(j, false)),
    nextCursor: next && encodeCursor(next),
  };
}

async function loadJob(deps: Deps, projectId: string, jobId: string) {
  const [job] = await deps.db
    .select()
    .from(jobs)
    .where(and(eq(jobs.id, jobId), eq(jobs.projectId, projectId)));
  if (!job) throw notFound("job");
  return job;
}

export async function getJob(deps: Deps, principal: Principal, projectId: string, jobId: string): Promise<JobView> {
  await requireProject(deps.db, principal, projectId);
  return jobView(await loadJob(deps, projectId, jobId), true);
}

/**
 * Only a queued job can be canceled: the status change and the release of its credit are one
 * transaction, and the `status = 'queued'` condition means a worker's claim and a cancel cannot both win.
 */
export async function cancelJob(deps: Deps, principal: Principal, projectId: string, jobId: string): Promise<JobView> {
  const project = await requireProject(deps.db, principal, projectId);
  const now = deps.clock.now();
  const canceled = await deps.db.transaction(async (tx) => {
    const [row] = await tx
      .update(jobs)
      .set({ status: "canceled", finishedAt: now })
      .where(and(eq(jobs.id, jobId), eq(jobs.projectId, projectId), eq(jobs.status, "queued")))
      .returning();
    if (row) await release(tx, project.organizationId, row.id, now);
    return row;
  });
  if (canceled) return jobView(canceled, true);
  const job = await loadJob(deps, projectId, jobId);
  if (job.status === "canceled") return jobView(job, true);
  throw new ApiError("job_not_cancelable", `This job is ${job.status}; only a queued job can be canceled.`);
}
