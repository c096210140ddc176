import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import fc from "fast-check";
import { jobs } from "../src/db/schema";
import { grant } from "../src/modules/credits/ledger";
import { claim } from "../src/worker/queue";
import { settle } from "../src/worker/settle";
import { Worker } from "../src/worker/worker";
import { type Account, signUp } from "./helpers/factories";
import { createTestApp, type TestApp } from "./helpers/harness";
import { balanceAndLedgerSum, freshOrganization, ledgerKinds, waitForJob } from "./helpers/jobs";
import { startTargetSite, type TargetSite } from "./helpers/target-site";

let t: TestApp;
let site: TargetSite;
let owner: Account;
const LEASE = 60_000;

beforeAll(async () => {
  site = startTargetSite();
  t = await createTestApp({
    allowPrivateTargets: true,
    allowedTargetPorts: "any",
    workerPollMs: 20,
    jobLeaseMs: LEASE,
    jobMaxAttempts: 2,
    rateLimitKeyBurst: 1000,
    rateLimitProjectBurst: 1000,
    rateLimitOrgsPerHour: 1000, // freshOrganization, once per property run
  });
  owner = await signUp(t, "owner");
}, 60_000);
afterAll(async () => {
  site.stop();
  await t.close();
});

const URL_ = "https://example.com/";
const jobsPath = (a: Account) => `/projects/${a.projectId}/jobs`;
const submit = (a: Account, path: string) =>
  t.request("POST", `/projects/${a.projectId}/jobs`, { token: a.token, body: { url: `${site.url}${path}` } }).then((r) => r.body.data);
const row = async (id: string) => (await t.database.db.select().from(jobs).where(eq(jobs.id, id)))[0]!;

describe("the Postgres queue", () => {
  test("two workers on one database: every job runs exactly once and is charged once", async () => {
    const ada = await freshOrganization(t, owner, "ada");
    const submitted = [];
    for (let i = 0; i < 16; i++) submitted.push(await submit(ada, `/once/${i}`));
    const workers = [new Worker(t.deps), new Worker(t.deps)];
    for (const w of workers) w.start();
    for (const job of submitted) await waitForJob(t, ada.token, ada.projectId, job.id);
    await Promise.all(workers.map((w) => w.stop(0)));
    for (let i = 0; i < 16; i++) expect(site.hits.get(`/once/${i}`), `/once/${i}`).toBe(1);
    expect(await ledgerKinds(t, ada.orgId)).toEqual({ grant: 1, reserve: 16, charge: 16 });
    expect(await balanceAndLedgerSum(t, ada.orgId)).toEqual({ balance: 1000 - 16, ledgerSum: 1000 - 16 });
  });

  test("a job left running by a dead worker is taken over after its lease and charged once", async () => {
    const bob = await freshOrganization(t, owner, "bob");
    const job = await submit(bob, "/crashed");
    const [dead] = await claim(t.database.db, "dead-worker", 1, t.clock.now(), LEASE, 2);
    expect(dead!.id).toBe(job.id);
    const worker = new Worker(t.deps);
    await worker.poll();
    expect((await row(job.id)).workerId).toBe("dead-worker"); // the lease still holds
    t.clock.advance(LEASE + 1);
    worker.start();
    const done = await waitForJob(t, bob.token, bob.projectId, job.id);
    await worker.stop(0);
    expect(done).toMatchObject({ status: "succeeded", creditsCharged: 1 });
    expect((await row(job.id)).attempts).toBe(2);
    // The dead worker waking up late cannot settle it a second time.
    const late = { job: dead!, outcome: { error: { code: "internal_error" as const, message: "late" } }, now: t.clock.now() };
    expect(await settle(t.database.db, [late])).toEqual([false]);
    expect(await ledgerKinds(t, bob.orgId)).toEqual({ grant: 1, reserve: 1, charge: 1 });
  });

  test("a job whose workers keep dying fails after JOB_MAX_ATTEMPTS and its credit is released", async () => {
    const cy = await freshOrganization(t, owner, "cy");
    const job = await submit(cy, "/doomed");
    for (let i = 0; i < 2; i++) {
      expect((await claim(t.database.db, `dead-${i}`, 1, t.clock.now(), LEASE, 2)).map((j) => j.id)).toEqual([job.id]);
      t.clock.advance(LEASE + 1);
    }
    const worker = new Worker(t.deps);
    worker.start();
    const done = await waitForJob(t, cy.token, cy.projectId, job.id);
    await worker.stop(0);
    expect(done).toMatchObject({ status: "failed", creditsCharged: 0, error: { code: "internal_error" } });
    expect(site.hits.get("/doomed")).toBeUndefined();
    expect(await balanceAndLedgerSum(t, cy.orgId)).toEqual({ balance: 1000, ledgerSum: 1000 });
  });

  test("stop() lets a running job finish within the grace period", async () => {
    const di = await freshOrganization(t, owner, "di");
    const job = await submit(di, "/slow?ms=300");
    const worker = new Worker(t.deps);
    worker.start();
    await waitForJob(t, di.token, di.projectId, job.id, ["running"]);
    await worker.stop(10_000);
    expect((await row(job.id)).status).toBe("succeeded");
  });

  test("stop() re-queues a job that outlives the grace period, without using up an attempt", async () => {
    const ed = await freshOrganization(t, owner, "ed");
    const job = await submit(ed, "/hold/requeue");
    const worker = new Worker(t.deps);
    worker.start();
    await waitForJob(t, ed.token, ed.projectId, job.id, ["running"]);
    await worker.stop(50);
    site.release();
    expect(await row(job.id)).toMatchObject({ status: "queued", attempts: 0, workerId: null });
    const next = new Worker(t.deps);
    next.start();
    const done = await waitForJob(t, ed.token, ed.projectId, job.id);
    await next.stop(0);
    expect(done.status).toBe("succeeded");
    expect(await ledgerKinds(t, ed.orgId)).toEqual({ grant: 1, reserve: 1, charge: 1 });
  });
});

describe("any sequence of credit movements", () => {
  type Op = { kind: "submit" } | { kind: "cancel"; pick: number } | { kind: "settle"; oks: boolean[] } | { kind: "grant"; amount: number };
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.constant({ kind: "submit" as const }),
    fc.record({ kind: fc.constant("cancel" as const), pick: fc.nat() }),
    // A worker settles the jobs that finish together in one statement: any mix of outcomes.
    fc.record({ kind: fc.constant("settle" as const), oks: fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }) }),
    fc.record({ kind: fc.constant("grant" as const), amount: fc.integer({ min: 1, max: 3 }) }),
  );

  // Runs last in this file: every earlier job is settled, so the queue holds only this organization's jobs.
  test("keeps the balance at or above 0 and equal to the ledger sum and to what was granted minus what is held or spent", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 8 }), async (ops) => {
        const org = await freshOrganization(t, owner, "prop");
        let expected = 1000;
        const queued: string[] = [];
        for (const o of ops) {
          if (o.kind === "submit") {
            const res = await t.request("POST", jobsPath(org), { token: owner.token, body: { url: URL_ } });
            expect(res.status).toBe(expected > 0 ? 202 : 402);
            if (res.status === 202) {
              expected--;
              queued.push(res.body.data.id);
            }
          } else if (o.kind === "cancel" && queued.length) {
            const [id] = queued.splice(o.pick % queued.length, 1);
            expect((await t.request("POST", `${jobsPath(org)}/${id}/cancel`, { token: owner.token })).status).toBe(200);
            expected++;
          } else if (o.kind === "settle" && queued.length) {
            // What a worker does, without fetching: claim the oldest queued jobs (only this org has any), then settle them together.
            const claimed = await claim(t.database.db, "prop-worker", o.oks.length, t.clock.now(), LEASE, 2);
            expect(claimed.map((j) => j.id).sort()).toEqual(queued.splice(0, claimed.length).sort());
            const group = claimed.map((job, i) => ({
              job,
              outcome: o.oks[i]
                ? { resultJson: JSON.stringify({ statusCode: 200, finalUrl: URL_, contentType: null, bytes: 0, durationMs: 0 }) }
                : { error: { code: "timeout" as const, message: "slow" } },
              now: t.clock.now(),
            }));
            expect(await settle(t.database.db, group)).toEqual(claimed.map(() => true));
            expected += o.oks.slice(0, claimed.length).filter((ok) => !ok).length;
          } else if (o.kind === "grant") {
            await t.database.db.transaction((tx) => grant(tx, org.orgId, o.amount, t.clock.now(), "top-up"));
            expected += o.amount;
          }
          const { balance, ledgerSum } = await balanceAndLedgerSum(t, org.orgId);
          expect(balance).toBeGreaterThanOrEqual(0);
          expect(balance).toBe(ledgerSum);
          expect(balance).toBe(expected);
        }
        // Leave the queue empty for the next run: cancel what is left, which gives every credit back.
        for (const id of queued) await t.request("POST", `${jobsPath(org)}/${id}/cancel`, { token: owner.token });
        expect(await balanceAndLedgerSum(t, org.orgId)).toEqual({ balance: expected + queued.length, ledgerSum: expected + queued.length });
      }),
      { numRuns: 15 },
    );
  }, 60_000);
});
