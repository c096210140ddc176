import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Webhook } from "standardwebhooks";
import { type Account, signUp } from "./helpers/factories";
import { createTestApp, type TestApp } from "./helpers/harness";
import { type Received, type Receiver, startReceiver } from "./helpers/webhook-receiver";

/**
 * The key lifecycle (issue 10) as the audit log (issue 11) and webhooks (issue 13) tell it:
 * expiring and expired keys, rolls and service accounts each leave their event, exactly once.
 */
const DAY = 86_400_000;
let t: TestApp;
let rx: Receiver;

beforeAll(async () => {
  rx = startReceiver();
  t = await createTestApp({ allowPrivateTargets: true, allowedTargetPorts: "any", webhookPollMs: 20, apiKeyExpiryWarningDays: 7 });
  t.deps.webhooks!.start();
}, 60_000);
afterAll(async () => {
  await t.close();
  rx.stop();
});

type Event = { type: string; timestamp: string; data: Record<string, any> };
const parsed = (r: Received) => JSON.parse(r.body) as Event;

async function endpoint(a: Account, path: string, events: string[]): Promise<string> {
  const res = await t.request("POST", `/private/projects/${a.projectId}/webhooks`, {
    token: a.token,
    body: { url: rx.url + path, events },
  });
  expect(res.status).toBe(201);
  return res.body.data.secret;
}
async function key(a: Account, body: Record<string, unknown>) {
  const res = await t.request("POST", `/private/projects/${a.projectId}/api-keys`, { token: a.token, body });
  expect(res.status).toBe(201);
  return res.body.data as { id: string; key: string };
}
/** A session at the test clock's time: moving the clock days ahead expires the old one. */
async function session(a: Account): Promise<string> {
  const login = await t.request("POST", "/auth/login", { body: { email: a.email, password: a.password } });
  return login.body.data.accessToken;
}
async function audit(a: Account, token: string, query: string) {
  const res = await t.request("GET", `/private/organizations/${a.orgId}/audit-log${query}`, { token });
  expect(res.status).toBe(200);
  return res.body.data as { action: string; actor: { type: string; id: string | null }; details: Record<string, unknown> }[];
}

describe("expiry events", () => {
  test("api_key.expiring once when a key enters its warning window; api_key.expired (webhook and audit) once, from the sweep", async () => {
    const ada = await signUp(t, "ada");
    const secret = await endpoint(ada, "/expiry", ["api_key.expiring", "api_key.expired"]);
    const soon = await key(ada, { name: "soon", expiresAt: new Date(t.clock.now().getTime() + 3 * DAY).toISOString() });
    await key(ada, { name: "later", expiresAt: new Date(t.clock.now().getTime() + 30 * DAY).toISOString() });
    await t.deps.housekeeping.sweepKeys();
    await t.deps.housekeeping.sweepKeys();
    const [warning] = await rx.waitFor("/expiry", 1);
    const event = new Webhook(secret).verify(warning!.body, {
      "webhook-id": warning!.headers["webhook-id"]!,
      "webhook-timestamp": warning!.headers["webhook-timestamp"]!,
      "webhook-signature": warning!.headers["webhook-signature"]!,
    }) as Event;
    expect(event).toMatchObject({ type: "api_key.expiring", data: { id: soon.id, projectId: ada.projectId, name: "soon" } });

    t.clock.advance(4 * DAY);
    await t.deps.housekeeping.sweepKeys();
    await t.deps.housekeeping.sweepKeys();
    const hits = await rx.waitFor("/expiry", 2);
    await Bun.sleep(200);
    expect(rx.received.filter((r) => r.path === "/expiry").map((r) => [parsed(r).type, parsed(r).data.id])).toEqual([
      ["api_key.expiring", soon.id],
      ["api_key.expired", soon.id],
    ]);
    expect(parsed(hits[1]!).data.expiresAt).toEqual(expect.any(String));
    const expired = await audit(ada, await session(ada), "?action=api_key.expired");
    expect(expired).toHaveLength(1);
    expect(expired[0]!.actor).toEqual({ type: "system", id: null });
    expect(expired[0]!.details).toMatchObject({ name: "soon" });
  });

  test("a key given a new expiry is warned and recorded again when that one comes", async () => {
    const bo = await signUp(t, "bo");
    await endpoint(bo, "/extended", ["api_key.expiring", "api_key.expired"]);
    const k = await key(bo, { name: "extended", expiresAt: new Date(t.clock.now().getTime() + 3 * DAY).toISOString() });
    await t.deps.housekeeping.sweepKeys();
    await rx.waitFor("/extended", 1);
    const later = new Date(t.clock.now().getTime() + 20 * DAY).toISOString();
    const patched = await t.request("PATCH", `/private/projects/${bo.projectId}/api-keys/${k.id}`, {
      token: bo.token,
      body: { expiresAt: later },
    });
    expect(patched.status).toBe(200);
    t.clock.advance(15 * DAY); // inside the new warning window
    await t.deps.housekeeping.sweepKeys();
    // Deliveries are sent concurrently, so order holds only across events already delivered.
    await rx.waitFor("/extended", 2);
    t.clock.advance(6 * DAY); // past the new expiry
    await t.deps.housekeeping.sweepKeys();
    await rx.waitFor("/extended", 3);
    expect(rx.received.filter((r) => r.path === "/extended").map((r) => parsed(r).type)).toEqual([
      "api_key.expiring",
      "api_key.expiring",
      "api_key.expired",
    ]);
  });

  test("the first refused request records the expiry at once; a later sweep adds nothing", async () => {
    const bo = await signUp(t, "bo");
    const short = await key(bo, { name: "short", expiresAt: new Date(t.clock.now().getTime() + 3_600_000).toISOString() });
    t.clock.advance(2 * 3_600_000);
    const refused = await t.request("GET", `/projects/${bo.projectId}`, { token: short.key });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe("api_key_expired");
    const token = await session(bo);
    expect(await audit(bo, token, "?action=api_key.expired")).toHaveLength(1);
    await t.deps.housekeeping.sweepKeys();
    expect(await audit(bo, token, "?action=api_key.expired")).toHaveLength(1);
  });

  test("a key given a new expiry after its first was recorded is recorded again at its next first refusal, with no sweep", async () => {
    const gu = await signUp(t, "gu");
    const renewed = await key(gu, { name: "renewed", expiresAt: new Date(t.clock.now().getTime() + 3_600_000).toISOString() });
    const refuse = async () => {
      const refused = await t.request("GET", `/projects/${gu.projectId}`, { token: renewed.key });
      expect(refused.body.error.code).toBe("api_key_expired");
    };
    t.clock.advance(2 * 3_600_000);
    await refuse();
    const token = await session(gu);
    const patched = await t.request("PATCH", `/private/projects/${gu.projectId}/api-keys/${renewed.id}`, {
      token,
      body: { expiresAt: new Date(t.clock.now().getTime() + 3_600_000).toISOString() },
    });
    expect(patched.status).toBe(200);
    t.clock.advance(2 * 3_600_000);
    await refuse();
    const expired = await audit(gu, await session(gu), "?action=api_key.expired");
    expect(expired).toHaveLength(2);
    expect(new Set(expired.map((e) => e.details.expiresAt)).size).toBe(2);
  });

  test("a revoked key never expires in the log", async () => {
    const cy = await signUp(t, "cy");
    const gone = await key(cy, { name: "gone", expiresAt: new Date(t.clock.now().getTime() + 3_600_000).toISOString() });
    const revoke = await t.request("DELETE", `/private/projects/${cy.projectId}/api-keys/${gone.id}`, { token: cy.token });
    expect(revoke.status).toBe(200);
    t.clock.advance(2 * 3_600_000);
    await t.deps.housekeeping.sweepKeys();
    expect(await audit(cy, await session(cy), "?action=api_key.expired")).toHaveLength(0);
  });
});

describe("rolls and service accounts", () => {
  test("a roll writes api_key.rolled (old and new key) and tells subscribers when the old key ends", async () => {
    const di = await signUp(t, "di");
    await endpoint(di, "/rolled", ["api_key.revoked"]);
    const old = await key(di, { name: "ci" });
    const roll = await t.request("POST", `/private/projects/${di.projectId}/api-keys/${old.id}/roll`, {
      token: di.token,
      body: { gracePeriodSeconds: 3600 },
    });
    expect(roll.status).toBe(201);
    const [rolled] = await audit(di, di.token, "?action=api_key.rolled");
    expect(rolled).toMatchObject({ actor: { type: "user", id: di.id }, details: { newKeyId: roll.body.data.id } });
    const [hit] = await rx.waitFor("/rolled");
    const event = parsed(hit!);
    expect(event).toMatchObject({ type: "api_key.revoked", data: { id: old.id, reason: "rolled" } });
    expect(Date.parse(event.data.revokedAt) - t.clock.now().getTime()).toBeGreaterThan(3_500_000);
  });

  test("service_account.created and .deleted, and api_key.revoked (service_account_deleted) for each of its keys", async () => {
    const ed = await signUp(t, "ed");
    await endpoint(ed, "/accounts", ["api_key.revoked"]);
    const created = await t.request("POST", `/private/projects/${ed.projectId}/service-accounts`, {
      token: ed.token,
      body: { name: "bot" },
    });
    expect(created.status).toBe(201);
    const account = created.body.data as { id: string; apiKey: { id: string } };
    const second = await key(ed, { name: "bot-2", serviceAccountId: account.id });
    const removed = await t.request("DELETE", `/private/projects/${ed.projectId}/service-accounts/${account.id}`, { token: ed.token });
    expect(removed.status).toBe(200);
    expect((await audit(ed, ed.token, `?targetId=${account.id}`)).map((e) => e.action)).toEqual([
      "service_account.deleted",
      "service_account.created",
    ]);
    const revoked = await audit(ed, ed.token, "?action=api_key.revoked");
    expect(revoked.map((e) => e.details.reason)).toEqual(["service_account_deleted", "service_account_deleted"]);
    const hits = await rx.waitFor("/accounts", 2);
    expect(hits.map((h) => parsed(h).data.id).sort()).toEqual([account.apiKey.id, second.id].sort());
  });

  test("a leak report ends a rolled key still in its grace at once, and subscribers hear reason leaked", async () => {
    const fa = await signUp(t, "fa");
    await endpoint(fa, "/leaked", ["api_key.revoked"]);
    const old = await key(fa, { name: "leaky" });
    const roll = await t.request("POST", `/private/projects/${fa.projectId}/api-keys/${old.id}/roll`, {
      token: fa.token,
      body: { gracePeriodSeconds: 3600 },
    });
    expect(roll.status).toBe(201);
    expect((await t.request("GET", `/projects/${fa.projectId}`, { token: old.key })).status).toBe(200);
    const report = await t.request("POST", "/leaked-keys", {
      body: [{ token: old.key, type: "azscraper_api_key", url: "https://github.com/x/y/blob/main/.env", source: "content" }],
    });
    expect(report.status).toBe(200);
    expect(report.body[0].label).toBe("true_positive");
    expect((await t.request("GET", `/projects/${fa.projectId}`, { token: old.key })).status).toBe(401);
    const hits = await rx.waitFor("/leaked", 2);
    // Both deliveries are due at once and may be sent in either order.
    expect(hits.map((h) => parsed(h).data.reason).sort()).toEqual(["leaked", "rolled"]);
  });
});
