import { sql } from "drizzle-orm";
import type { Db, Tx } from "../db/client";
import { JOB_FINISHED_CHANNEL } from "../db/job-finish-events";
import { executeRows } from "../db/rows";
import { hourStart } from "../db/usage-counters";
import { newId } from "../ids";
import { completeBatchIfDone } from "../modules/jobs/batch-completion";
import type { JobError, JobResult } from "../modules/jobs/view";
import { enqueueJobEvent } from "../modules/webhooks/job-events";
import type { Claimed } from "./queue";

export type Outcome = { result: JobResult } | { error: JobError };

/**
 * The statement that finishes a job: writes its outcome, moves its credit (charged on success,
 * released on failure, with the ledger entry that says so), adds it to its key's usage (so the
 * key's counts move exactly when the ledger does) and announces the end to every process
 * (`?wait=N`). Only the current claim can write (status running, same attempt), so a job is
 * settled once.
 */
function settleStatement(job: Claimed, outcome: Outcome, now: Date) {
  const succeeded = "result" in outcome;
  const at = sql`${now.toISOString()}::timestamptz`;
  const refund = succeeded ? 0 : 1;
  return sql`with
    done as (
      update jobs set status = ${succeeded ? "succeeded" : "failed"}, finished_at = ${at}, lease_expires_at = null,
        result = ${succeeded ? JSON.stringify(outcome.result) : null}::jsonb,
        error = ${succeeded ? null : JSON.stringify(outcome.error)}::jsonb,
        credits_charged = ${succeeded ? 1 : 0}::int
      where id = ${job.id} and status = 'running' and attempts = ${job.attempts}::int
      returning id, project_id, api_key_id
    ),
    org as (select p.organization_id as id from projects p join done on p.id = done.project_id),
    refunded as (
      update organizations o set credit_balance = o.credit_balance + ${refund}::int
      from org where o.id = org.id and ${refund}::int > 0
      returning o.id
    ),
    ledger as (
      insert into credit_ledger (id, organization_id, kind, amount, job_id, created_at)
      select ${newId(now)}, org.id, ${succeeded ? "charge" : "release"}, ${refund}::int, done.id, ${at} from org, done
      returning id
    ),
    usage as (
      insert into api_key_usage (key_id, granularity, bucket_start, jobs_succeeded, jobs_failed, credits_charged)
      select done.api_key_id, 'hour', ${hourStart(now).toISOString()}::timestamptz, ${succeeded ? 1 : 0}::int, ${refund}::int, ${succeeded ? 1 : 0}::int
      from done join api_keys k on k.id = done.api_key_id
      on conflict (key_id, granularity, bucket_start) do update set
        jobs_succeeded = api_key_usage.jobs_succeeded + excluded.jobs_succeeded,
        jobs_failed = api_key_usage.jobs_failed + excluded.jobs_failed,
        credits_charged = api_key_usage.credits_charged + excluded.credits_charged
      returning 1
    ),
    announced as (select pg_notify(${JOB_FINISHED_CHANNEL}, done.id) from done)
    select (select count(*) from done) as settled, (select count(*) from ledger) as ledger,
      (select count(*) from refunded) as refunded, (select count(*) from usage) as counted,
      (select count(*) from announced) as announced`;
}

async function run(db: Db | Tx, job: Claimed, outcome: Outcome, now: Date): Promise<boolean> {
  const [row] = await executeRows<{ settled: string | number }>(db, settleStatement(job, outcome, now));
  return Number(row?.settled) === 1;
}

/**
 * THE place a job finishes (succeeded or failed); false means another worker's claim has taken it
 * over. A job nobody listens for (no webhook endpoint of its project, no `webhook.url`, no batch)
 * is settled in one statement, one round trip. Otherwise the same statement runs in a transaction
 * with what must follow the end: the `job.*` webhook event and, for the last job of a batch,
 * `batch.completed`, so neither is lost to a crash between the two.
 */
export async function settle(db: Db, job: Claimed, outcome: Outcome, now: Date): Promise<boolean> {
  if (job.hasWebhooks === false && !job.webhookUrl && !job.batchId) return run(db, job, outcome, now);
  return db.transaction(async (tx) => {
    if (!(await run(tx, job, outcome, now))) return false;
    const succeeded = "result" in outcome;
    const finished = {
      ...job,
      status: succeeded ? ("succeeded" as const) : ("failed" as const),
      finishedAt: now,
      result: succeeded ? outcome.result : null,
      error: succeeded ? null : outcome.error,
    };
    await enqueueJobEvent(tx, finished, now);
    if (job.batchId) await completeBatchIfDone(tx, job.batchId, now);
    return true;
  });
}
