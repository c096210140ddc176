import { and, asc, eq, isNull, notExists } from "drizzle-orm";
import { anyOf } from "../../db/any-of";
import type { Tx } from "../../db/client";
import { batches, jobs } from "../../db/schema";
import { hasWord } from "../../db/status-literal";
import { enqueueWebhookEvents, type WebhookEvent } from "../webhooks/events";
import { batchesWithCounts } from "./batch-counts";

/**
 * Called in the transaction that gave jobs of these batches their final state: marks completed,
 * once, each batch with no job left queued or running, and answers their `batch.completed` events
 * for the caller to queue with the transaction's other events. The batch rows are locked first,
 * in id order (two transactions finishing the same batches never wait on each other in a circle),
 * and the check for a job left is a statement of its own after the lock, so of two last jobs
 * finishing at once the second to commit sees the first and answers the event. The check is one
 * probe of jobs_batch_unfinished_idx per batch; only a batch that completes has its jobs counted.
 */
export async function completeBatchesIfDone(tx: Tx, batchIds: string[], now: Date): Promise<WebhookEvent[]> {
  if (batchIds.length === 0) return [];
  const open = await tx
    .select({ id: batches.id })
    .from(batches)
    .where(and(anyOf(batches.id, batchIds), isNull(batches.completedAt)))
    .orderBy(asc(batches.id))
    .for("update");
  if (open.length === 0) return [];
  // The statuses written out, not bound: the planner can then prove jobs_batch_unfinished_idx applies.
  const left = tx
    .select({ id: jobs.id })
    .from(jobs)
    .where(and(eq(jobs.batchId, batches.id), hasWord(jobs.status, "queued", "running")));
  const done = await tx
    .update(batches)
    .set({ completedAt: now })
    .where(
      and(
        anyOf(
          batches.id,
          open.map((b) => b.id),
        ),
        notExists(left),
      ),
    )
    .returning({ id: batches.id });
  if (done.length === 0) return [];
  const counted = await batchesWithCounts(
    tx,
    anyOf(
      batches.id,
      done.map((b) => b.id),
    ),
  ).orderBy(asc(batches.id));
  return counted.map(({ id, projectId, succeeded, failed, canceled }) => ({
    scope: { projectId },
    type: "batch.completed" as const,
    data: { id, projectId, total: succeeded + failed + canceled, succeeded, failed, canceled, finishedAt: now.toISOString() },
    now,
  }));
}

/** `completeBatchesIfDone` for one batch, its event queued at once: for a job canceled while queued. */
export async function completeBatchIfDone(tx: Tx, batchId: string, now: Date): Promise<void> {
  await enqueueWebhookEvents(tx, await completeBatchesIfDone(tx, [batchId], now));
}
