import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Worker } from "../src/worker/worker";
import { type Account, createKey, signUp } from "./helpers/factories";
import { createTestApp, type TestApp } from "./helpers/harness";
import { balanceAndLedgerSum, ledgerKinds, waitForJob } from "./helpers/jobs";
import { startTargetSite, type TargetSite } from "./helpers/target-site";

let t: TestApp;
let site: TargetSite;
let worker: Worker;
let ada: Account;
let key: { id: string; key: string };

beforeAll(async () => {
  site = startTargetSite();
  t = await createTestApp({ allowPrivateTargets: true, allowedTargetPorts: "any", workerPollMs: 20, workerConcurrency: 4 });
  worker = new Worker(t.deps);
  worker.start();
  ada = await signUp(t, "ada");
  key = await createKey(t, ada);
}, 60_000);
afterAll(async () => {
  await worker.stop(0);
  site.stop();
  await t.close();
});

const jobsPath = (a: Account) => `/projects/${a.projectId}/jobs`;
const submit = (body: unknown, token = key.key, headers?: Record<string, string>) =>
  t.request("POST", jobsPath(ada), { token, body, headers });
async function run(body: Record<string, unknown>) {
  const created = await submit(body);
  expect(created.status, JSON.stringify(created.body)).toBe(202);
  return waitForJob(t, key.key, ada.projectId, created.body.data.id);
}

describe("a key submits a job, a worker runs it, the organization pays once", () => {
  test("202 queued with defaults, Location and RateLimit headers; then succeeded with title and absolute, deduplicated links", async () => {
    const before = await balanceAndLedgerSum(t, ada.orgId);
    const created = await submit({ url: `${site.url}/page` });
    expect(created.status).toBe(202);
    const job = created.body.data;
    expect(job).toMatchObject({ status: "queued", apiKeyId: key.id, createdBy: ada.id, creditsCharged: 0, startedAt: null });
    expect(job.options).toEqual({
      timeoutMs: 15000,
      maxBytes: 2097152,
      extract: ["title", "text", "links"],
      onlyMainContent: true,
      selectors: {},
      headers: {},
    });
    expect(created.headers.get("location")).toBe(`${jobsPath(ada)}/${job.id}`);
    expect(created.headers.get("ratelimit-limit")).toBe("20");

    const done = await waitForJob(t, key.key, ada.projectId, job.id);
    expect(done.status).toBe("succeeded");
    expect(done.creditsCharged).toBe(1);
    expect(done.result).toMatchObject({ statusCode: 200, finalUrl: `${site.url}/page`, title: "Welcome page" });
    expect(done.result.contentType).toContain("text/html");
    expect(done.result.links).toEqual([`${site.url}/about`, `${site.url}/contact?x=1`, "https://example.org/out"]);
    expect(done.result.text).toContain("Hello Read about us");
    expect(done.result.text).not.toContain("hidden");
    expect(done.result.meta).toBeUndefined();

    const after = await balanceAndLedgerSum(t, ada.orgId);
    expect(after.balance).toBe(before.balance - 1);
    expect(after.ledgerSum).toBe(after.balance);
    const credits = await t.request("GET", `/private/organizations/${ada.orgId}/credits?limit=2`, { token: ada.token });
    expect(credits.body.data.entries.map((e: { kind: string; jobId: string }) => [e.kind, e.jobId])).toEqual([
      ["charge", job.id],
      ["reserve", job.id],
    ]);
  });

  test("extract picks the fields: html and meta on request", async () => {
    const done = await run({ url: `${site.url}/page`, options: { extract: ["meta", "html"] } });
    expect(done.result.meta).toEqual({ description: "About Welcome page" });
    expect(done.result.html).toContain("<title>Welcome page</title>");
    expect(done.result.title).toBeUndefined();
  });

  test("allowlisted headers reach the target; others are refused with 400", async () => {
    const ok = await run({ url: `${site.url}/headers`, options: { headers: { "user-agent": "MyBot/1.0", "accept-language": "fr" } } });
    expect(ok.result.title).toBe("MyBot/1.0 | fr");
    const bad = await submit({ url: `${site.url}/page`, options: { headers: { cookie: "a=b" } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain("cookie");
  });

  test("redirects are followed up to 5; the 6th fails the job as too_many_redirects and releases the credit", async () => {
    const five = await run({ url: `${site.url}/redirect/5` });
    expect(five).toMatchObject({ status: "succeeded", result: { finalUrl: `${site.url}/page` } });
    const six = await run({ url: `${site.url}/redirect/6` });
    expect(six).toMatchObject({ status: "failed", creditsCharged: 0, error: { code: "too_many_redirects" } });
  });

  test("a 404 answer is a fetched page (charged); a 500 answer fails as target_error (not charged)", async () => {
    const notFound = await run({ url: `${site.url}/status/404` });
    expect(notFound).toMatchObject({ status: "succeeded", creditsCharged: 1, result: { statusCode: 404, title: "Status 404" } });
    const broken = await run({ url: `${site.url}/status/500` });
    expect(broken).toMatchObject({ status: "failed", creditsCharged: 0, error: { code: "target_error", statusCode: 500 } });
  });

  test("a slow target fails at timeoutMs; a body over maxBytes fails as response_too_large", async () => {
    const slow = await run({ url: `${site.url}/slow?ms=5000`, options: { timeoutMs: 1000 } });
    expect(slow).toMatchObject({ status: "failed", error: { code: "timeout" } });
    const huge = await run({ url: `${site.url}/huge` });
    expect(huge).toMatchObject({ status: "failed", error: { code: "response_too_large" } });
  });

  test("non-HTML bodies succeed without title or links; gzip bodies are decoded", async () => {
    const json = await run({ url: `${site.url}/json` });
    expect(json).toMatchObject({ status: "succeeded", result: { title: null, links: [], text: null } });
    const gzip = await run({ url: `${site.url}/gzip` });
    expect(gzip).toMatchObject({ status: "succeeded", result: { title: "Compressed" } });
  });

  test("an unreachable target fails as connection_failed, and every failure leaves balance == ledger sum", async () => {
    const refused = await run({ url: "http://127.0.0.1:1/" });
    expect(refused).toMatchObject({ status: "failed", error: { code: "connection_failed" } });
    const { balance, ledgerSum } = await balanceAndLedgerSum(t, ada.orgId);
    expect(ledgerSum).toBe(balance);
    const kinds = await ledgerKinds(t, ada.orgId);
    expect(kinds.reserve).toBe((kinds.charge ?? 0) + (kinds.release ?? 0) + (await queuedOrRunning()));
  });
});

async function queuedOrRunning() {
  const listed = await t.request("GET", `${jobsPath(ada)}?limit=100`, { token: ada.token });
  return listed.body.data.filter((j: { status: string }) => j.status === "queued" || j.status === "running").length;
}

describe("Idempotency-Key with a worker running", () => {
  test("a retry after the job succeeded returns the same job: one job, one reservation, one charge", async () => {
    const headers = { "idempotency-key": "retry-after-success" };
    const first = await submit({ url: `${site.url}/idem` }, key.key, headers);
    await waitForJob(t, key.key, ada.projectId, first.body.data.id);
    const retry = await submit({ url: `${site.url}/idem` }, key.key, headers);
    expect(retry.status).toBe(202);
    expect(retry.body.data).toMatchObject({ id: first.body.data.id, status: "succeeded", creditsCharged: 1 });
    expect(site.hits.get("/idem")).toBe(1);
    const entries = await t.request("GET", `/private/organizations/${ada.orgId}/credits?limit=100`, { token: ada.token });
    const forJob = entries.body.data.entries.filter((e: { jobId: string }) => e.jobId === first.body.data.id);
    expect(forJob.map((e: { kind: string }) => e.kind).sort()).toEqual(["charge", "reserve"]);
  });
});

describe("reading jobs", () => {
  test("the list filters by status and apiKeyId and leaves results out", async () => {
    const other = await createKey(t, ada, ada.projectId, "other");
    const mine = await submit({ url: `${site.url}/page` }, other.key);
    await waitForJob(t, other.key, ada.projectId, mine.body.data.id);
    const byKey = await t.request("GET", `${jobsPath(ada)}?apiKeyId=${other.id}`, { token: key.key });
    expect(byKey.body.data.map((j: { id: string }) => j.id)).toEqual([mine.body.data.id]);
    expect(byKey.body.data[0].result).toBeUndefined();
    const failed = await t.request("GET", `${jobsPath(ada)}?status=failed&limit=100`, { token: key.key });
    expect(failed.body.data.length).toBeGreaterThan(0);
    expect(failed.body.data.every((j: { status: string; error?: unknown }) => j.status === "failed" && j.error)).toBe(true);
    const bad = await t.request("GET", `${jobsPath(ada)}?status=done`, { token: key.key });
    expect(bad.status).toBe(400);
  });

  test("another tenant's job is 404; a key on another project is 403", async () => {
    const job = (await submit({ url: `${site.url}/page` })).body.data;
    const bob = await signUp(t, "bob");
    const asBob = await t.request("GET", `/projects/${bob.projectId}/jobs/${job.id}`, { token: bob.token });
    expect(asBob.status).toBe(404);
    const intoAda = await t.request("GET", `${jobsPath(ada)}/${job.id}`, { token: bob.token });
    expect(intoAda.status).toBe(404);
    const bobKey = await createKey(t, bob);
    const crossKey = await t.request("POST", jobsPath(ada), { token: bobKey.key, body: { url: `${site.url}/page` } });
    expect(crossKey.status).toBe(403);
  });
});
