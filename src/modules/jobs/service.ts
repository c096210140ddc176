import { and, desc, eq, sql } from "drizzle-orm";
import type { Principal } from "../../auth/principal";
import type { Db } from "../../db/client";
import { toPage } from "../../db/keyset";
import { preparedPerDatabase } from "../../db/prepared";
import { jobs, memberships, projects } from "../../db/schema";
import type { Deps } from "../../deps";
import { decodeCursor, encodeCursor } from "../../http/cursor";
import { ApiError, notFound } from "../../http/errors";
import type { Query, Reply } from "../../http/types";
import { requireKeyProject, requireProject } from "../access";
import { release } from "../credits/ledger";
import { completeBatchIfDone } from "./batch-completion";
import { announceFinished } from "./finished";
import { type JobView, jobView } from "./view";

type JobPage = Reply<"listJobs", 200>;
type ListFilter = Query<"listJobs">;

const ph = (name: string) => sql.placeholder(name);
/**
 * The project the caller may see: the condition every read below starts from, so a foreign project
 * reads as missing. A service account's key needs no membership: the account belongs to the project.
 */
const visibleProject = and(
  eq(projects.id, ph("projectId")),
  sql`(${ph("serviceAccount")}::boolean or exists (select 1 from ${memberships} where ${memberships.organizationId} = ${projects.organizationId} and ${memberships.userId} = ${ph("userId")}))`,
);
/** The placeholders that say who is asking. */
const caller = (principal: Principal) => ({
  userId: principal.user.id,
  serviceAccount: principal.via === "apiKey" && principal.serviceAccountId !== null,
});

/**
 * One page of a project's jobs, newest first, in ONE round trip: the project and the caller's
 * membership joined to the page, so an empty page and a project the caller may not see differ
 * (one row of nulls against none). Optional filters are null placeholders, so one prepared
 * statement serves every combination.
 */
const findJobPage = preparedPerDatabase((db: Db) =>
  db
    .select({ projectId: projects.id, job: jobs })
    .from(projects)
    .leftJoin(
      jobs,
      and(
        eq(jobs.projectId, projects.id),
        sql`(${ph("status")}::text is null or ${jobs.status} = ${ph("status")}::text)`,
        sql`(${ph("apiKeyId")}::text is null or ${jobs.apiKeyId} = ${ph("apiKeyId")}::text)`,
        sql`(${ph("batchId")}::text is null or ${jobs.batchId} = ${ph("batchId")}::text)`,
        sql`(${ph("afterAt")}::timestamptz is null or ${jobs.createdAt} < ${ph("afterAt")}::timestamptz
          or (${jobs.createdAt} = ${ph("afterAt")}::timestamptz and ${jobs.id} < ${ph("afterId")}::text))`,
      ),
    )
    .where(visibleProject)
    .orderBy(desc(jobs.createdAt), desc(jobs.id))
    .limit(ph("limit"))
    .prepare("find_job_page"),
);

/** Newest first; the cursor is the (createdAt, id) of the last row, so pages never skip or repeat. */
export async function listJobs(
  deps: Deps,
  principal: Principal,
  projectId: string,
  query: ListFilter & { batchId?: string },
): Promise<JobPage> {
  requireKeyProject(principal, projectId);
  const limit = query.limit ?? 20;
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  const found = await findJobPage(deps.db).execute({
    projectId,
    ...caller(principal),
    status: query.status ?? null,
    apiKeyId: query.apiKeyId ?? null,
    batchId: query.batchId ?? null,
    afterAt: after?.at.toISOString() ?? null,
    afterId: after?.id ?? null,
    limit: limit + 1,
  });
  if (found.length === 0) throw notFound("project");
  const rows = found.flatMap((r) => (r.job ? [r.job] : []));
  const { page, next } = toPage(rows, limit);
  return {
    data: page.map((j) => jobView(j, false)),
    nextCursor: next && encodeCursor(next),
  };
}

/** A poll's one round trip: the project check and the job in one prepared query. */
const findJob = preparedPerDatabase((db: Db) =>
  db
    .select({ projectId: projects.id, job: jobs })
    .from(projects)
    .leftJoin(jobs, and(eq(jobs.id, ph("jobId")), eq(jobs.projectId, projects.id)))
    .where(visibleProject)
    .limit(1)
    .prepare("find_job"),
);

/** The job, if the principal may see its project (404 naming the project or the job otherwise). */
export async function loadVisibleJob(deps: Deps, principal: Principal, projectId: string, jobId: string) {
  requireKeyProject(principal, projectId);
  const [row] = await findJob(deps.db).execute({ projectId, ...caller(principal), jobId });
  if (!row) throw notFound("project");
  if (!row.job) throw notFound("job");
  return row.job;
}

async function loadJob(deps: Deps, projectId: string, jobId: string) {
  const [job] = await deps.db
    .select()
    .from(jobs)
    .where(and(eq(jobs.id, jobId), eq(jobs.projectId, projectId)));
  if (!job) throw notFound("job");
  return job;
}

const FINISHED = new Set(["succeeded", "failed", "canceled"]);

/**
 * The job; with `waitSeconds`, once it has finished or when the wait runs out, whichever is first.
 * The wait is a NOTIFY from the transaction that finishes the job (src/db/job-finish-events.ts),
 * taken up before the first read so a job finishing in between is not missed.
 */
export async function getJob(deps: Deps, principal: Principal, projectId: string, jobId: string, waitSeconds = 0): Promise<JobView> {
  const wait = waitSeconds > 0 ? deps.jobEvents.waitFor(jobId, waitSeconds * 1000) : undefined;
  try {
    const job = await loadVisibleJob(deps, principal, projectId, jobId);
    if (!wait || FINISHED.has(job.status)) return jobView(job, true);
    await wait.done;
    return jobView(await loadVisibleJob(deps, principal, projectId, jobId), true);
  } finally {
    wait?.cancel();
  }
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
    if (row) {
      await release(tx, project.organizationId, row.id, now);
      await announceFinished(tx, row.id);
      if (row.batchId) await completeBatchIfDone(tx, row.batchId, now);
    }
    return row;
  });
  if (canceled) return jobView(canceled, true);
  const job = await loadJob(deps, projectId, jobId);
  if (job.status === "canceled") return jobView(job, true);
  throw new ApiError("job_not_cancelable", `This job is ${job.status}; only a queued job can be canceled.`);
}
