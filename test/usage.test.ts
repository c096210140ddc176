import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq, inArray, like, sql } from "drizzle-orm";
import { apiKeys, apiKeyUsage, creditLedger, jobs, rateLimitBuckets } from "../src/db/schema";
import { tokensIn } from "../src/db/token-bucket";
import { hourStart } from "../src/db/usage-counters";
import { applyRetention, IDLE_BUCKET_DAYS } from "../src/modules/usage/retention";
import { Worker } from "../src/worker/worker";
import { type Account, createKey, signUp } from "./helpers/factories";
import { createTestApp, type TestApp } from "./helpers/harness";
import { waitForJob } from "./helpers/jobs";
import { startTargetSite, type TargetSite } from "./helpers/target-site";

/** Issue 11: requests, jobs and credits per key, in one view. */
const DAY_MS = 86_400_000;
const usagePath = (a: Account, keyId: string, query = "") => `/private/projects/${a.projectId}/api-keys/${keyId}/usage${query}`;

describe("requests by outcome", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ freeCredits: 1, rateLimitKeyBurst: 1, rateLimitKeyPerSecond: 1, trustProxy: true });
  }, 60_000);
  afterAll(() => t.close());

  test("2xx, 4xx, 429 and 402 are counted per key in memory and land in one flush, with the last address", async () => {
    t.clock.freeze();
    const ada = await signUp(t, "ada");
    const other = await signUp(t, "other");
    const { id, key } = await createKey(t, ada);
    const headers = { "x-forwarded-for": "198.51.100.4" };
    const as = (method: string, path: string, body?: unknown) => t.request(method, path, { token: key, body, headers });
    expect((await as("GET", `/projects/${ada.projectId}`)).status).toBe(200);
    expect((await as("GET", `/projects/${ada.projectId}`)).status).toBe(200);
    expect((await as("GET", `/projects/${other.projectId}`)).status).toBe(403);
    expect((await as("POST", `/projects/${ada.projectId}/jobs`, { url: "https://example.com/" })).status).toBe(202);
    expect((await as("POST", `/projects/${ada.projectId}/jobs`, { url: "https://example.com/" })).status).toBe(429);
    t.clock.advance(2000); // a rate-limit token back, but no credit left
    expect((await as("POST", `/projects/${ada.projectId}/jobs`, { url: "https://example.com/" })).status).toBe(402);

    // Nothing is written per request: until the flush, the database has no counts.
    await Bun.sleep(20); // answers are counted after they are sent
    expect(await t.deps.db.select().from(apiKeyUsage).where(eq(apiKeyUsage.keyId, id))).toHaveLength(0);
    await t.deps.keyUsage.flush();

    const res = await t.request("GET", usagePath(ada, id), { token: ada.token });
    expect(res.status).toBe(200);
    expect(res.body.data.totals).toEqual({
      requests: { total: 6, ok: 3, clientError: 1, rateLimited: 1, paymentRequired: 1 },
      jobs: { submitted: 1, succeeded: 0, failed: 0 },
      credits: { reserved: 1, charged: 0 },
    });
    expect(res.body.data.buckets).toHaveLength(1);
    expect(res.body.data.buckets[0].start).toBe(hourStart(t.clock.now()).toISOString());
    const listed = await t.request("GET", `/private/projects/${ada.projectId}/api-keys`, { token: ada.token });
    expect(listed.body.data[0].lastUsedIp).toBe("198.51.100.4");
  });

  test("hourly buckets by UTC hour; granularity=day sums them", async () => {
    const ada = await signUp(t, "ada");
    const { id, key } = await createKey(t, ada);
    const hit = () => t.request("GET", `/projects/${ada.projectId}`, { token: key });
    t.clock.advance(3_600_000 - (t.clock.now().getTime() % 3_600_000) + 1000); // just after an hour starts
    await hit();
    await Bun.sleep(20); // counted (in the hour it is answered) before the clock moves on
    t.clock.advance(3_600_000);
    await hit();
    await hit();
    await Bun.sleep(20); // answers are counted after they are sent
    await t.deps.keyUsage.flush();
    // Two hours on, the session token has expired: a fresh one.
    const login = await t.request("POST", "/auth/login", { body: { email: ada.email, password: ada.password } });
    const token = login.body.data.accessToken;
    const hourly = await t.request("GET", usagePath(ada, id), { token });
    expect(hourly.body.data.buckets.map((b: { requests: { total: number } }) => b.requests.total)).toEqual([1, 2]);
    const daily = await t.request("GET", usagePath(ada, id, "?granularity=day"), { token });
    expect(daily.body.data.totals.requests.total).toBe(3);
    expect(daily.body.data.buckets.every((b: { start: string }) => b.start.endsWith("T00:00:00.000Z"))).toBe(true);
  });

  test("the project's buckets are the sum of its keys' (revoked ones included), by day or by hour, in one request", async () => {
    const ada = await signUp(t, "ada");
    const [first, second] = [await createKey(t, ada), await createKey(t, ada)];
    const hour = hourStart(t.clock.now());
    const row = (keyId: string, hoursAgo: number, ok: number) => ({
      keyId,
      granularity: "hour" as const,
      bucketStart: new Date(hour.getTime() - hoursAgo * 3_600_000),
      requestsOk: ok,
      requestsTotal: ok,
    });
    await t.deps.db.insert(apiKeyUsage).values([row(first.id, 1, 2), row(second.id, 1, 3), row(second.id, 30, 5)]);
    const revoked = await t.request("DELETE", `/private/projects/${ada.projectId}/api-keys/${second.id}`, { token: ada.token });
    expect(revoked.status).toBe(200);
    const project = (query: string) => t.request("GET", `/private/projects/${ada.projectId}/usage${query}`, { token: ada.token });
    const hourly = await project("?granularity=hour");
    expect(hourly.status).toBe(200);
    expect(hourly.body.data.granularity).toBe("hour");
    expect(hourly.body.data.buckets.map((b: { start: string; requests: { ok: number } }) => [b.start, b.requests.ok])).toEqual([
      [new Date(hour.getTime() - 30 * 3_600_000).toISOString(), 5],
      [new Date(hour.getTime() - 3_600_000).toISOString(), 5],
    ]);
    const daily = await project("");
    expect(daily.body.data.granularity).toBe("day");
    expect(daily.body.data.buckets.every((b: { start: string }) => b.start.endsWith("T00:00:00.000Z"))).toBe(true);
    expect(daily.body.data.buckets.reduce((n: number, b: { requests: { ok: number } }) => n + b.requests.ok, 0)).toBe(10);
    expect(daily.body.data.totals.requests.ok).toBe(10);
    const tooFar = await project(`?granularity=hour&from=${new Date(t.clock.now().getTime() - 120 * DAY_MS).toISOString()}`);
    expect(tooFar.status).toBe(400);
    expect(tooFar.body.error.message).toContain("granularity=day");
  });

  test("after 90 days hourly buckets become daily ones; hourly reads that far back are 400, daily ones still see them", async () => {
    const ada = await signUp(t, "ada");
    const { id } = await createKey(t, ada);
    const now = t.clock.now();
    const old = hourStart(new Date(now.getTime() - 100 * DAY_MS));
    const rows = [0, 1, 2].map((h) => ({
      keyId: id,
      granularity: "hour" as const,
      bucketStart: new Date(old.getTime() + h * 3_600_000),
      requestsOk: 2,
      requestsTotal: 2,
    }));
    await t.deps.db.insert(apiKeyUsage).values(rows);
    await applyRetention(t.deps.db, now, 365);
    const stored = await t.deps.db.select().from(apiKeyUsage).where(eq(apiKeyUsage.keyId, id));
    expect(stored.map((r) => [r.granularity, r.requestsOk])).toEqual([["day", 6]]);
    const from = new Date(now.getTime() - 120 * DAY_MS).toISOString();
    const hourly = await t.request("GET", usagePath(ada, id, `?granularity=hour&from=${from}`), { token: ada.token });
    expect(hourly.status).toBe(400);
    expect(hourly.body.error.message).toContain("granularity=day");
    const daily = await t.request("GET", usagePath(ada, id, `?granularity=day&from=${from}`), { token: ada.token });
    expect(daily.body.data.totals.requests).toMatchObject({ total: 6, ok: 6 });
  });

  test("the same clean-up drops rate-limit buckets idle for a week, and a dropped bucket starts full again", async () => {
    const now = t.clock.now();
    const tag = `prune-${now.getTime()}`;
    await t.deps.db.insert(rateLimitBuckets).values([
      { bucket: `${tag}:idle`, tokens: 0, updatedAt: new Date(now.getTime() - (IDLE_BUCKET_DAYS * DAY_MS + 60_000)) },
      { bucket: `${tag}:recent`, tokens: 0, updatedAt: new Date(now.getTime() - (IDLE_BUCKET_DAYS * DAY_MS - 60_000)) },
    ]);
    await applyRetention(t.deps.db, now, 365);
    const left = await t.deps.db
      .select()
      .from(rateLimitBuckets)
      .where(like(rateLimitBuckets.bucket, `${tag}:%`));
    expect(left.map((b) => b.bucket)).toEqual([`${tag}:recent`]);
    const limit = { bucket: `${tag}:idle`, perSecond: 1 / 86_400, burst: 3 };
    expect(await tokensIn(t.deps.db, limit, now)).toBe(3);
  });

  test.each([
    ["?granularity=week", "granularity"],
    ["?from=soon", "from"],
    ["?from=2026-06-02T00:00:00.000Z&to=2026-06-01T00:00:00.000Z", "from"],
    ["?granularity=day&from=2020-01-01T00:00:00.000Z&to=2026-01-01T00:00:00.000Z", "400 days"],
  ])("bad query %s: 400 naming %s", async (query, name) => {
    const ada = await signUp(t, "ada");
    const { id } = await createKey(t, ada);
    const res = await t.request("GET", usagePath(ada, id, query), { token: ada.token });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(name);
  });

  test("a key of another project of the same organization is 404 under this project", async () => {
    const ada = await signUp(t, "ada");
    const second = await t.request("POST", `/private/organizations/${ada.orgId}/projects`, { token: ada.token, body: { name: "B" } });
    const { id } = await createKey(t, ada, second.body.data.id);
    expect((await t.request("GET", usagePath(ada, id), { token: ada.token })).status).toBe(404);
  });
});

describe("jobs and credits per key match the ledger", () => {
  let t: TestApp;
  let site: TargetSite;
  let worker: Worker;
  beforeAll(async () => {
    site = startTargetSite();
    t = await createTestApp({ allowPrivateTargets: true, allowedTargetPorts: "any", workerPollMs: 20, rateLimitKeyBurst: 100 });
    worker = new Worker(t.deps);
    worker.start();
  }, 60_000);
  afterAll(async () => {
    await worker.stop(0);
    await t.close();
    site.stop();
  });

  test("per key and for the project, revoked keys included: credits reserved and charged equal the ledger's entries", async () => {
    const ada = await signUp(t, "ada");
    const first = await createKey(t, ada, ada.projectId, "first");
    const second = await createKey(t, ada, ada.projectId, "second");
    const submit = async (token: string, path: string) =>
      (await t.request("POST", `/projects/${ada.projectId}/jobs`, { token, body: { url: `${site.url}${path}` } })).body.data.id as string;
    const submitted = [
      await submit(first.key, "/page"),
      await submit(first.key, "/page"),
      await submit(first.key, "/status/500"),
      await submit(second.key, "/page"),
      await submit(ada.token, "/page"), // a session's job: no key's usage
    ];
    for (const jobId of submitted) await waitForJob(t, ada.token, ada.projectId, jobId);
    const revoked = await t.request("DELETE", `/private/projects/${ada.projectId}/api-keys/${second.id}`, { token: ada.token });
    expect(revoked.status).toBe(200);
    await t.deps.keyUsage.flush();

    const res = await t.request("GET", `/private/projects/${ada.projectId}/usage`, { token: ada.token });
    expect(res.status).toBe(200);
    const byKey = new Map(res.body.data.keys.map((k: { keyId: string }) => [k.keyId, k]));
    expect(byKey.size).toBe(2);
    const firstUsage = byKey.get(first.id) as { totals: { jobs: unknown; credits: unknown } };
    expect(firstUsage.totals.jobs).toEqual({ submitted: 3, succeeded: 2, failed: 1 });
    expect((byKey.get(second.id) as { revokedAt: string | null }).revokedAt).not.toBeNull();

    for (const key of [first, second]) {
      const keyJobs = t.deps.db.select({ id: jobs.id }).from(jobs).where(eq(jobs.apiKeyId, key.id));
      const ledger = await t.deps.db
        .select({ kind: creditLedger.kind, amount: sql<number>`sum(${creditLedger.amount})::int`, n: sql<number>`count(*)::int` })
        .from(creditLedger)
        .where(inArray(creditLedger.jobId, keyJobs))
        .groupBy(creditLedger.kind);
      const of = (kind: string) => ledger.find((l) => l.kind === kind) ?? { amount: 0, n: 0 };
      const { credits } = (byKey.get(key.id) as { totals: { credits: { reserved: number; charged: number } } }).totals;
      expect(credits.reserved).toBe(-of("reserve").amount);
      expect(credits.charged).toBe(credits.reserved - of("release").amount);
      expect(credits.charged).toBe(of("charge").n);
    }
    const totals = res.body.data.totals;
    expect(totals.jobs).toEqual({ submitted: 4, succeeded: 3, failed: 1 });
    expect(totals.credits).toEqual({ reserved: 4, charged: 3 });
    const [stillThere] = await t.deps.db
      .select()
      .from(apiKeys)
      .where(and(eq(apiKeys.id, second.id)));
    expect(stillThere!.revokedReason).toBe("revoked");
  });
});
