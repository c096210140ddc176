import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { jobs } from "../src/db/schema";
import { type Account, createKey, signUp } from "./helpers/factories";
import { createTestApp, type TestApp } from "./helpers/harness";
import { balanceAndLedgerSum, freshOrganization, ledgerKinds } from "./helpers/jobs";

// No worker runs in this file: jobs stay queued, so reservations, cancels and retries can be observed.
let t: TestApp;
let ada: Account;
let operator: Account;

const URL_ = "https://example.com/";
const jobsPath = (a: Account) => `/projects/${a.projectId}/jobs`;
const credits = (a: Account, query = "") => t.request("GET", `/private/organizations/${a.orgId}/credits${query}`, { token: a.token });

beforeAll(async () => {
  t = await createTestApp({
    freeCredits: 10,
    adminEmails: ["operator@example.com"],
    rateLimitKeyBurst: 1000,
    rateLimitProjectBurst: 1000,
  });
  ada = await signUp(t, "ada");
  const registered = await t.request("POST", "/auth/register", {
    body: { email: "operator@example.com", password: "operator-password", name: "Op" },
  });
  expect(registered.status).toBe(201);
  const login = await t.request("POST", "/auth/login", { body: { email: "operator@example.com", password: "operator-password" } });
  const token = login.body.data.accessToken;
  const orgId = (await t.request("GET", "/private/organizations", { token })).body.data[0].id;
  operator = { ...ada, id: registered.body.data.id, token, orgId };
}, 60_000);
afterAll(() => t.close());

describe("credits", () => {
  test("the personal organization starts with FREE_CREDITS as a grant in its ledger; one created later starts at 0", async () => {
    const res = await credits(ada);
    expect(res.status).toBe(200);
    expect(res.body.data.balance).toBe(10);
    expect(res.body.data.entries).toMatchObject([{ kind: "grant", amount: 10, jobId: null, note: "Free credits for a new account" }]);
    const org = await t.request("POST", "/private/organizations", { token: ada.token, body: { name: "Side org" } });
    const side = await t.request("GET", `/private/organizations/${org.body.data.id}/credits`, { token: ada.token });
    expect(side.body.data).toMatchObject({ balance: 0, entries: [] });
  });

  test("50 parallel submissions with 10 credits: exactly 10 accepted, 40 get 402, balance 0, ledger consistent", async () => {
    const carol = await freshOrganization(t, ada, "carol");
    const key = await createKey(t, carol);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => t.request("POST", jobsPath(carol), { token: key.key, body: { url: `${URL_}?n=${i}` } })),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 202).length).toBe(10);
    expect(statuses.filter((s) => s === 402).length).toBe(40);
    const refused = results.find((r) => r.status === 402)!;
    expect(refused.body.error).toMatchObject({ code: "insufficient_credits" });
    expect(refused.body.error.message).toContain("0 credits left");
    expect(await balanceAndLedgerSum(t, carol.orgId)).toEqual({ balance: 0, ledgerSum: 0 });
    expect(await ledgerKinds(t, carol.orgId)).toEqual({ grant: 1, reserve: 10 });
    const stored = await t.database.db.select().from(jobs).where(eq(jobs.projectId, carol.projectId));
    expect(stored.length).toBe(10);
  });

  test("canceling a queued job releases its credit once; a second cancel changes nothing; a running job cannot be canceled", async () => {
    const dave = await freshOrganization(t, ada, "dave");
    const job = (await t.request("POST", jobsPath(dave), { token: dave.token, body: { url: URL_ } })).body.data;
    expect(job.apiKeyId).toBeNull();
    expect((await credits(dave)).body.data.balance).toBe(9);
    const first = await t.request("POST", `${jobsPath(dave)}/${job.id}/cancel`, { token: dave.token });
    expect(first.status).toBe(200);
    expect(first.body.data).toMatchObject({ status: "canceled", creditsCharged: 0 });
    const again = await t.request("POST", `${jobsPath(dave)}/${job.id}/cancel`, { token: dave.token });
    expect(again.status).toBe(200);
    expect(await balanceAndLedgerSum(t, dave.orgId)).toEqual({ balance: 10, ledgerSum: 10 });
    expect(await ledgerKinds(t, dave.orgId)).toEqual({ grant: 1, reserve: 1, release: 1 });

    const other = (await t.request("POST", jobsPath(dave), { token: dave.token, body: { url: URL_ } })).body.data;
    await t.database.db.update(jobs).set({ status: "running" }).where(eq(jobs.id, other.id));
    const running = await t.request("POST", `${jobsPath(dave)}/${other.id}/cancel`, { token: dave.token });
    expect(running.status).toBe(409);
    expect(running.body.error.code).toBe("job_not_cancelable");
    const missing = await t.request("POST", `${jobsPath(dave)}/67e0a1b2c3d4e5f6a7b8c9d0/cancel`, { token: dave.token });
    expect(missing.status).toBe(404);
  });

  test("the ledger pages newest first with a cursor", async () => {
    const erin = await freshOrganization(t, ada, "erin");
    for (let i = 0; i < 3; i++) await t.request("POST", jobsPath(erin), { token: erin.token, body: { url: `${URL_}${i}` } });
    const first = await credits(erin, "?limit=2");
    expect(first.body.data.entries.map((e: { kind: string }) => e.kind)).toEqual(["reserve", "reserve"]);
    const second = await credits(erin, `?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.data.entries.map((e: { kind: string }) => e.kind)).toEqual(["reserve", "grant"]);
    expect(second.body.nextCursor).toBeNull();
    expect(second.body.data.balance).toBe(7);
  });

  test("a non-member gets 404 for another organization's credits; an API key gets 403", async () => {
    const frank = await signUp(t, "frank");
    expect((await t.request("GET", `/private/organizations/${ada.orgId}/credits`, { token: frank.token })).status).toBe(404);
    const key = await createKey(t, frank);
    expect((await t.request("GET", `/private/organizations/${frank.orgId}/credits`, { token: key.key })).status).toBe(403);
  });
});

describe("grants", () => {
  test("only an operator listed in ADMIN_EMAILS may grant (members 403, outsiders 404); the grant is a ledger entry", async () => {
    const denied = await t.request("POST", `/private/organizations/${ada.orgId}/credits/grants`, { token: ada.token, body: { amount: 5 } });
    expect(denied.status).toBe(403);
    const outsider = await t.request("POST", `/private/organizations/${operator.orgId}/credits/grants`, {
      token: ada.token,
      body: { amount: 5 },
    });
    expect(outsider.status).toBe(404);
    const before = (await credits(ada)).body.data.balance;
    const granted = await t.request("POST", `/private/organizations/${ada.orgId}/credits/grants`, {
      token: operator.token,
      body: { amount: 500, note: "Invoice 42" },
    });
    expect(granted.status).toBe(201);
    expect(granted.body.data).toMatchObject({ balance: before + 500, entry: { kind: "grant", amount: 500, note: "Invoice 42" } });
    expect(await balanceAndLedgerSum(t, ada.orgId)).toEqual({ balance: before + 500, ledgerSum: before + 500 });
    const unknown = await t.request("POST", "/private/organizations/67e0a1b2c3d4e5f6a7b8c9d0/credits/grants", {
      token: operator.token,
      body: { amount: 1 },
    });
    expect(unknown.status).toBe(404);
    const zero = await t.request("POST", `/private/organizations/${ada.orgId}/credits/grants`, {
      token: operator.token,
      body: { amount: 0 },
    });
    expect(zero.status).toBe(400);
  });
});

describe("Idempotency-Key", () => {
  test("a retry with the same key returns the first job: one job, one reservation", async () => {
    const gina = await freshOrganization(t, ada, "gina");
    const headers = { "idempotency-key": "order-123" };
    const first = await t.request("POST", jobsPath(gina), { token: gina.token, body: { url: URL_ }, headers });
    const retry = await t.request("POST", jobsPath(gina), { token: gina.token, body: { url: URL_ }, headers });
    expect(first.status).toBe(202);
    expect(retry.status).toBe(202);
    expect(retry.body.data.id).toBe(first.body.data.id);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    expect(await ledgerKinds(t, gina.orgId)).toEqual({ grant: 1, reserve: 1 });
  });

  test("10 concurrent first attempts with one key still make one job and one charge", async () => {
    const hal = await freshOrganization(t, ada, "hal");
    const key = await createKey(t, hal);
    const headers = { "idempotency-key": "5f0c7c2e-2c43-4d0a-9f4f-1b1b3c3d4e5f" };
    const results = await Promise.all(
      Array.from({ length: 10 }, () => t.request("POST", jobsPath(hal), { token: key.key, body: { url: URL_ }, headers })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(202));
    expect(new Set(results.map((r) => r.body.data.id)).size).toBe(1);
    expect(await ledgerKinds(t, hal.orgId)).toEqual({ grant: 1, reserve: 1 });
    expect(await balanceAndLedgerSum(t, hal.orgId)).toEqual({ balance: 9, ledgerSum: 9 });
  });

  test("the same key with a different URL or webhook is 409; a malformed key is 400", async () => {
    const ivy = await freshOrganization(t, ada, "ivy");
    const headers = { "idempotency-key": "k1" };
    await t.request("POST", jobsPath(ivy), { token: ivy.token, body: { url: URL_ }, headers });
    const reused = await t.request("POST", jobsPath(ivy), { token: ivy.token, body: { url: `${URL_}other` }, headers });
    expect(reused.status).toBe(409);
    expect(reused.body.error.code).toBe("idempotency_key_reused");
    // The job's own webhook is part of the request too, as it is for a batch.
    const webhook = { url: "https://hooks.example.com/in" };
    const rehooked = await t.request("POST", jobsPath(ivy), { token: ivy.token, body: { url: URL_, webhook }, headers });
    expect(rehooked.status).toBe(409);
    expect(rehooked.body.error.code).toBe("idempotency_key_reused");
    const malformed = await t.request("POST", jobsPath(ivy), {
      token: ivy.token,
      body: { url: URL_ },
      headers: { "idempotency-key": "has space" },
    });
    expect(malformed.status).toBe(400);
  });
});

describe("submission checks", () => {
  test.each([
    ["not a url", "must be an absolute URL"],
    ["ftp://example.com/file", "Only http and https"],
    ["http://127.0.0.1/", "loopback"],
    ["http://[::1]/", "loopback"],
    ["http://169.254.169.254/latest/meta-data", "linkLocal"],
    ["http://10.0.0.5/", "private"],
    ["http://example.com:22/", "Port 22 is not allowed"],
    ["http://user:pw@example.com/", "user name or password"],
  ])("%s is refused with 400 before any credit moves", async (url, message) => {
    const before = await balanceAndLedgerSum(t, ada.orgId);
    const res = await t.request("POST", jobsPath(ada), { token: ada.token, body: { url } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(message);
    expect(await balanceAndLedgerSum(t, ada.orgId)).toEqual(before);
  });

  test("options outside their bounds are refused", async () => {
    for (const options of [{ timeoutMs: 999 }, { timeoutMs: 60001 }, { maxBytes: 10485761 }, { extract: ["pdf"] }, { extract: [] }]) {
      const res = await t.request("POST", jobsPath(ada), { token: ada.token, body: { url: URL_, options } });
      expect(res.status, JSON.stringify(options)).toBe(400);
    }
  });
});
