import { afterAll, beforeAll, describe, expect, spyOn, test } from "bun:test";
import { eq } from "drizzle-orm";
import { apiKeys } from "../src/db/schema";
import { type Account, addMember, createKey, signUp } from "./helpers/factories";
import { createTestApp, type TestApp } from "./helpers/harness";

/**
 * Each row of issue 10's table, on whichever database TEST_DATABASE_URL picks (the embedded PostgreSQL when unset).
 * The clock only moves forward: token buckets and throttles never see time run backwards.
 */
let t: TestApp;
let ada: Account;
const DAY = 86_400_000;

beforeAll(async () => {
  // TRUST_PROXY lets in-process requests say their address with X-Forwarded-For.
  // Sessions outlive the clock moves below (days ahead), so the dashboard token stays valid.
  t = await createTestApp({ workerEnabled: false, trustProxy: true, accessTokenTtlSeconds: 365 * 86_400 });
  ada = await signUp(t, "ada");
}, 60_000);
afterAll(() => t.close());

const keysPath = (a: Account) => `/private/projects/${a.projectId}/api-keys`;
const inDays = (days: number) => new Date(t.clock.now().getTime() + days * DAY).toISOString();

async function newKey(body: Record<string, unknown>, account = ada) {
  const res = await t.request("POST", keysPath(account), { token: account.token, body: { name: "limited", ...body } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data as { id: string; key: string } & Record<string, unknown>;
}
const submit = (key: string, account = ada, headers: Record<string, string> = {}) =>
  t.request("POST", `/projects/${account.projectId}/jobs`, { token: key, body: { url: "https://example.com/" }, headers });
const listed = async (id: string, status = "all") =>
  (await t.request("GET", `${keysPath(ada)}?status=${status}`, { token: ada.token })).body.data.find((k: { id: string }) => k.id === id);

describe("expiresAt", () => {
  test("a key works until its expiry, then answers 401 api_key_expired; the list says expired", async () => {
    const { key, id, expiresAt } = await newKey({ expiresAt: inDays(30) });
    expect(expiresAt).toBeString();
    expect((await t.request("GET", `/projects/${ada.projectId}`, { token: key })).status).toBe(200);
    t.clock.advance(31 * DAY);
    const refused = await t.request("GET", `/projects/${ada.projectId}`, { token: key });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe("api_key_expired");
    expect(refused.body.error.message).toContain(expiresAt as string);
    // The first refusal is the expiry's lifecycle event, recorded once.
    const noted = async () => (await t.database.db.select().from(apiKeys).where(eq(apiKeys.id, id)))[0]!.expiryNotedAt;
    const first = await noted();
    expect(first).toBeInstanceOf(Date);
    t.clock.advance(1000);
    await t.request("GET", `/projects/${ada.projectId}`, { token: key });
    expect(await noted()).toEqual(first);
    expect(await listed(id, "expired")).toMatchObject({ status: "expired" });
    expect(await listed(id, "active")).toBeUndefined();
    // The default list keeps expired keys, so their owner can see what stopped.
    expect((await t.request("GET", keysPath(ada), { token: ada.token })).body.data.map((k: { id: string }) => k.id)).toContain(id);
  });

  test("every answer to a key with an expiry carries Api-Key-Expires-At; within the warning days, a warning too", async () => {
    const far = await newKey({ expiresAt: inDays(30) });
    const res = await t.request("GET", `/projects/${ada.projectId}`, { token: far.key });
    expect(res.headers.get("api-key-expires-at")).toBe(far.expiresAt as string);
    expect(res.headers.get("api-key-expiry-warning")).toBeNull();
    const soon = await newKey({ expiresAt: new Date(t.clock.now().getTime() + 3 * DAY + 60_000).toISOString() });
    const warned = await t.request("GET", `/projects/${ada.projectId}/jobs/67e0a1b2c3d4e5f6a7b8c9d0`, { token: soon.key });
    expect(warned.status).toBe(404); // an error answer carries them too
    expect(warned.headers.get("api-key-expiry-warning")).toBe(
      `This API key expires in 3 days (${soon.expiresAt}); roll it in the dashboard.`,
    );
    const plain = await createKey(t, ada);
    expect((await t.request("GET", `/projects/${ada.projectId}`, { token: plain.key })).headers.get("api-key-expires-at")).toBeNull();
  });

  test("an expiry in the past, or not a date, is refused with 400", async () => {
    for (const expiresAt of [new Date(t.clock.now().getTime() - 1000).toISOString(), "tomorrow", 5]) {
      const res = await t.request("POST", keysPath(ada), { token: ada.token, body: { name: "x", expiresAt } });
      expect(res.status, String(expiresAt)).toBe(400);
      expect(res.body.error.message).toContain("expiresAt");
    }
  });

  test("PATCH can extend an expired key's life, and the key works again at once", async () => {
    const { key, id } = await newKey({ expiresAt: inDays(1) });
    t.clock.advance(2 * DAY);
    expect((await t.request("GET", `/projects/${ada.projectId}`, { token: key })).status).toBe(401);
    const patched = await t.request("PATCH", `${keysPath(ada)}/${id}`, { token: ada.token, body: { expiresAt: inDays(10) } });
    expect(patched.status).toBe(200);
    expect((await t.request("GET", `/projects/${ada.projectId}`, { token: key })).status).toBe(200);
  });
});

describe("API_KEY_MAX_LIFETIME_DAYS", () => {
  test("makes expiresAt required and bounds it", async () => {
    const capped = await createTestApp({ workerEnabled: false, apiKeyMaxLifetimeDays: 90 });
    try {
      const bob = await signUp(capped, "bob");
      const path = `/private/projects/${bob.projectId}/api-keys`;
      const missing = await capped.request("POST", path, { token: bob.token, body: { name: "x" } });
      expect(missing.status).toBe(400);
      expect(missing.body.error.message).toContain("at most 90 days");
      const far = new Date(Date.now() + 91 * DAY).toISOString();
      expect((await capped.request("POST", path, { token: bob.token, body: { name: "x", expiresAt: far } })).status).toBe(400);
      const ok = await capped.request("POST", path, {
        token: bob.token,
        body: { name: "x", expiresAt: new Date(Date.now() + 89 * DAY).toISOString() },
      });
      expect(ok.status).toBe(201);
      const lifted = await capped.request("PATCH", `${path}/${ok.body.data.id}`, { token: bob.token, body: { expiresAt: null } });
      expect(lifted.status).toBe(400);
      const account = await capped.request("POST", `/private/projects/${bob.projectId}/service-accounts`, {
        token: bob.token,
        body: { name: "bot" },
      });
      expect(account.status).toBe(201);
      const keys = await capped.request("GET", path, { token: bob.token });
      const botKey = keys.body.data.find((k: { id: string }) => k.id === account.body.data.apiKey.id);
      expect(new Date(botKey.expiresAt).getTime()).toBeLessThanOrEqual(Date.now() + 90 * DAY + 60_000);
    } finally {
      await capped.close();
    }
  }, 60_000);
});

describe("scopes", () => {
  test("default is all three; each route needs its scope, and a missing one is 403 insufficient_scope naming it", async () => {
    expect((await newKey({})).scopes).toEqual(["projects:read", "jobs:read", "jobs:write"]);
    const readOnly = await newKey({ scopes: ["jobs:read"] });
    const r0 = await t.request("GET", `/projects/${ada.projectId}/jobs`, { token: readOnly.key });
    expect(r0.status, JSON.stringify(r0.body)).toBe(200);
    const project = await t.request("GET", `/projects/${ada.projectId}`, { token: readOnly.key });
    expect(project.status).toBe(403);
    expect(project.body.error).toMatchObject({ code: "insufficient_scope" });
    expect(project.body.error.message).toContain("'projects:read'");
    const submitted = await submit(readOnly.key);
    expect(submitted.status).toBe(403);
    expect(submitted.body.error.message).toContain("'jobs:write'");
    const cancel = await t.request("POST", `/projects/${ada.projectId}/jobs/67e0a1b2c3d4e5f6a7b8c9d0/cancel`, { token: readOnly.key });
    expect(cancel.body.error.code).toBe("insufficient_scope");
    const writer = await newKey({ scopes: ["jobs:write"] });
    expect((await submit(writer.key)).status).toBe(202);
    expect((await t.request("GET", `/projects/${ada.projectId}/jobs`, { token: writer.key })).body.error.code).toBe("insufficient_scope");
  });

  test("scope checks leak nothing about other projects: a missing scope is the answer there too", async () => {
    const eve = await signUp(t, "eve");
    const readOnly = await newKey({ scopes: ["jobs:read"] });
    const res = await t.request("GET", `/projects/${eve.projectId}`, { token: readOnly.key });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("insufficient_scope");
    expect(JSON.stringify(res.body)).not.toContain(eve.projectId);
  });

  test("an empty, repeated or unknown scope is refused with 400", async () => {
    for (const scopes of [[], ["jobs:read", "jobs:read"], ["jobs:delete"], "jobs:read"]) {
      const res = await t.request("POST", keysPath(ada), { token: ada.token, body: { name: "x", scopes } });
      expect(res.status, JSON.stringify(scopes)).toBe(400);
      expect(res.body.error.message).toContain("scopes");
    }
  });
});

describe("allowedIps", () => {
  const from = (address: string) => ({ "x-forwarded-for": address });

  test("requests from a listed address or range pass; any other gets 403 ip_not_allowed", async () => {
    const { key } = await newKey({ allowedIps: ["203.0.113.0/24", "2001:db8::1"] });
    const get = (address: string) => t.request("GET", `/projects/${ada.projectId}`, { token: key, headers: from(address) });
    expect((await get("203.0.113.9")).status).toBe(200);
    expect((await get("::ffff:203.0.113.9")).status).toBe(200);
    expect((await get("2001:db8::1")).status).toBe(200);
    const refused = await get("198.51.100.1");
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe("ip_not_allowed");
    expect((await get("2001:db8::2")).status).toBe(403);
  });

  test("more than 50 entries, an empty list or something that is not an address is refused with 400", async () => {
    const many = Array.from({ length: 51 }, (_, i) => `10.0.0.${i}`);
    for (const allowedIps of [many, [], ["10.0.0.300"], ["203.0.113.0/33"], ["example.com"]]) {
      const res = await t.request("POST", keysPath(ada), { token: ada.token, body: { name: "x", allowedIps } });
      expect(res.status, JSON.stringify(allowedIps).slice(0, 40)).toBe(400);
      expect(res.body.error.message).toContain("allowedIps");
    }
  });
});

describe("creditLimit", () => {
  test("a submission beyond the key's limit is 402 key_credit_limit_reached, stating used, limit and reset", async () => {
    const { key, id } = await newKey({ creditLimit: { amount: 2, period: "day" } });
    expect((await submit(key)).status).toBe(202);
    expect((await submit(key)).status).toBe(202);
    const refused = await submit(key);
    expect(refused.status).toBe(402);
    expect(refused.body.error.code).toBe("key_credit_limit_reached");
    const now = t.clock.now();
    const reset = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1)).toISOString();
    expect(refused.body.error.message).toContain("2 of its 2 credits this day");
    expect(refused.body.error.message).toContain(reset);
    // Raising the limit applies on the next request.
    await t.request("PATCH", `${keysPath(ada)}/${id}`, { token: ada.token, body: { creditLimit: { amount: 3, period: "day" } } });
    expect((await submit(key)).status).toBe(202);
  });

  test("a total limit never resets; a monthly one names the first of next month", async () => {
    const total = await newKey({ creditLimit: { amount: 1, period: "total" } });
    expect((await submit(total.key)).status).toBe(202);
    t.clock.advance(40 * DAY);
    expect((await submit(total.key)).body.error.message).toContain("never resets");
    const monthly = await newKey({ creditLimit: { amount: 1, period: "month" } });
    await submit(monthly.key);
    const refused = await submit(monthly.key);
    const now = t.clock.now();
    expect(refused.body.error.message).toContain(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString());
  });

  test("concurrent submissions never pass the limit together", async () => {
    const { key } = await newKey({ creditLimit: { amount: 3, period: "total" } });
    const answers = await Promise.all(Array.from({ length: 8 }, () => submit(key)));
    expect(answers.filter((a) => a.status === 202)).toHaveLength(3);
    expect(answers.filter((a) => a.status === 402)).toHaveLength(5);
  });

  test("bad limits are refused with 400", async () => {
    for (const creditLimit of [
      { amount: 0, period: "day" },
      { amount: 5, period: "week" },
      { amount: 1.5, period: "day" },
      { amount: 5 },
      5,
    ]) {
      const res = await t.request("POST", keysPath(ada), { token: ada.token, body: { name: "x", creditLimit } });
      expect(res.status, JSON.stringify(creditLimit)).toBe(400);
      expect(res.body.error.message).toContain("creditLimit");
    }
  });
});

describe("rateLimit", () => {
  test("the key's own bucket limits its submissions", async () => {
    t.clock.freeze();
    const { key } = await newKey({ rateLimit: { perSecond: 0.5, burst: 2 } });
    expect((await submit(key)).status).toBe(202);
    const second = await submit(key);
    expect(second.status).toBe(202);
    expect(second.headers.get("ratelimit-limit")).toBe("2");
    const third = await submit(key);
    expect(third.status).toBe(429);
    expect(third.body.error.message).toContain("0.5 per second with bursts of 2");
  });

  test("a limit above the project's, or not positive, is refused with 400", async () => {
    for (const rateLimit of [
      { perSecond: 51, burst: 1 },
      { perSecond: 1, burst: 101 },
      { perSecond: 0, burst: 1 },
      { perSecond: 1, burst: 0 },
      { perSecond: 1 },
    ]) {
      const res = await t.request("POST", keysPath(ada), { token: ada.token, body: { name: "x", rateLimit } });
      expect(res.status, JSON.stringify(rateLimit)).toBe(400);
      expect(res.body.error.message).toContain("rateLimit");
    }
  });
});

describe("PATCH", () => {
  test("changes each field, null lifts a limit, and the list shows it", async () => {
    const { id } = await newKey({ creditLimit: { amount: 5, period: "day" } });
    const body = {
      name: "renamed",
      scopes: ["jobs:read"],
      allowedIps: ["203.0.113.7"],
      creditLimit: null,
      rateLimit: { perSecond: 1, burst: 2 },
      expiresAt: inDays(5),
    };
    expect((await t.request("PATCH", `${keysPath(ada)}/${id}`, { token: ada.token, body })).status).toBe(200);
    expect(await listed(id)).toMatchObject({ ...body, status: "active" });
  });

  test("a narrowed key is narrow on the next request (the cache does not keep the old rights)", async () => {
    const { key, id } = await newKey({});
    expect((await t.request("GET", `/projects/${ada.projectId}`, { token: key })).status).toBe(200);
    await t.request("PATCH", `${keysPath(ada)}/${id}`, { token: ada.token, body: { scopes: ["jobs:read"] } });
    expect((await t.request("GET", `/projects/${ada.projectId}`, { token: key })).status).toBe(403);
  });

  test("a rename alone waits on no process's cache (it holds no names); a change of rights still reaches every one", async () => {
    const { key, id } = await newKey({});
    const invalidations = spyOn(t.deps.invalidation, "commit");
    try {
      const renamed = await t.request("PATCH", `${keysPath(ada)}/${id}`, { token: ada.token, body: { name: "renamed-only" } });
      expect(renamed.status).toBe(200);
      expect(invalidations).not.toHaveBeenCalled();
      expect(await listed(id)).toMatchObject({ name: "renamed-only" });
      expect((await t.request("GET", `/projects/${ada.projectId}`, { token: key })).status).toBe(200);
      const narrowed = await t.request("PATCH", `${keysPath(ada)}/${id}`, {
        token: ada.token,
        body: { name: "narrow", scopes: ["jobs:read"] },
      });
      expect(narrowed.status).toBe(200);
      expect(invalidations).toHaveBeenCalledTimes(1);
      expect((await t.request("GET", `/projects/${ada.projectId}`, { token: key })).status).toBe(403);
    } finally {
      invalidations.mockRestore();
    }
  });

  test("an empty body, an unknown field or a bad value is 400", async () => {
    const { id } = await createKey(t, ada);
    for (const body of [{}, { color: "red" }, { scopes: [] }, { expiresAt: "soon" }]) {
      const res = await t.request("PATCH", `${keysPath(ada)}/${id}`, { token: ada.token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
  });
});

describe("roll", () => {
  const roll = (id: string, body: unknown = {}, account = ada) =>
    t.request("POST", `${keysPath(account)}/${id}/roll`, { token: account.token, body });

  test("the new key copies name, scopes, allowed IPs and limits; the old works until the grace ends, then is rolled", async () => {
    const old = await newKey({
      name: "ci",
      scopes: ["jobs:read"],
      allowedIps: ["127.0.0.1"],
      creditLimit: { amount: 5, period: "month" },
      rateLimit: { perSecond: 1, burst: 3 },
    });
    const rolled = await roll(old.id, { gracePeriodSeconds: 3600 });
    expect(rolled.status).toBe(201);
    expect(rolled.headers.get("cache-control")).toBe("no-store");
    expect(rolled.body.data).toMatchObject({
      name: "ci",
      rolledFromId: old.id,
      rolledFromEndsAt: new Date(t.clock.now().getTime() + 3600_000).toISOString(),
      expiresAt: null,
    });
    expect(await listed(rolled.body.data.id)).toMatchObject({
      scopes: ["jobs:read"],
      allowedIps: ["127.0.0.1"],
      creditLimit: { amount: 5, period: "month" },
      rateLimit: { perSecond: 1, burst: 3 },
      rolledFromId: old.id,
    });
    const headers = { "x-forwarded-for": "127.0.0.1" };
    const jobs = `/projects/${ada.projectId}/jobs`;
    expect((await t.request("GET", jobs, { token: old.key, headers })).status).toBe(200);
    expect((await t.request("GET", jobs, { token: rolled.body.data.key, headers })).status).toBe(200);
    expect(await listed(old.id)).toMatchObject({ status: "active", revokedReason: "rolled" });
    t.clock.advance(3601_000);
    expect((await t.request("GET", jobs, { token: old.key, headers })).status).toBe(401);
    expect((await t.request("GET", jobs, { token: rolled.body.data.key, headers })).status).toBe(200);
    expect(await listed(old.id, "revoked")).toMatchObject({ status: "revoked", revokedReason: "rolled" });
  });

  test("a grace of 0 ends the old key at once; the default grace is a day", async () => {
    const now = await createKey(t, ada);
    const ended = await roll(now.id, { gracePeriodSeconds: 0 });
    expect(ended.status).toBe(201);
    expect(ended.body.data.rolledFromEndsAt).toBe(t.clock.now().toISOString());
    expect((await t.request("GET", `/projects/${ada.projectId}`, { token: now.key })).status).toBe(401);
    const later = await createKey(t, ada);
    await roll(later.id);
    expect(new Date((await listed(later.id)).revokedAt).getTime() - t.clock.now().getTime()).toBeGreaterThan(DAY - 60_000);
  });

  test("revoking a key in its grace period, or removing its creator, ends it at once", async () => {
    const old = await createKey(t, ada);
    await roll(old.id, { gracePeriodSeconds: 3600 });
    expect((await t.request("DELETE", `${keysPath(ada)}/${old.id}`, { token: ada.token })).status).toBe(200);
    expect((await t.request("GET", `/projects/${ada.projectId}`, { token: old.key })).status).toBe(401);
    expect(await listed(old.id)).toMatchObject({ status: "revoked", revokedReason: "revoked" });

    const bea = await signUp(t, "bea");
    await addMember(t, ada, bea, "member");
    const beas = await createKey(t, bea, ada.projectId);
    await roll(beas.id, { gracePeriodSeconds: 3600 }, { ...bea, projectId: ada.projectId });
    expect((await t.request("DELETE", `/private/organizations/${ada.orgId}/members/${bea.id}`, { token: ada.token })).status).toBe(200);
    expect((await t.request("GET", `/projects/${ada.projectId}`, { token: beas.key })).status).toBe(401);
    expect(await listed(beas.id)).toMatchObject({ status: "revoked", revokedReason: "member_removed" });
  });

  test("rolled twice, a key keeps the earlier end; one expiring before its grace ends says so", async () => {
    const twice = await createKey(t, ada);
    const first = await roll(twice.id, { gracePeriodSeconds: 3600 });
    const second = await roll(twice.id, { gracePeriodSeconds: 86_400 });
    expect(second.status).toBe(201);
    expect(second.body.data.rolledFromEndsAt).toBe(first.body.data.rolledFromEndsAt);
    expect((await listed(twice.id)).revokedAt).toBe(first.body.data.rolledFromEndsAt);

    const soon = await newKey({ expiresAt: new Date(t.clock.now().getTime() + 3_600_000).toISOString() });
    const rolled = await roll(soon.id); // the default grace, a day, outlives the key's expiry
    expect(rolled.body.data.rolledFromEndsAt).toBe((await listed(soon.id)).expiresAt);
  });

  test("an expiring key rolls into one with the same lifetime from now", async () => {
    const old = await newKey({ expiresAt: inDays(30) });
    t.clock.advance(25 * DAY);
    const rolled = await roll(old.id, { gracePeriodSeconds: 0 });
    const expiresAt = new Date((await listed(rolled.body.data.id)).expiresAt).getTime();
    expect(Math.abs(expiresAt - (t.clock.now().getTime() + 30 * DAY))).toBeLessThan(60_000);
    expect(new Date(rolled.body.data.expiresAt).getTime()).toBe(expiresAt);
  });

  test("the same rights as revoking; a bad grace is 400; a revoked key is 404", async () => {
    const cid = await signUp(t, "cid");
    await addMember(t, ada, cid, "member");
    const adas = await createKey(t, ada);
    expect((await roll(adas.id, {}, { ...cid, projectId: ada.projectId })).status).toBe(403);
    for (const body of [{ gracePeriodSeconds: -1 }, { gracePeriodSeconds: 604801 }, { gracePeriodSeconds: "1" }, { grace: 1 }]) {
      expect((await roll(adas.id, body)).status, JSON.stringify(body)).toBe(400);
    }
    await t.request("DELETE", `${keysPath(ada)}/${adas.id}`, { token: ada.token });
    expect((await roll(adas.id)).status).toBe(404);
  });
});

describe("the list's status filter", () => {
  test("default: active and expired, newest first; ?status picks one, all shows everything", async () => {
    const fresh = await signUp(t, "fay");
    const path = keysPath(fresh);
    const make = async (body: Record<string, unknown>) => {
      t.clock.advance(1); // distinct creation times: "newest first" is then one order
      return (await t.request("POST", path, { token: fresh.token, body: { name: "k", ...body } })).body.data.id as string;
    };
    const revoked = await make({});
    await t.request("DELETE", `${path}/${revoked}`, { token: fresh.token });
    const expired = await make({ expiresAt: new Date(t.clock.now().getTime() + 1000).toISOString() });
    const active = await make({});
    t.clock.advance(2000);
    const ids = async (q: string) =>
      (await t.request("GET", `${path}${q}`, { token: fresh.token })).body.data.map((k: { id: string }) => k.id);
    expect(await ids("")).toEqual([active, expired]);
    expect(await ids("?status=active")).toEqual([active]);
    expect(await ids("?status=expired")).toEqual([expired]);
    expect(await ids("?status=revoked")).toEqual([revoked]);
    expect(await ids("?status=all")).toEqual([active, expired, revoked]);
    const bad = await t.request("GET", `${path}?status=gone`, { token: fresh.token });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain("active, expired, revoked, all");
  });
});

describe("GET /private/api-keys/expiring", () => {
  test("lists keys expiring within N days that the user created or may manage, across projects, soonest first", async () => {
    const gus = await signUp(t, "gus");
    const hal = await signUp(t, "hal");
    await addMember(t, gus, hal, "member");
    const mk = async (who: Account, days: number) =>
      (
        await t.request("POST", `/private/projects/${gus.projectId}/api-keys`, {
          token: who.token,
          body: { name: "k", expiresAt: inDays(days) },
        })
      ).body.data.id;
    const halSoon = await mk(hal, 2);
    const gusSoon = await mk(gus, 1);
    await mk(gus, 20);
    const gusView = await t.request("GET", "/private/api-keys/expiring", { token: gus.token });
    expect(gusView.body.data.map((k: { id: string }) => k.id)).toEqual([gusSoon, halSoon]);
    expect(gusView.body.data[0]).toMatchObject({ projectId: gus.projectId, projectName: "Default project" });
    const halView = await t.request("GET", "/private/api-keys/expiring?withinDays=30", { token: hal.token });
    expect(halView.body.data.map((k: { id: string }) => k.id)).toEqual([halSoon]);
    expect((await t.request("GET", "/private/api-keys/expiring?withinDays=0", { token: hal.token })).status).toBe(400);
    const key = await createKey(t, gus);
    expect((await t.request("GET", "/private/api-keys/expiring", { token: key.key })).status).toBe(403);
  });
});
