import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { databaseErrorCode } from "../../db/errors";
import { executeRows } from "../../db/rows";
import type { BucketLimit } from "../../db/token-bucket";
import type { JobOptions } from "./view";

/** One job of a submission, with the ids made in JS (so the answer needs nothing back from the database). */
export type QueuedJob = { id: string; ledgerId: string; url: string; options: JobOptions; webhookUrl: string | null; createdAt: string };

export type Submission = {
  projectId: string;
  userId: string;
  apiKeyId: string | null;
  /** A service account's key: the account is the submitter, and it needs no membership. */
  serviceAccountId: string | null;
  /** The key's `creditLimit`, for the period `now` falls in: the statement counts the jobs against it. */
  keyCreditCap: { amount: number; periodStart: Date } | null;
  /** The caller's bucket first, then the project's: every submit takes them in this order, so none deadlock. */
  caller: BucketLimit;
  project: BucketLimit;
  /** Tokens taken from each bucket: 1 for a request (a batch too), n for n grouped single submits (submit-groups.ts). */
  tokens: number;
  jobs: QueuedJob[];
  /** A single submit's Idempotency-Key, stored on the job. */
  jobIdempotencyKey: string | null;
  /** A batch submit: its row, with the batch's Idempotency-Key. */
  batch: { id: string; idempotencyKey: string | null; requestHash: string } | null;
  now: Date;
};

/** Why the statement refused, rolled back whole: nothing of the submission remains. */
export type Refusal = "not_found" | "rate_limited:caller" | "rate_limited:project" | "key_credit_limit" | "insufficient_credits";

/** What the statement took: the buckets' tokens after the take, and the balance it left with the owners' low mark. */
export type Taken = { callerTokens: number; projectTokens: number; balance: number; lowThreshold: number | null };

/** The channel a queued job is announced on; workers LISTEN to it (src/worker/wake-up.ts). */
export const JOBS_QUEUED_CHANNEL = "azscraper_jobs_queued";

const at = (now: Date) => sql`${now.toISOString()}::timestamptz`;

/** Refill, check and take `count` tokens of a bucket (src/db/token-bucket.ts), as one upsert. */
function take(limit: BucketLimit, now: Date, after: SQL, count: number): SQL {
  const refilled = sql`least(${limit.burst}::float8, b.tokens + greatest(0, extract(epoch from (${at(now)} - b.updated_at))) * ${limit.perSecond}::float8)`;
  return sql`insert into rate_limit_buckets as b (bucket, tokens, updated_at)
    select ${limit.bucket}, ${limit.burst - count}::float8, ${at(now)} from ${after} where ${count}::int <= ${limit.burst}::float8
    on conflict (bucket) do update set tokens = ${refilled} - ${count}::int, updated_at = greatest(b.updated_at, ${at(now)})
    where ${refilled} >= ${count}::int
    returning b.tokens`;
}

/**
 * The whole submit as ONE statement, so it costs one round trip and holds its row locks (the two
 * buckets, then the organization's balance) only while PostgreSQL runs it, never across a network
 * wait. Each step of the CTE chain reads the one before it, which fixes the order the rows are
 * locked in; a refusal calls azs_refuse(), whose exception rolls back every step, as a failed
 * transaction did. To add a step (a per-key credit cap, say): add a CTE that reads the step it
 * must follow, make the next step read it, and give it a refusal in the final select.
 */
function statement(s: Submission): SQL {
  const n = s.jobs.length;
  const jobsJson = JSON.stringify(s.jobs);
  const member = s.serviceAccountId
    ? sql`true`
    : sql`exists (select 1 from memberships m where m.organization_id = p.organization_id and m.user_id = ${s.userId})`;
  return sql`with
  project as (
    select p.organization_id from projects p
    where p.id = ${s.projectId} and ${member}
  ),
  caller_take as (${take(s.caller, s.now, sql`project`, s.tokens)}),
  project_take as (${take(s.project, s.now, sql`caller_take`, s.tokens)}),
  key_credit as (${capStep(s, n)}),
  reserved as (
    update organizations o set credit_balance = o.credit_balance - ${n}::int
    from project
    where o.id = project.organization_id and o.credit_balance >= ${n}::int and exists (select 1 from key_credit)
    returning o.id, o.credit_balance, o.credit_low_threshold
  ),
  batch as (
    insert into batches (id, project_id, size, idempotency_key, request_hash, created_at)
    select ${s.batch?.id ?? null}::text, ${s.projectId}, ${n}::int, ${s.batch?.idempotencyKey ?? null}::text, ${s.batch?.requestHash ?? null}::text, ${at(s.now)}
    from reserved where ${s.batch !== null}::boolean
    returning id
  ),
  queued as (
    insert into jobs (id, project_id, api_key_id, created_by, service_account_id, url, status, options, idempotency_key, batch_id,
      webhook_url, created_at)
    select j.id, ${s.projectId}, ${s.apiKeyId}::text, ${s.userId}, ${s.serviceAccountId}::text, j.url, 'queued', j.options,
      ${s.jobIdempotencyKey}::text, ${s.batch?.id ?? null}::text, j."webhookUrl", j."createdAt"::timestamptz
    from reserved,
      jsonb_to_recordset(${jobsJson}::jsonb) as j(id text, url text, options jsonb, "webhookUrl" text, "createdAt" text)
    returning id
  ),
  ledger as (
    insert into credit_ledger (id, organization_id, kind, amount, job_id, created_at)
    select j."ledgerId", reserved.id, 'reserve', -1, j.id, ${at(s.now)}
    from reserved, jsonb_to_recordset(${jobsJson}::jsonb) as j(id text, "ledgerId" text)
    where exists (select 1 from queued)
    returning 1
  ),
  outcome as (
    select
      (select count(*) from project) as project_found,
      (select count(*) from caller_take) as caller_taken,
      (select tokens from caller_take) as caller_tokens,
      (select count(*) from project_take) as project_taken,
      (select tokens from project_take) as project_tokens,
      (select count(*) from key_credit) as key_credit_taken,
      (select credit_balance from reserved) as balance,
      (select credit_low_threshold from reserved) as low_threshold,
      (select count(*) from queued) as queued,
      (select count(*) from ledger) as ledger,
      (select count(*) from batch) as batched,
      (select count(*) from (select pg_notify(${JOBS_QUEUED_CHANNEL}, ${String(n)}) from reserved) notified) as notified
  )
  select caller_tokens, project_tokens, balance, low_threshold, case
      when project_found = 0 then azs_refuse('not_found')
      when caller_taken = 0 then azs_refuse('rate_limited:caller')
      when project_taken = 0 then azs_refuse('rate_limited:project')
      when key_credit_taken = 0 then azs_refuse('key_credit_limit')
      when queued = 0 then azs_refuse('insufficient_credits')
      else true end as accepted
  from outcome`;
}

/**
 * The key's credit cap as a step of the chain: one conditional upsert of its count for the period,
 * which PostgreSQL locks, so concurrent submits in any number of processes never pass the cap
 * together. Without a cap the step only passes the project's take on.
 */
function capStep(s: Submission, n: number): SQL {
  if (!s.keyCreditCap || !s.apiKeyId) return sql`select 1 from project_take`;
  const { amount, periodStart } = s.keyCreditCap;
  return sql`insert into api_key_credit_usage as u (api_key_id, period_start, used)
    select ${s.apiKeyId}, ${periodStart.toISOString()}::timestamptz, ${n}::int from project_take where ${n}::int <= ${amount}::int
    on conflict (api_key_id, period_start) do update set used = u.used + ${n}::int where u.used + ${n}::int <= ${amount}::int
    returning u.used`;
}

/** azs_refuse()'s reason, on the driver's error or the cause Drizzle wraps it in. */
function refusalOf(error: unknown): Refusal | null {
  if (databaseErrorCode(error) !== "P0001") return null;
  for (let e = error, depth = 0; e && typeof e === "object" && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const match = /azs_refused:([\w:]+)/.exec(String((e as Error).message));
    if (match) return match[1] as Refusal;
  }
  return null;
}

export class SubmissionRefused extends Error {
  constructor(readonly reason: Refusal) {
    super(reason);
  }
}

/**
 * Runs the statement. Returns the buckets' tokens after the take, or throws `SubmissionRefused`
 * (everything rolled back); other database errors, a reused Idempotency-Key's 23505 among them, pass through.
 */
export async function runSubmission(db: Db, s: Submission): Promise<Taken> {
  try {
    const [row] = await executeRows<{ caller_tokens: number; project_tokens: number; balance: number; low_threshold: number | null }>(
      db,
      statement(s),
    );
    return {
      callerTokens: Number(row!.caller_tokens),
      projectTokens: Number(row!.project_tokens),
      balance: Number(row!.balance),
      lowThreshold: row!.low_threshold === null ? null : Number(row!.low_threshold),
    };
  } catch (error) {
    const refusal = refusalOf(error);
    if (refusal) throw new SubmissionRefused(refusal);
    throw error;
  }
}
