import { sql } from "drizzle-orm";
import type { Db, Tx } from "./client";

/** What one key did in one UTC hour, as counted by a process or a job's settlement. */
export type UsageDelta = {
  keyId: string;
  hourStart: Date;
  requestsOk?: number;
  requestsClientError?: number;
  requestsRateLimited?: number;
  requestsPaymentRequired?: number;
  requestsTotal?: number;
  jobsSubmitted?: number;
  jobsSucceeded?: number;
  jobsFailed?: number;
  creditsReserved?: number;
  creditsCharged?: number;
};

const COLUMNS = [
  ["requestsOk", "requests_ok"],
  ["requestsClientError", "requests_client_error"],
  ["requestsRateLimited", "requests_rate_limited"],
  ["requestsPaymentRequired", "requests_payment_required"],
  ["requestsTotal", "requests_total"],
  ["jobsSubmitted", "jobs_submitted"],
  ["jobsSucceeded", "jobs_succeeded"],
  ["jobsFailed", "jobs_failed"],
  ["creditsReserved", "credits_reserved"],
  ["creditsCharged", "credits_charged"],
] as const;

export const hourStart = (at: Date) => new Date(Math.floor(at.getTime() / 3_600_000) * 3_600_000);

/**
 * Adds the deltas to their hourly buckets in one statement. Every counter is `n = n + excluded.n`,
 * so processes flushing the same bucket at once never lose each other's counts; rows are taken in
 * (key, hour) order, so two such statements lock in the same order and cannot deadlock. Deltas of
 * keys that no longer exist are dropped by the join instead of failing the batch.
 */
export async function addUsage(db: Db | Tx, deltas: UsageDelta[]): Promise<void> {
  if (deltas.length === 0) return;
  const rows = sql.join(
    deltas.map(
      (d) =>
        sql`(${d.keyId}, ${d.hourStart.toISOString()}::timestamptz, ${sql.join(
          COLUMNS.map(([field]) => sql`${d[field] ?? 0}::int`),
          sql`, `,
        )})`,
    ),
    sql`, `,
  );
  const names = sql.raw(COLUMNS.map(([, column]) => column).join(", "));
  const values = sql.raw(COLUMNS.map(([, column]) => `v.${column}`).join(", "));
  const adds = sql.raw(COLUMNS.map(([, column]) => `${column} = api_key_usage.${column} + excluded.${column}`).join(", "));
  await db.execute(sql`
    insert into api_key_usage (key_id, granularity, bucket_start, ${names})
    select v.key_id, 'hour', v.bucket_start, ${values}
    from (values ${rows}) as v(key_id, bucket_start, ${names})
    join api_keys on api_keys.id = v.key_id
    order by v.key_id, v.bucket_start
    on conflict (key_id, granularity, bucket_start) do update set ${adds}`);
}

/**
 * Folds hourly buckets that started before `cutoff` into daily ones (additively, as above) and
 * deletes them, in one statement: each hour is counted in exactly one of the two, at every moment.
 */
export async function rollUpHours(db: Db, cutoff: Date): Promise<void> {
  const names = sql.raw(COLUMNS.map(([, column]) => column).join(", "));
  const sums = sql.raw(COLUMNS.map(([, column]) => `sum(${column})::int`).join(", "));
  const adds = sql.raw(COLUMNS.map(([, column]) => `${column} = api_key_usage.${column} + excluded.${column}`).join(", "));
  await db.execute(sql`
    with old as (
      delete from api_key_usage where granularity = 'hour' and bucket_start < ${cutoff.toISOString()}::timestamptz returning *
    )
    insert into api_key_usage (key_id, granularity, bucket_start, ${names})
    select key_id, 'day', date_trunc('day', bucket_start, 'UTC'), ${sums}
    from old group by key_id, date_trunc('day', bucket_start, 'UTC')
    order by 1, 3
    on conflict (key_id, granularity, bucket_start) do update set ${adds}`);
}
