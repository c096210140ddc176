import { sql } from "drizzle-orm";
import type { Tx } from "../../db/client";
import { JOB_FINISHED_CHANNEL } from "../../db/job-finish-events";

/** Tells every process that a job has finished; PostgreSQL delivers it when, and only if, `tx` commits. */
export async function announceFinished(tx: Tx, jobId: string): Promise<void> {
  await tx.execute(sql`select pg_notify(${JOB_FINISHED_CHANNEL}, ${jobId})`);
}
