import type { Tx } from "../../db/client";
import type { jobs } from "../../db/schema";
import { enqueueWebhookEvent } from "./events";

type FinishedJob = typeof jobs.$inferSelect;

/**
 * Queues `job.succeeded` or `job.failed` for the project's subscribed endpoints and the job's own
 * `webhook.url`. Called once, in the transaction that writes the job's final state.
 */
export async function enqueueJobEvent(tx: Tx, job: FinishedJob, now: Date): Promise<void> {
  if (job.status !== "succeeded" && job.status !== "failed") return;
  const data = {
    id: job.id,
    projectId: job.projectId,
    url: job.url,
    status: job.status,
    finishedAt: (job.finishedAt ?? now).toISOString(),
    ...(job.error ? { error: job.error } : {}),
  };
  const alsoTo = job.webhookUrl ? { projectId: job.projectId, url: job.webhookUrl } : undefined;
  await enqueueWebhookEvent(tx, { projectId: job.projectId }, `job.${job.status}`, data, now, alsoTo);
}
