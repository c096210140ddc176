import { and, eq, isNull, sql } from "drizzle-orm";
import type { Tx } from "../../db/client";
import { batches, jobs } from "../../db/schema";
import { enqueueWebhookEvent } from "../webhooks/events";

/**
 * Called in the transaction that gave one of the batch's jobs its final state: when no job of the
 * batch is left queued or running, marks the batch completed and queues `batch.completed`, once.
 * The batch row is locked first, and the count is a statement of its own after the lock, so of
 * two last jobs finishing at once the second to commit sees the first and sends the event.
 */
export async function completeBatchIfDone(tx: Tx, batchId: string, now: Date): Promise<void> {
  const [batch] = await tx
    .select({ id: batches.id, projectId: batches.projectId })
    .from(batches)
    .where(and(eq(batches.id, batchId), isNull(batches.completedAt)))
    .for("update");
  if (!batch) return;
  const counts = await tx
    .select({ status: jobs.status, n: sql<number>`count(*)::int` })
    .from(jobs)
    .where(eq(jobs.batchId, batchId))
    .groupBy(jobs.status);
  const count = (status: string) => counts.find((c) => c.status === status)?.n ?? 0;
  if (count("queued") + count("running") > 0) return;
  await tx.update(batches).set({ completedAt: now }).where(eq(batches.id, batchId));
  const data = {
    id: batchId,
    projectId: batch.projectId,
    total: counts.reduce((sum, c) => sum + c.n, 0),
    succeeded: count("succeeded"),
    failed: count("failed"),
    canceled: count("canceled"),
    finishedAt: now.toISOString(),
  };
  await enqueueWebhookEvent(tx, { projectId: batch.projectId }, "batch.completed", data, now);
}
