import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { jobs } from "../src/db/schema";
import { Worker } from "../src/worker/worker";
import { type Account, createKey, signUp } from "./helpers/factories";
import { createTestApp, type TestApp } from "./helpers/harness";
import { balanceAndLedgerSum, freshOrganization, ledgerKinds } from "./helpers/jobs";
import { startTargetSite, type TargetSite } from "./helpers/target-site";

let t: TestApp;
let site: TargetSite;
let ada: Account;
let key: { id: string; key: string };

beforeAll(async () => {
  site = startTargetSite();
  t = await createTestApp({ allowPrivateTargets: true, allowedTargetPorts: "any", workerPollMs: 20 });
  t.clock.freeze(); // rate-limit buckets refill only when a test says so
  ada = await signUp(t, "ada");
  key = await createKey(t, ada);
}, 60_000);
afterAll(async () => {
  site.stop();
  await t.close();
});

const batchPath = (a: Account) => `/projects/${a.projectId}/jobs/batch`;
const jobCount = async (projectId: string) =>
  (await t.database.db.select({ id: jobs.id }).from(jobs).where(eq(jobs.projectId, projectId))).length;

/** A fresh organization with its own key: its own balance and its own rate-limit buckets. */
async function freshTenant(label: string) {
  const account = await freshOrganization(t, ada, label);
  return { account, key: await createKey(t, account) };
}

describe("POST /projects/{projectId}/jobs/batch", () => {
  test("queues one job per URL in the order sent, with the shared options; the list and the batch find them; a worker runs them", async () => {
    const { account, key: k } = await freshTenant("batch-run");
    const urls = [`${site.url}/page`, `${site.url}/json`, `${site.url}/page?second`];
    const res = await t.request("POST", batchPath(account), { token: k.key, body: { urls, options: { extract: ["title"] } } });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const { batchId, jobs: queued } = res.body.data;
    expect(queued.map((j: { url: string }) => j.url)).toEqual(urls);
    expect(queued.every((j: { status: string }) => j.status === "queued")).toBe(true);
    expect(res.headers.get("location")).toBe(`/projects/${account.projectId}/batches/${batchId}`);

    const listed = await t.request("GET", `/projects/${account.projectId}/jobs?batchId=${batchId}`, { token: k.key });
    expect(listed.body.data.map((j: { id: string }) => j.id).sort()).toEqual(queued.map((j: { id: string }) => j.id).sort());
    expect(
      listed.body.data.every(
        (j: { batchId: string; options: { extract: string[] } }) => j.batchId === batchId && j.options.extract[0] === "title",
      ),
    ).toBe(true);

    const worker = new Worker(t.deps);
    worker.start();
    try {
      for (;;) {
        const batch = await t.request("GET", `/projects/${account.projectId}/batches/${batchId}`, { token: k.key });
        expect(batch.status).toBe(200);
        if (batch.body.data.counts.succeeded === 3) {
          expect(batch.body.data).toMatchObject({ id: batchId, size: 3, counts: { queued: 0, running: 0, failed: 0, canceled: 0 } });
          expect(batch.body.data.jobs).toHaveLength(3);
          break;
        }
        await Bun.sleep(20);
      }
    } finally {
      await worker.stop(0);
    }
    expect(await ledgerKinds(t, account.orgId)).toMatchObject({ reserve: 3, charge: 3 });
    const { balance, ledgerSum } = await balanceAndLedgerSum(t, account.orgId);
    expect(balance).toBe(ledgerSum);
  });

  test("each job's own options are laid over the shared ones", async () => {
    const { account, key: k } = await freshTenant("batch-options");
    const body = {
      jobs: [{ url: "https://example.com/a", options: { extract: ["html"] } }, { url: "https://example.com/b" }],
      options: { timeoutMs: 5000 },
    };
    const res = await t.request("POST", batchPath(account), { token: k.key, body });
    expect(res.status).toBe(202);
    const [a, b] = await Promise.all(
      res.body.data.jobs.map(
        async (j: { id: string }) => (await t.request("GET", `/projects/${account.projectId}/jobs/${j.id}`, { token: k.key })).body.data,
      ),
    );
    expect(a.options).toMatchObject({ extract: ["html"], timeoutMs: 5000 });
    expect(b.options).toMatchObject({ extract: ["title", "text", "links"], timeoutMs: 5000 });
  });

  test("one bad URL is a 400 naming its index, and nothing is queued or reserved", async () => {
    const { account, key: k } = await freshTenant("batch-bad");
    const before = await balanceAndLedgerSum(t, account.orgId);
    const bad = await t.request("POST", batchPath(account), {
      token: k.key,
      body: { urls: ["https://example.com/", "https://example.org/", "ftp://example.com/file"] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain("'urls.2'");
    expect(bad.body.error.message).toContain("Nothing was queued");
    const badJob = await t.request("POST", batchPath(account), {
      token: k.key,
      body: { jobs: [{ url: "https://example.com/" }, { url: "not a url" }] },
    });
    expect(badJob.status).toBe(400);
    expect(badJob.body.error.message).toContain("'jobs.1.url'");
    const tooMany = await t.request("POST", batchPath(account), {
      token: k.key,
      body: { urls: Array.from({ length: 1001 }, (_, i) => `https://example.com/${i}`) },
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.message).toContain("urls");
    const both = await t.request("POST", batchPath(account), {
      token: k.key,
      body: { urls: ["https://example.com/"], jobs: [{ url: "https://example.com/" }] },
    });
    expect(both.status).toBe(400);
    expect(await jobCount(account.projectId)).toBe(0);
    expect(await balanceAndLedgerSum(t, account.orgId)).toEqual(before);
  });

  test("credits are reserved all or nothing: a batch larger than the balance is a 402 stating both numbers", async () => {
    const { account, key: k } = await freshTenant("batch-credits");
    const urlsFor = (n: number) => Array.from({ length: n }, (_, i) => `https://example.com/${i}`);
    const spent = await t.request("POST", batchPath(account), {
      token: k.key,
      body: { urls: urlsFor((await balanceAndLedgerSum(t, account.orgId)).balance - 5) },
    });
    expect(spent.status).toBe(202);
    const balance = 5;
    const jobsBefore = await jobCount(account.projectId);
    const urls = urlsFor(balance + 1);
    const refused = await t.request("POST", batchPath(account), { token: k.key, body: { urls } });
    expect(refused.status).toBe(402);
    expect(refused.body.error.message).toContain(`has ${balance} credits left`);
    expect(refused.body.error.message).toContain(`this batch needs ${balance + 1}`);
    expect(await jobCount(account.projectId)).toBe(jobsBefore);
    expect((await balanceAndLedgerSum(t, account.orgId)).balance).toBe(balance);
    const fits = await t.request("POST", batchPath(account), { token: k.key, body: { urls: urls.slice(1) } });
    expect(fits.status).toBe(202);
    expect(await balanceAndLedgerSum(t, account.orgId)).toEqual({ balance: 0, ledgerSum: 0 });
  });

  test("a batch takes one rate-limit token, whatever its size", async () => {
    const { account, key: k } = await freshTenant("batch-tokens");
    const first = await t.request("POST", batchPath(account), {
      token: k.key,
      body: { urls: Array.from({ length: 50 }, (_, i) => `https://example.com/${i}`) },
    });
    const second = await t.request("POST", batchPath(account), { token: k.key, body: { urls: ["https://example.com/"] } });
    const limit = Number(first.headers.get("ratelimit-limit"));
    expect(Number(first.headers.get("ratelimit-remaining"))).toBe(limit - 1);
    expect(Number(second.headers.get("ratelimit-remaining"))).toBe(limit - 2);
  });

  test("a retry with the same Idempotency-Key returns the first batch and reserves nothing; a different batch with it is 409", async () => {
    const { account, key: k } = await freshTenant("batch-idem");
    const body = { urls: ["https://example.com/1", "https://example.com/2"] };
    const headers = { "idempotency-key": "batch-retry-1" };
    const first = await t.request("POST", batchPath(account), { token: k.key, body, headers });
    const again = await t.request("POST", batchPath(account), { token: k.key, body, headers });
    expect(again.status).toBe(202);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body.data).toEqual(first.body.data);
    expect(await jobCount(account.projectId)).toBe(2);
    expect((await ledgerKinds(t, account.orgId)).reserve).toBe(2);
    const other = await t.request("POST", batchPath(account), { token: k.key, body: { urls: ["https://example.com/3"] }, headers });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe("idempotency_key_reused");
  });

  test("10 concurrent first attempts with one key make one batch", async () => {
    const { account, key: k } = await freshTenant("batch-race");
    const body = { urls: ["https://example.com/x", "https://example.com/y"] };
    const headers = { "idempotency-key": "batch-race-1" };
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => t.request("POST", batchPath(account), { token: k.key, body, headers })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(202));
    expect(new Set(answers.map((a) => a.body.data.batchId)).size).toBe(1);
    expect(await jobCount(account.projectId)).toBe(2);
  });

  test("another tenant's batch is 404, through its project and through one's own", async () => {
    const { account, key: k } = await freshTenant("batch-owner");
    const res = await t.request("POST", batchPath(account), { token: k.key, body: { urls: ["https://example.com/"] } });
    const batchId = res.body.data.batchId;
    const outsider = await signUp(t, "outsider");
    const theirs = await t.request("GET", `/projects/${account.projectId}/batches/${batchId}`, { token: outsider.token });
    expect(theirs.status).toBe(404);
    const ownProject = await t.request("GET", `/projects/${outsider.projectId}/batches/${batchId}`, { token: outsider.token });
    expect(ownProject.status).toBe(404);
    expect(ownProject.body.error.message).toContain("batch");
    const sameOrgOtherProject = await t.request("GET", `/projects/${ada.projectId}/batches/${batchId}`, { token: key.key });
    expect(sameOrgOtherProject.status).toBe(404);
  });
});

describe("single submits of one key in parallel (they share statements: src/modules/jobs/submit-groups.ts)", () => {
  test("15 at once: 15 jobs, 15 reservations, each answer its own job; with fewer credits, exactly that many get in", async () => {
    const { account, key: k } = await freshTenant("grouped");
    const before = await balanceAndLedgerSum(t, account.orgId);
    const send = (i: number, token = k.key) =>
      t.request("POST", `/projects/${account.projectId}/jobs`, { token, body: { url: `https://example.com/g/${i}` } });
    // 15 of the key's burst of 20 (the clock is frozen: no refill).
    const answers = await Promise.all(Array.from({ length: 15 }, (_, i) => send(i)));
    expect(answers.map((a) => a.status)).toEqual(Array(15).fill(202));
    expect(answers.map((a) => a.body.data.url)).toEqual(Array.from({ length: 15 }, (_, i) => `https://example.com/g/${i}`));
    for (const a of answers) {
      const stored = await t.request("GET", `/projects/${account.projectId}/jobs/${a.body.data.id}`, { token: k.key });
      expect(stored.body.data).toMatchObject({ url: a.body.data.url, createdAt: a.body.data.createdAt, status: "queued" });
    }
    expect(await balanceAndLedgerSum(t, account.orgId)).toEqual({ balance: before.balance - 15, ledgerSum: before.balance - 15 });

    // A second key (a bucket of its own): one batch leaves 7 credits, then 19 submits at once.
    const k2 = await createKey(t, account);
    const spent = await t.request("POST", batchPath(account), {
      token: k2.key,
      body: { urls: Array.from({ length: before.balance - 15 - 7 }, (_, i) => `https://example.com/s/${i}`) },
    });
    expect(spent.status).toBe(202);
    const last = await Promise.all(Array.from({ length: 19 }, (_, i) => send(100 + i, k2.key)));
    expect(last.filter((a) => a.status === 202).length).toBe(7);
    expect(last.filter((a) => a.status === 402).length).toBe(12);
    expect(await balanceAndLedgerSum(t, account.orgId)).toEqual({ balance: 0, ledgerSum: 0 });
  });
});
