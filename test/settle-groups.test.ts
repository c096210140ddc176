import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq, inArray } from "drizzle-orm";
import { apiKeyUsage, batches, jobs, webhookDeliveries } from "../src/db/schema";
import { claim } from "../src/worker/queue";
import { type Finished, settle } from "../src/worker/settle";
import { settleGroups } from "../src/worker/settle-groups";
import { type Account, createKey, signUp } from "./helpers/factories";
import { createTestApp, type TestApp } from "./helpers/harness";
import { balanceAndLedgerSum, freshOrganization, ledgerKinds } from "./helpers/jobs";

let t: TestApp;
let owner: Account;
const LEASE = 60_000;
const RESULT = { statusCode: 200, finalUrl: "https://example.com/", contentType: null, bytes: 0, durationMs: 0 };
const SUCCEEDED = { resultJson: JSON.stringify(RESULT) };
const FAILED = { error: { code: "timeout" as const, message: "slow" } };

beforeAll(async () => {
  t = await createTestApp({ allowPrivateTargets: true, allowedTargetPorts: "any", rateLimitKeyBurst: 1000, rateLimitProjectBurst: 1000 });
  owner = await signUp(t, "owner");
}, 60_000);
afterAll(() => t.close());

const submit = async (a: Account, token: string, n: number) => {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await t.request("POST", `/projects/${a.projectId}/jobs`, { token, body: { url: `https://example.com/${i}` } });
    expect(res.status).toBe(202);
    ids.push(res.body.data.id);
  }
  return ids;
};
const claimAll = () => claim(t.database.db, "group-worker", 100, t.clock.now(), LEASE, 3);
/** Settle groups whose groups are recorded by size as they go to the database. */
const watched = () => {
  const sizes: number[] = [];
  const groups = settleGroups(t.database.db, (db, group) => {
    sizes.push(group.length);
    return settle(db, group);
  });
  return { groups, sizes };
};

describe("settling finished jobs in groups", () => {
  test("jobs that finish together go in one statement: outcomes, credits, usage, webhook events and batch.completed as one by one", async () => {
    const ada = await freshOrganization(t, owner, "ada");
    const bo = await freshOrganization(t, owner, "bo");
    const boKey = await createKey(t, bo);
    const hook = await t.request("POST", `/private/projects/${ada.projectId}/webhooks`, {
      token: owner.token,
      body: { url: "https://hooks.example.com/in", events: ["job.succeeded", "job.failed", "batch.completed"] },
    });
    expect(hook.status).toBe(201);
    const batch = await t.request("POST", `/projects/${ada.projectId}/jobs/batch`, {
      token: owner.token,
      body: { urls: ["https://example.com/a", "https://example.com/b", "https://example.com/c"] },
    });
    expect(batch.status).toBe(202);
    const boJobs = await submit(bo, boKey.key, 2);

    const claimed = await claimAll();
    expect(claimed).toHaveLength(5);
    const failing = new Set([batch.body.data.jobs[1].id, boJobs[1]]);
    const { groups, sizes } = watched();
    const answers = await Promise.all(
      claimed.map((job) => groups.run({ job, outcome: failing.has(job.id) ? FAILED : SUCCEEDED, now: t.clock.now() })),
    );
    expect(answers).toEqual([true, true, true, true, true]);
    expect(sizes).toEqual([1, 4]); // the first alone, at once; the four that came meanwhile together

    const rows = await t.database.db.select({ id: jobs.id, status: jobs.status, charged: jobs.creditsCharged }).from(jobs);
    for (const job of claimed) {
      const stored = rows.find((r) => r.id === job.id)!;
      expect(stored).toMatchObject(failing.has(job.id) ? { status: "failed", charged: 0 } : { status: "succeeded", charged: 1 });
    }
    for (const org of [ada, bo]) {
      expect(await ledgerKinds(t, org.orgId)).toMatchObject({ charge: org === ada ? 2 : 1, release: 1 });
      const { balance, ledgerSum } = await balanceAndLedgerSum(t, org.orgId);
      expect(balance).toBe(ledgerSum);
      expect(balance).toBe(t.deps.config.freeCredits - (org === ada ? 2 : 1));
    }
    const usage = await t.database.db.select().from(apiKeyUsage).where(eq(apiKeyUsage.keyId, boKey.id));
    expect(usage.reduce((n, u) => n + u.jobsSucceeded, 0)).toBe(1);
    expect(usage.reduce((n, u) => n + u.jobsFailed, 0)).toBe(1);
    expect(usage.reduce((n, u) => n + u.creditsCharged, 0)).toBe(1);

    const [stored] = await t.database.db.select().from(batches).where(eq(batches.id, batch.body.data.batchId));
    expect(stored!.completedAt).not.toBeNull();
    const events = await t.database.db
      .select({ type: webhookDeliveries.eventType, payload: webhookDeliveries.payload })
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.projectId, ada.projectId));
    expect(events.map((e) => e.type).sort()).toEqual(["batch.completed", "job.failed", "job.succeeded", "job.succeeded"]);
    const completed = JSON.parse(events.find((e) => e.type === "batch.completed")!.payload);
    expect(completed.data).toMatchObject({ total: 3, succeeded: 2, failed: 1 });
    const others = await t.database.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.projectId, bo.projectId));
    expect(others).toHaveLength(0);
  });

  test("a job another claim has taken over is left alone; the rest of its group is settled", async () => {
    const cy = await freshOrganization(t, owner, "cy");
    await submit(cy, owner.token, 3);
    const claimed = await claimAll();
    const stale = { ...claimed[0]!, attempts: claimed[0]!.attempts - 1 }; // as a worker whose lease ran out holds it
    const group: Finished[] = [stale, ...claimed.slice(1)].map((job) => ({ job, outcome: SUCCEEDED, now: t.clock.now() }));
    expect(await settle(t.database.db, group)).toEqual([false, true, true]);
    const [left] = await t.database.db
      .select()
      .from(jobs)
      .where(and(eq(jobs.id, stale.id), eq(jobs.status, "running")));
    expect(left).toBeDefined();
    expect(await ledgerKinds(t, cy.orgId)).toMatchObject({ charge: 2 });
    expect((await balanceAndLedgerSum(t, cy.orgId)).balance).toBe(t.deps.config.freeCredits - 3); // one still held
  });

  test("a result the database refuses fails its own job only; the group's others are settled one by one", async () => {
    const di = await freshOrganization(t, owner, "di");
    await submit(di, owner.token, 4);
    const mine = await claimAll(); // cy's job from the test before stays running: its lease holds
    expect(mine.map((j) => j.projectId)).toEqual([di.projectId, di.projectId, di.projectId, di.projectId]);
    // PostgreSQL's jsonb refuses the NUL character: settle writes a statement it rejects.
    const refused = { resultJson: JSON.stringify({ ...RESULT, title: "a\u0000b" }) };
    const { groups, sizes } = watched();
    const answers = await Promise.allSettled(
      mine.map((job, i) => groups.run({ job, outcome: i === 2 ? refused : SUCCEEDED, now: t.clock.now() })),
    );
    expect(answers.map((a) => a.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    expect(sizes).toEqual([1, 3, 1, 1, 1]); // the group of three fails, then each runs alone
    expect(await ledgerKinds(t, di.orgId)).toMatchObject({ charge: 3 });
  });

  test("one group of jobs from two projects queues every event for every subscribed endpoint and own webhook.url, as sent one by one", async () => {
    const fay = await freshOrganization(t, owner, "fay");
    const gus = await freshOrganization(t, owner, "gus");
    const endpoint = async (a: Account, path: string, events: string[], enabled = true) => {
      const hooks = `/private/projects/${a.projectId}/webhooks`;
      const res = await t.request("POST", hooks, { token: owner.token, body: { url: `https://hooks.example.com/${path}`, events } });
      expect(res.status).toBe(201);
      if (!enabled)
        expect((await t.request("PATCH", `${hooks}/${res.body.data.id}`, { token: owner.token, body: { enabled } })).status).toBe(200);
      return res.body.data as { id: string; url: string };
    };
    const fayAll = await endpoint(fay, "fay-all", ["job.succeeded", "job.failed", "batch.completed"]);
    const fayFailed = await endpoint(fay, "fay-failed", ["job.failed"]);
    await endpoint(fay, "fay-off", ["job.succeeded", "job.failed", "batch.completed"], false);
    await endpoint(fay, "fay-keys", ["api_key.revoked"]);
    const gusSucceeded = await endpoint(gus, "gus-succeeded", ["job.succeeded", "batch.completed"]);
    const own = await t.request("POST", `/projects/${fay.projectId}/jobs`, {
      token: owner.token,
      body: { url: "https://example.com/own", webhook: { url: "https://hooks.example.com/own" } },
    });
    expect(own.status).toBe(202);
    await submit(fay, owner.token, 2);
    const batch = await t.request("POST", `/projects/${gus.projectId}/jobs/batch`, {
      token: owner.token,
      body: { urls: ["https://example.com/g1", "https://example.com/g2"] },
    });
    expect(batch.status).toBe(202);
    await submit(gus, owner.token, 1);

    const claimed = await claimAll();
    expect(claimed).toHaveLength(6);
    const fails = new Set([
      claimed.find((j) => j.projectId === fay.projectId && j.id !== own.body.data.id)!.id,
      batch.body.data.jobs[0].id,
    ]);
    const now = t.clock.now();
    const group = claimed.map((job) => ({ job, outcome: fails.has(job.id) ? FAILED : SUCCEEDED, now }));
    expect(await settle(t.database.db, group)).toEqual(claimed.map(() => true));

    type Delivery = { endpointId: string | null; url: string; projectId: string; body: { type: string; data: { id: string } } };
    const event = <Data extends { id: string }>(type: string, data: Data) => ({ type, timestamp: now.toISOString(), data });
    const jobData = (job: (typeof claimed)[number]) => ({
      id: job.id,
      projectId: job.projectId,
      url: job.url,
      status: fails.has(job.id) ? "failed" : "succeeded",
      finishedAt: now.toISOString(),
      ...(fails.has(job.id) ? { error: FAILED.error } : {}),
    });
    const expected = claimed.flatMap((job): Delivery[] => {
      const body = event(fails.has(job.id) ? "job.failed" : "job.succeeded", jobData(job));
      const to =
        job.projectId === fay.projectId ? (fails.has(job.id) ? [fayAll, fayFailed] : [fayAll]) : fails.has(job.id) ? [] : [gusSucceeded];
      const rows = to.map((e) => ({ endpointId: e.id, url: e.url, projectId: job.projectId, body }));
      return job.webhookUrl ? [...rows, { endpointId: null, url: job.webhookUrl, projectId: job.projectId, body }] : rows;
    });
    const completed = event("batch.completed", {
      id: batch.body.data.batchId,
      projectId: gus.projectId,
      total: 2,
      succeeded: 1,
      failed: 1,
      canceled: 0,
      finishedAt: now.toISOString(),
    });
    expected.push({ endpointId: gusSucceeded.id, url: gusSucceeded.url, projectId: gus.projectId, body: completed });

    const stored = await t.database.db
      .select()
      .from(webhookDeliveries)
      .where(inArray(webhookDeliveries.projectId, [fay.projectId, gus.projectId]));
    const key = (d: Delivery) => `${d.url} ${d.body.type} ${d.body.data.id}`;
    const byKey = (a: Delivery, b: Delivery) => key(a).localeCompare(key(b));
    expect(
      stored.map((d) => ({ endpointId: d.endpointId, url: d.url, projectId: d.projectId, body: JSON.parse(d.payload) })).sort(byKey),
    ).toEqual(expected.sort(byKey));
    for (const d of stored) {
      expect(d).toMatchObject({
        eventType: JSON.parse(d.payload).type,
        status: "pending",
        attempts: 0,
        nextAttemptAt: now,
        createdAt: now,
      });
      expect(d.id.slice(0, 8)).toBe(Math.floor(now.getTime() / 1000).toString(16));
    }
  });

  test("one notification for a group wakes the waiters (?wait=N) of every job in it", async () => {
    const ed = await freshOrganization(t, owner, "ed");
    await submit(ed, owner.token, 3);
    const claimed = await claimAll();
    const waits = claimed.map((job) => t.deps.jobEvents.waitFor(job.id, 20_000));
    const woken = Promise.all(waits.map((w) => w.done)).then(() => "woken" as const);
    expect(
      await settle(
        t.database.db,
        claimed.map((job) => ({ job, outcome: SUCCEEDED, now: t.clock.now() })),
      ),
    ).toEqual([true, true, true]);
    expect(await Promise.race([woken, Bun.sleep(10_000).then(() => "timed out" as const)])).toBe("woken");
  });
});
