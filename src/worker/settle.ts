import { sql } from "drizzle-orm";
import type { Db, Tx } from "../db/client";
import { JOB_FINISHED_CHANNEL } from "../db/job-finish-events";
import { executeRows } from "../db/rows";
import { hourStart } from "../db/usage-counters";
import { newId } from "../ids";
import { completeBatchesIfDone } from "../modules/jobs/batch-completion";
import type { JobError } from "../modules/jobs/view";
import { enqueueWebhookEvents } from "../modules/webhooks/events";
import { jobEvent } from "../modules/webhooks/job-events";
import type { Claimed } from "./queue";

/** How a job ended: its result as JSON text (a `JobResult`, as the extraction threads write it), or its error. */
export type Outcome = { resultJson: string } | { error: JobError };
/** One finished job to write: its claim, what came of it, and when it ended. */
export type Finished = { job: Claimed; outcome: Outcome; now: Date };

/** Whether anything must follow the job's end in its transaction: a webhook event or its batch's completion. */
const needsEvent = ({ job }: Finished) => job.hasWebhooks !== false || !!job.webhookUrl;
const needsTransaction = (f: Finished) => needsEvent(f) || !!f.job.batchId;

/**
 * The statement that finishes jobs, any number in one round trip: writes each outcome, moves its
 * credit (charged on success, released on failure, with the ledger entry that says so), adds it to
 * its key's usage (so the key's counts move exactly when the ledger does) and announces the ends
 * to every process (`?wait=N`) in one notification (settle-groups' MAX_GROUP ids fit in its 8,000
 * bytes). Only the current claim can write (status running, same attempt), so a job is settled
 * once. Organizations and usage rows are locked in id order, so two groups settled at once by two
 * processes never wait on each other in a circle.
 */
function settleStatement(group: Finished[]) {
  // The rows as one JSON array, each result spliced in as the text it already is.
  const rows = group.map(({ job, outcome, now }) => {
    const fields = JSON.stringify({
      id: job.id,
      attempts: job.attempts,
      succeeded: "resultJson" in outcome,
      error: "error" in outcome ? outcome.error : null,
      at: now.toISOString(),
      hour: hourStart(now).toISOString(),
      ledgerId: newId(now),
    });
    return "resultJson" in outcome ? `${fields.slice(0, -1)},"result":${outcome.resultJson}}` : fields;
  });
  return sql`with
    input as (
      select * from jsonb_to_recordset(${`[${rows.join(",")}]`}::jsonb)
        as x(id text, attempts int, succeeded boolean, result jsonb, error jsonb, at timestamptz, hour timestamptz, "ledgerId" text)
    ),
    done as (
      update jobs j set status = case when x.succeeded then 'succeeded' else 'failed' end, finished_at = x.at,
        lease_expires_at = null, result = x.result, error = x.error, credits_charged = case when x.succeeded then 1 else 0 end
      from input x
      where j.id = x.id and j.status = 'running' and j.attempts = x.attempts
      returning j.id, j.project_id, j.api_key_id, x.succeeded, x.at, x.hour, x."ledgerId"
    ),
    owned as (select done.*, p.organization_id from done join projects p on p.id = done.project_id),
    released as (
      select organization_id, count(*)::int as n from owned where not succeeded group by organization_id
    ),
    locked as (
      select o.id from organizations o where o.id in (select organization_id from released) order by o.id for update
    ),
    refunded as (
      update organizations o set credit_balance = o.credit_balance + released.n
      from released join locked on locked.id = released.organization_id
      where o.id = released.organization_id
      returning o.id
    ),
    ledger as (
      insert into credit_ledger (id, organization_id, kind, amount, job_id, created_at)
      select "ledgerId", organization_id, case when succeeded then 'charge' else 'release' end,
        case when succeeded then 0 else 1 end, id, at
      from owned
      returning id
    ),
    usage as (
      insert into api_key_usage (key_id, granularity, bucket_start, jobs_succeeded, jobs_failed, credits_charged)
      select done.api_key_id, 'hour', done.hour, count(*) filter (where done.succeeded), count(*) filter (where not done.succeeded),
        count(*) filter (where done.succeeded)
      from done join api_keys k on k.id = done.api_key_id
      group by done.api_key_id, done.hour
      order by done.api_key_id, done.hour
      on conflict (key_id, granularity, bucket_start) do update set
        jobs_succeeded = api_key_usage.jobs_succeeded + excluded.jobs_succeeded,
        jobs_failed = api_key_usage.jobs_failed + excluded.jobs_failed,
        credits_charged = api_key_usage.credits_charged + excluded.credits_charged
      returning 1
    ),
    announced as (select pg_notify(${JOB_FINISHED_CHANNEL}, string_agg(id, ',')) from done having count(*) > 0)
    select id, (select count(*) from announced) as announced from done`;
}

/** Settles `group` in one statement; answers the ids it settled. */
async function run(db: Db | Tx, group: Finished[]): Promise<Set<string>> {
  const rows = await executeRows<{ id: string }>(db, settleStatement(group));
  return new Set(rows.map((r) => r.id));
}

/**
 * THE place jobs finish (succeeded or failed): answers, per job of `group`, whether it was settled
 * (false: another worker's claim has taken it over). Jobs nobody listens for (no webhook endpoint
 * of their project, no `webhook.url`, no batch) are settled in one statement, one round trip.
 * Otherwise the same statement runs in a transaction with what must follow the ends, so none of
 * it is lost to a crash between the two: the batches whose last job this was are completed, and
 * the `job.*` events, then the `batch.completed` ones, are queued with one read of the endpoints
 * and one insert for the whole group.
 */
export async function settle(db: Db, group: Finished[]): Promise<boolean[]> {
  if (!group.some(needsTransaction)) {
    const settled = await run(db, group);
    return group.map((f) => settled.has(f.job.id));
  }
  return db.transaction(async (tx) => {
    const settled = await run(tx, group);
    const ended = group.filter((f) => settled.has(f.job.id));
    const jobEvents = ended.filter(needsEvent).map(({ job, outcome, now }) =>
      jobEvent(job, {
        ...("error" in outcome ? { status: "failed", error: outcome.error } : { status: "succeeded", error: null }),
        finishedAt: now,
      }),
    );
    const batchIds = [...new Set(ended.flatMap((f) => (f.job.batchId ? [f.job.batchId] : [])))];
    const latest = new Date(Math.max(...group.map((f) => f.now.getTime())));
    const batchEvents = await completeBatchesIfDone(tx, batchIds, latest);
    await enqueueWebhookEvents(tx, [...jobEvents, ...batchEvents]);
    return group.map((f) => settled.has(f.job.id));
  });
}
