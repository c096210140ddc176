import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { JOB_FINISHED_CHANNEL } from "../db/job-finish-events";
import { executeRows } from "../db/rows";
import { newId } from "../ids";
import type { JobError, JobResult } from "../modules/jobs/view";
import type { Claimed } from "./queue";

export type Outcome = { result: JobResult } | { error: JobError };

/**
 * THE place a job finishes (succeeded or failed): writes its outcome, moves its credit (charged on
 * success, released on failure, with the ledger entry that says so) and announces the end to
 * every process (`?wait=N`), in ONE statement, so it costs one round trip and is all or nothing.
 * Only the current claim can write (status running, same attempt), so a job is settled once;
 * false means another worker's claim has taken it over. Work that must follow a job's end
 * belongs here, after the statement, when it returned true.
 */
export async function settle(db: Db, job: Claimed, outcome: Outcome, now: Date): Promise<boolean> {
  const succeeded = "result" in outcome;
  const at = sql`${now.toISOString()}::timestamptz`;
  const refund = succeeded ? 0 : 1;
  const [row] = await executeRows<{ settled: string | number }>(
    db,
    sql`with
    done as (
      update jobs set status = ${succeeded ? "succeeded" : "failed"}, finished_at = ${at}, lease_expires_at = null,
        result = ${succeeded ? JSON.stringify(outcome.result) : null}::jsonb,
        error = ${succeeded ? null : JSON.stringify(outcome.error)}::jsonb,
        credits_charged = ${succeeded ? 1 : 0}::int
      where id = ${job.id} and status = 'running' and attempts = ${job.attempts}::int
      returning id, project_id
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
    announced as (select pg_notify(${JOB_FINISHED_CHANNEL}, done.id) from done)
    select (select count(*) from done) as settled, (select count(*) from ledger) as ledger,
      (select count(*) from refunded) as refunded, (select count(*) from announced) as announced`,
  );
  return Number(row?.settled) === 1;
}
