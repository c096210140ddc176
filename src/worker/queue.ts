import { and, asc, eq, gte, inArray, lt, notInArray, or, sql } from "drizzle-orm";
import type { Db, Tx } from "../db/client";
import { jobs, projects } from "../db/schema";
import { addUsage, hourStart } from "../db/usage-counters";
import { charge, release } from "../modules/credits/ledger";
import type { JobError, JobResult } from "../modules/jobs/view";
import { enqueueJobEvent } from "../modules/webhooks/job-events";

export type Claimed = typeof jobs.$inferSelect;
const later = (now: Date, ms: number) => new Date(now.getTime() + ms);

/**
 * Claims up to `limit` jobs: queued ones, and running ones whose lease expired (their worker died)
 * and that have attempts left. SKIP LOCKED lets several processes claim at once without waiting
 * on or taking each other's rows; each claim bumps `attempts`, the token that fences late writers.
 * `busy` are the jobs this worker is running: a late heartbeat of its own is no reason to take them again.
 */
export async function claim(
  db: Db,
  workerId: string,
  limit: number,
  now: Date,
  leaseMs: number,
  maxAttempts: number,
  busy: string[] = [],
): Promise<Claimed[]> {
  const claimable = db
    .select({ id: jobs.id })
    .from(jobs)
    .where(
      and(
        or(eq(jobs.status, "queued"), and(eq(jobs.status, "running"), lt(jobs.leaseExpiresAt, now), lt(jobs.attempts, maxAttempts))),
        busy.length ? notInArray(jobs.id, busy) : undefined,
      ),
    )
    .orderBy(asc(jobs.createdAt))
    .limit(limit)
    .for("update", { skipLocked: true });
  return db
    .update(jobs)
    .set({
      status: "running",
      attempts: sql`${jobs.attempts} + 1`,
      leaseExpiresAt: later(now, leaseMs),
      workerId,
      startedAt: sql`coalesce(${jobs.startedAt}, ${now.toISOString()}::timestamptz)`,
    })
    .where(inArray(jobs.id, claimable))
    .returning();
}

const mine = (job: Claimed) => and(eq(jobs.id, job.id), eq(jobs.status, "running"), eq(jobs.attempts, job.attempts));

/** Extends the lease; false means another worker has taken the job over. */
export async function heartbeat(db: Db, job: Claimed, now: Date, leaseMs: number): Promise<boolean> {
  const rows = await db
    .update(jobs)
    .set({ leaseExpiresAt: later(now, leaseMs) })
    .where(mine(job))
    .returning({ id: jobs.id });
  return rows.length === 1;
}

async function organizationOf(tx: Tx, projectId: string): Promise<string> {
  const [row] = await tx.select({ id: projects.organizationId }).from(projects).where(eq(projects.id, projectId));
  return row!.id;
}

/**
 * Writes a job's outcome and moves its credit in one transaction: charged on success, released on
 * failure. Only the current claim can write (status running, same attempt), so a job is settled once.
 */
export async function settle(db: Db, job: Claimed, outcome: { result: JobResult } | { error: JobError }, now: Date): Promise<boolean> {
  return db.transaction(async (tx) => {
    const succeeded = "result" in outcome;
    const [row] = await tx
      .update(jobs)
      .set({
        status: succeeded ? "succeeded" : "failed",
        result: succeeded ? outcome.result : null,
        error: succeeded ? null : outcome.error,
        creditsCharged: succeeded ? 1 : 0,
        finishedAt: now,
        leaseExpiresAt: null,
      })
      .where(mine(job))
      .returning();
    if (!row) return false;
    const org = await organizationOf(tx, job.projectId);
    await (succeeded ? charge : release)(tx, org, job.id, now);
    await enqueueJobEvent(tx, row, now);
    // In the settlement's own transaction (one write per job, not per request): the key's counts
    // move exactly when the ledger does.
    if (job.apiKeyId) {
      await addUsage(tx, [
        { keyId: job.apiKeyId, hourStart: hourStart(now), ...(succeeded ? { jobsSucceeded: 1, creditsCharged: 1 } : { jobsFailed: 1 }) },
      ]);
    }
    return true;
  });
}

/** Puts a job this worker will not finish back in the queue; a graceful stop does not use up an attempt. */
export async function requeue(db: Db, job: Claimed): Promise<void> {
  await db
    .update(jobs)
    .set({ status: "queued", attempts: sql`${jobs.attempts} - 1`, leaseExpiresAt: null, workerId: null })
    .where(mine(job));
}

/** Fails jobs whose every attempt ended in a dead worker (not one of `busy`), releasing their credits. */
export async function failExhausted(db: Db, now: Date, maxAttempts: number, busy: string[] = []): Promise<number> {
  const stuck = await db
    .select()
    .from(jobs)
    .where(
      and(
        eq(jobs.status, "running"),
        lt(jobs.leaseExpiresAt, now),
        gte(jobs.attempts, maxAttempts),
        busy.length ? notInArray(jobs.id, busy) : undefined,
      ),
    )
    .limit(100);
  let failed = 0;
  for (const job of stuck) {
    const error: JobError = {
      code: "internal_error",
      message: `The job's worker stopped ${job.attempts} times before finishing it; its credit was released.`,
    };
    if (await settle(db, job, { error }, now)) failed++;
  }
  return failed;
}
