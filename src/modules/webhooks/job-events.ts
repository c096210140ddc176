import type { jobs } from "../../db/schema";
import type { JobError } from "../jobs/view";
import type { WebhookEvent } from "./events";

type Job = Pick<typeof jobs.$inferSelect, "id" | "projectId" | "url" | "webhookUrl">;
/** How the job ended: the final state the settle statement wrote, and its error if it failed. */
type Ending = { status: "succeeded" | "failed"; error: JobError | null; finishedAt: Date };

/**
 * `job.succeeded` or `job.failed`, for the project's subscribed endpoints and the job's own
 * `webhook.url`. Queued once, with `enqueueWebhookEvents`, in the transaction that writes the job's final state.
 */
export function jobEvent(job: Job, { status, error, finishedAt }: Ending): WebhookEvent {
  const data = {
    id: job.id,
    projectId: job.projectId,
    url: job.url,
    status,
    finishedAt: finishedAt.toISOString(),
    ...(error ? { error } : {}),
  };
  const alsoTo = job.webhookUrl ? { projectId: job.projectId, url: job.webhookUrl } : undefined;
  return { scope: { projectId: job.projectId }, type: `job.${status}`, data, now: finishedAt, alsoTo };
}
