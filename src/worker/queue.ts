import { and, asc, eq, getTableColumns, gte, lt, sql } from "drizzle-orm";
import { noneOf } from "../db/any-of";
import type { Db } from "../db/client";
import { preparedPerDatabase } from "../db/prepared";
import { jobs } from "../db/schema";
import { hasWord } from "../db/status-literal";
import type { JobError } from "../modules/jobs/view";
import { settle } from "./settle";

/** A claimed job; `hasWebhooks` (known at claim) says whether its project has an enabled endpoint. */
export type Claimed = typeof jobs.$inferSelect & { hasWebhooks?: boolean };
const later = (now: Date, ms: number) => new Date(now.getTime() + ms);

const ph = (name: string) => sql.placeholder(name);

/**
 * The claim, prepared once per database (a worker claims every time slots come free: building it
 * per call cost more than running it). Two arms, each on its own partial index (jobs_queued_idx,
 * jobs_running_lease_idx): one OR over both would scan every job ever run. Rows an arm locks
 * beyond the limit are freed at the statement's end.
 */
const claimStatement = preparedPerDatabase((db: Db) => {
  const queued = db
    .select({ id: jobs.id })
    .from(jobs)
    .where(hasWord(jobs.status, "queued"))
    .orderBy(asc(jobs.createdAt))
    .limit(ph("limit"))
    .for("update", { skipLocked: true });
  const expired = db
    .select({ id: jobs.id })
    .from(jobs)
    .where(
      and(
        hasWord(jobs.status, "running"),
        sql`${jobs.leaseExpiresAt} < ${ph("now")}::timestamptz`,
        sql`${jobs.attempts} < ${ph("maxAttempts")}::int`,
        sql`${jobs.id} <> all(${ph("busy")}::text[])`,
      ),
    )
    .orderBy(asc(jobs.leaseExpiresAt))
    .limit(ph("limit"))
    .for("update", { skipLocked: true });
  const claimable = sql`(select id from (${expired}) as expired union all select id from (${queued}) as queued limit ${ph("limit")})`;
  return db
    .update(jobs)
    .set({
      status: "running",
      attempts: sql`${jobs.attempts} + 1`,
      leaseExpiresAt: sql`${ph("leaseUntil")}::timestamptz`,
      workerId: sql`${ph("workerId")}`,
      startedAt: sql`coalesce(${jobs.startedAt}, ${ph("now")}::timestamptz)`,
    })
    .where(sql`${jobs.id} in ${claimable}`)
    .returning({
      ...getTableColumns(jobs),
      hasWebhooks: sql<boolean>`exists (select 1 from webhook_endpoints e where e.project_id = ${jobs.projectId} and e.enabled)`,
    })
    .prepare("claim_jobs");
});

/**
 * Claims up to `limit` jobs: queued ones, and running ones whose lease expired (their worker died)
 * and that have attempts left. SKIP LOCKED lets several processes claim at once without waiting
 * on or taking each other's rows; each claim bumps `attempts`, the token that fences late writers.
 * `busy` are the jobs this worker is running: a late heartbeat of its own is no reason to take them again.
 */
export function claim(
  db: Db,
  workerId: string,
  limit: number,
  now: Date,
  leaseMs: number,
  maxAttempts: number,
  busy: string[] = [],
): Promise<Claimed[]> {
  return claimStatement(db).execute({
    limit,
    now: now.toISOString(),
    leaseUntil: later(now, leaseMs).toISOString(),
    maxAttempts,
    busy,
    workerId,
  });
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
    .where(and(hasWord(jobs.status, "running"), lt(jobs.leaseExpiresAt, now), gte(jobs.attempts, maxAttempts), noneOf(jobs.id, busy)))
    .limit(100);
  if (stuck.length === 0) return 0;
  // One group, one statement (in a transaction: whether their projects have webhooks is not known here).
  const settled = await settle(
    db,
    stuck.map((job) => {
      const error: JobError = {
        code: "internal_error",
        message: `The job's worker stopped ${job.attempts} times before finishing it; its credit was released.`,
      };
      return { job, outcome: { error }, now };
    }),
  );
  return settled.filter(Boolean).length;
}
