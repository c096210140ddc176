import type { Db } from "../db/client";
import { listen } from "../db/notifications";
import { JOBS_QUEUED_CHANNEL } from "../modules/jobs/submit-statement";

/**
 * Calls `wake` whenever a submit, in any process, queues jobs: the submit statement NOTIFYs on
 * commit. Resolves to the function that stops listening.
 */
export function wakeOnQueuedJobs(db: Db, wake: () => void): Promise<() => Promise<void>> {
  return listen(db, JOBS_QUEUED_CHANNEL, () => wake());
}
