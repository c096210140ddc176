import type { Db } from "./client";
import { listen } from "./notifications";

/** The channel jobs' ends (succeeded, failed, canceled) are announced on; the payload is their ids, comma-separated. */
export const JOB_FINISHED_CHANNEL = "azscraper_job_finished";

/**
 * This process's waiters for jobs to finish (`GET .../jobs/{jobId}?wait=N`), woken by the NOTIFY
 * that the transaction finishing a job sends, from whichever process finished it: one LISTEN per
 * process, however many requests wait.
 */
export class JobFinishEvents {
  private readonly waiters = new Map<string, Set<() => void>>();
  private unlisten: (() => Promise<void>) | undefined;

  constructor(private readonly db: Db) {}

  async start(): Promise<void> {
    this.unlisten = await listen(this.db, JOB_FINISHED_CHANNEL, (jobIds) => {
      for (const jobId of jobIds.split(",")) this.wake(jobId);
    });
  }

  async stop(): Promise<void> {
    await this.unlisten?.();
    for (const jobId of [...this.waiters.keys()]) this.wake(jobId);
  }

  private wake(jobId: string): void {
    const waiting = this.waiters.get(jobId);
    if (!waiting) return;
    this.waiters.delete(jobId);
    for (const finish of waiting) finish();
  }

  /**
   * Starts waiting for `jobId` to finish, for at most `ms`. Call it BEFORE reading the job, then
   * `cancel()` if the read shows it finished: a job that finishes between the read and the wait is
   * not missed, since the LISTEN is already in place.
   */
  waitFor(jobId: string, ms: number): { done: Promise<void>; cancel(): void } {
    let resolve!: () => void;
    const done = new Promise<void>((r) => {
      resolve = r;
    });
    const timer = setTimeout(() => finish(), ms);
    const finish = () => {
      clearTimeout(timer);
      const waiting = this.waiters.get(jobId);
      waiting?.delete(resolve);
      if (waiting?.size === 0) this.waiters.delete(jobId);
      resolve();
    };
    const waiting = this.waiters.get(jobId) ?? new Set();
    waiting.add(finish);
    this.waiters.set(jobId, waiting);
    return { done, cancel: finish };
  }
}
