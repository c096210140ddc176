import { eq, type SQL, sql } from "drizzle-orm";
import type { Db, Tx } from "../../db/client";
import { batches, jobs } from "../../db/schema";

const count = (status: (typeof jobs.status.enumValues)[number]) =>
  sql<number>`count(${jobs.id}) filter (where ${jobs.status} = ${status})`.mapWith(Number);

/**
 * The batches `where` selects, each with how many of its jobs are in each status, in one query:
 * what GET …/batches/{batchId} shows and what `batch.completed` reports, counted the same way.
 */
export function batchesWithCounts(db: Db | Tx, where: SQL | undefined) {
  return db
    .select({
      id: batches.id,
      projectId: batches.projectId,
      size: batches.size,
      createdAt: batches.createdAt,
      queued: count("queued"),
      running: count("running"),
      succeeded: count("succeeded"),
      failed: count("failed"),
      canceled: count("canceled"),
    })
    .from(batches)
    .leftJoin(jobs, eq(jobs.batchId, batches.id))
    .where(where)
    .groupBy(batches.id);
}
