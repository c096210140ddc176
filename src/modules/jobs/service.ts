import { and, desc, eq, lt, or } from "drizzle-orm";
import type { Principal } from "../../auth/principal";
import type { Deps } from "../../deps";
import { jobs } from "../../db/schema";
import { decodeCursor, encodeCursor } from "../../http/cursor";
import type { Query, Reply } from "../../http/types";
import { requireProject } from "../access";

type JobPage = Reply<"/projects/{projectId}/jobs", "get", 200>;

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** Newest first; the cursor is the (createdAt, id) of the last row, so pages never skip or repeat. */
export async function listJobs(
  deps: Deps,
  principal: Principal,
  projectId: string,
  query: Query<"/projects/{projectId}/jobs", "get">,
): Promise<JobPage> {
  await requireProject(deps.db, principal, projectId);
  const limit = query.limit ?? 20;
  const after = query.cursor ? decodeCursor(query.cursor) : undefined;
  const rows = await deps.db
    .select()
    .from(jobs)
    .where(
      and(
        eq(jobs.projectId, projectId),
        after ? or(lt(jobs.createdAt, after.at), and(eq(jobs.createdAt, after.at), lt(jobs.id, after.id))) : undefined,
      ),
    )
    .orderBy(desc(jobs.createdAt), desc(jobs.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    data: page.map((j) => ({
      id: j.id,
      projectId: j.projectId,
      url: j.url,
      status: j.status,
      createdAt: j.createdAt.toISOString(),
      startedAt: iso(j.startedAt),
      finishedAt: iso(j.finishedAt),
      apiKeyId: j.apiKeyId,
      createdBy: j.createdBy,
      creditsCharged: j.creditsCharged,
    })),
    nextCursor: rows.length > limit && last ? encodeCursor({ at: last.createdAt, id: last.id }) : null,
  };
}
