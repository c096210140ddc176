import { afterAll, beforeAll, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import type { Db, Tx } from "../src/db/client";
import { executeRows } from "../src/db/rows";
import { batches } from "../src/db/schema";
import { completeBatchesIfDone } from "../src/modules/jobs/batch-completion";
import { claim, failExhausted } from "../src/worker/queue";
import { claimDeliveries, pruneDeliveries } from "../src/worker/webhook-queue";
import { signUp } from "./helpers/factories";
import { createTestApp, type TestApp } from "./helpers/harness";

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
  await signUp(t, "ada"); // a project for the batch probe
}, 60_000);
afterAll(() => t.close());

/** Thrown to roll the probe's transaction back: the queues must not keep anything it claimed. */
class RolledBack extends Error {}

/**
 * Runs `work` under a generic plan (parameters unknown, as PostgreSQL may choose for a prepared
 * statement after five runs), with sequential scans off so a small test table cannot make one look
 * cheaper, and answers how often each of `indexes` was scanned.
 */
async function scansUnderGenericPlan(indexes: string[], work: (db: Db) => Promise<unknown>): Promise<Record<string, number>> {
  let scans: Record<string, number> = {};
  await t.database.db
    .transaction(async (tx) => {
      await tx.execute(sql`set local plan_cache_mode = force_generic_plan`);
      await tx.execute(sql`set local enable_seqscan = off`);
      const db = tx as unknown as Db;
      await work(db);
      for (const index of indexes) {
        const [row] = await executeRows<{ n: number }>(db, sql`select pg_stat_get_xact_numscans(${index}::regclass)::int as n`);
        scans = { ...scans, [index]: row!.n };
      }
      throw new RolledBack();
    })
    .catch((error) => {
      if (!(error instanceof RolledBack)) throw error;
    });
  return scans;
}

/*
 * Every statement is a named prepared statement. A status passed as a parameter rules out the
 * queues' partial indexes under a generic plan, and the job claim scanned the whole jobs table on
 * every call. The statuses are now written into the SQL (src/db/status-literal.ts).
 */
test("the job claim and the sweep use the queue's partial indexes under a generic plan", async () => {
  const scans = await scansUnderGenericPlan(["jobs_queued_idx", "jobs_running_lease_idx"], async (db) => {
    await claim(db, "plan-probe", 1, t.clock.now(), 60_000, 3);
    await failExhausted(db, t.clock.now(), 3);
  });
  // The claim's queued arm scans jobs_queued_idx; its expired arm and the sweep scan jobs_running_lease_idx.
  expect(scans.jobs_queued_idx).toBeGreaterThanOrEqual(1);
  expect(scans.jobs_running_lease_idx).toBeGreaterThanOrEqual(2);
});

test("the webhook delivery claim and the pruning use the deliveries' partial indexes under a generic plan", async () => {
  const indexes = ["webhook_deliveries_due_idx", "webhook_deliveries_lease_idx", "webhook_deliveries_finished_idx"];
  const scans = await scansUnderGenericPlan(indexes, async (db) => {
    await claimDeliveries(db, 10, t.clock.now(), 60_000);
    await pruneDeliveries(db, t.clock.now());
  });
  for (const index of indexes) expect(scans[index], index).toBeGreaterThanOrEqual(1);
});

test("whether a batch has a job left is a probe of jobs_batch_unfinished_idx under a generic plan", async () => {
  const scans = await scansUnderGenericPlan(["jobs_batch_unfinished_idx"], async (db) => {
    const [project] = await executeRows<{ id: string }>(db, sql`select id from projects limit 1`);
    await db
      .insert(batches)
      .values({ id: "plan-probe-batch", projectId: project!.id, size: 1, requestHash: "-", createdAt: t.clock.now() });
    await completeBatchesIfDone(db as unknown as Tx, ["plan-probe-batch"], t.clock.now());
  });
  expect(scans.jobs_batch_unfinished_idx).toBeGreaterThanOrEqual(1);
});
