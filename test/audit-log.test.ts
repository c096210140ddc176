import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { NO_REQUEST, recordAuditEvent } from "../src/audit/record";
import { admitLoginAttempt, LOGIN_POLICY } from "../src/auth/login-throttle";
import { auditEvents } from "../src/db/schema";
import { specOperations } from "../src/http/spec";
import { newId } from "../src/ids";
import { applyRetention } from "../src/modules/usage/retention";
import { type Account, addMember, createKey, signUp } from "./helpers/factories";
import { createTestApp, type TestApp } from "./helpers/harness";

/** Issue 11, audit log: every change writes its event in its own transaction, and owners and admins read them. */
let t: TestApp;
const OPERATOR = "audit-operator@example.com";

beforeAll(async () => {
  t = await createTestApp({ adminEmails: [OPERATOR], auditRetentionDays: 365 });
}, 60_000);
afterAll(() => t.close());

type Event = {
  id: string;
  action: string;
  actor: { type: string; id: string | null };
  target: { type: string; id: string };
  projectId: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  createdAt: string;
  details: Record<string, unknown>;
};

const auditPath = (orgId: string, query = "") => `/private/organizations/${orgId}/audit-log${query}`;
async function events(owner: Account, query = ""): Promise<Event[]> {
  const res = await t.request("GET", auditPath(owner.orgId, query), { token: owner.token });
  expect(res.status).toBe(200);
  return res.body.data;
}
const actions = async (owner: Account, query = "") => (await events(owner, query)).map((e) => e.action);

describe("every action writes its event", () => {
  test("sign-up: organization.created, project.created and credits.granted (the free credits, by the system)", async () => {
    const ada = await signUp(t, "ada");
    const log = await events(ada);
    expect(log.map((e) => e.action).sort()).toEqual(["credits.granted", "organization.created", "project.created"]);
    const grant = log.find((e) => e.action === "credits.granted")!;
    expect(grant.actor).toEqual({ type: "system", id: null });
    expect(grant.details.amount).toBe(t.deps.config.freeCredits);
    const project = log.find((e) => e.action === "project.created")!;
    expect(project.target).toEqual({ type: "project", id: ada.projectId });
    expect(project.actor).toEqual({ type: "user", id: ada.id });
  });

  test("api_key.created, .updated (name before and after) and .revoked, with the request's id and User-Agent, and no secret", async () => {
    const ada = await signUp(t, "ada");
    const created = await createKey(t, ada, ada.projectId, "ci");
    const headers = { "x-request-id": "req-audit-1", "user-agent": "audit-test/1.0" };
    const path = `/private/projects/${ada.projectId}/api-keys/${created.id}`;
    expect((await t.request("PATCH", path, { token: ada.token, body: { name: "ci-nightly" }, headers })).status).toBe(200);
    expect((await t.request("DELETE", path, { token: ada.token })).status).toBe(200);
    const log = await events(ada, `?targetId=${created.id}`);
    expect(log.map((e) => e.action)).toEqual(["api_key.revoked", "api_key.updated", "api_key.created"]);
    const updated = log[1]!;
    expect(updated.details).toEqual({ keyHint: created.keyHint, before: { name: "ci" }, after: { name: "ci-nightly" } });
    expect(updated.requestId).toBe("req-audit-1");
    expect(updated.userAgent).toBe("audit-test/1.0");
    expect(updated.projectId).toBe(ada.projectId);
    expect(log[0]!.details.reason).toBe("revoked");
    expect(JSON.stringify(log)).not.toContain(created.key);
  });

  test("member.added, .role_changed and .removed; removal writes api_key.revoked (member_removed) for each key it ends", async () => {
    const owner = await signUp(t, "owner");
    const member = await signUp(t, "member");
    await addMember(t, owner, member, "member");
    const keys = [await createKey(t, member, owner.projectId, "one"), await createKey(t, member, owner.projectId, "two")];
    const memberPath = `/private/organizations/${owner.orgId}/members/${member.id}`;
    expect((await t.request("PATCH", memberPath, { token: owner.token, body: { role: "admin" } })).status).toBe(200);
    expect((await t.request("DELETE", memberPath, { token: owner.token })).status).toBe(200);

    const log = await events(owner);
    const roleChange = log.find((e) => e.action === "member.role_changed")!;
    expect(roleChange.details).toEqual({ before: { role: "member" }, after: { role: "admin" } });
    expect(log.find((e) => e.action === "member.added")!.target).toEqual({ type: "user", id: member.id });
    expect(log.find((e) => e.action === "member.removed")!.details).toEqual({ role: "admin" });
    const revoked = log.filter((e) => e.action === "api_key.revoked");
    expect(revoked.map((e) => e.target.id).sort()).toEqual(keys.map((k) => k.id).sort());
    expect(revoked.every((e) => e.details.reason === "member_removed" && e.actor.id === owner.id)).toBe(true);
  });

  test("project.created and organization.created through their routes", async () => {
    const ada = await signUp(t, "ada");
    const project = await t.request("POST", `/private/organizations/${ada.orgId}/projects`, { token: ada.token, body: { name: "Second" } });
    expect((await events(ada, "?action=project.created")).map((e) => e.target.id)).toContain(project.body.data.id);
    const org = await t.request("POST", "/private/organizations", { token: ada.token, body: { name: "Team" } });
    const teamLog = await events({ ...ada, orgId: org.body.data.id });
    expect(teamLog.map((e) => e.action)).toEqual(["organization.created"]);
    expect(teamLog[0]!.details).toEqual({ name: "Team", personal: false });
  });

  test("credits.granted by an operator, with the amount and the ledger entry", async () => {
    const ada = await signUp(t, "ada");
    await t.request("POST", "/auth/register", { body: { email: OPERATOR, password: "operator-password", name: "Op" } });
    const login = await t.request("POST", "/auth/login", { body: { email: OPERATOR, password: "operator-password" } });
    const grant = await t.request("POST", `/private/organizations/${ada.orgId}/credits/grants`, {
      token: login.body.data.accessToken,
      body: { amount: 5, note: "thanks" },
    });
    expect(grant.status).toBe(201);
    const granted = (await events(ada, "?action=credits.granted")).find((e) => e.actor.type === "user")!;
    expect(granted.details).toEqual({ amount: 5, note: "thanks", ledgerEntryId: grant.body.data.entry.id });
  });

  test("session.login_failed_locked: once per lock, not per refused attempt; a later lock writes another", async () => {
    const ada = await signUp(t, "ada");
    t.clock.freeze();
    const attempt = { email: ada.email, address: "203.0.113.9" };
    const context = { ip: "203.0.113.9", userAgent: "guesser", requestId: "req-lock" };
    const tryOnce = () =>
      admitLoginAttempt(t.deps.db, attempt, t.clock.now(), context).then(
        () => "admitted",
        (error) => error.code as string,
      );
    for (let i = 0; i < LOGIN_POLICY.accountAtAddress.attempts; i++) expect(await tryOnce()).toBe("admitted");
    for (let i = 0; i < 3; i++) expect(await tryOnce()).toBe("too_many_login_attempts");
    let locks = await events(ada, "?action=session.login_failed_locked");
    expect(locks).toHaveLength(1);
    expect(locks[0]!).toMatchObject({ actor: { type: "system", id: null }, target: { type: "user", id: ada.id }, ip: "203.0.113.9" });
    expect(locks[0]!.details.scope).toBe("account_at_address");

    // Long enough for one attempt to come back: it is admitted, and the refusal after it is a new lock.
    const { attempts, windowSeconds } = LOGIN_POLICY.accountAtAddress;
    t.clock.advance((windowSeconds / attempts) * 1000);
    expect(await tryOnce()).toBe("admitted");
    expect(await tryOnce()).toBe("too_many_login_attempts");
    expect(await tryOnce()).toBe("too_many_login_attempts");
    locks = await events(ada, "?action=session.login_failed_locked");
    expect(locks).toHaveLength(2);
  });
});

describe("an event exists iff its change committed", () => {
  test("a refused change writes nothing: demoting or removing the last owner", async () => {
    const owner = await signUp(t, "owner");
    const before = await actions(owner);
    const path = `/private/organizations/${owner.orgId}/members/${owner.id}`;
    expect((await t.request("PATCH", path, { token: owner.token, body: { role: "admin" } })).status).toBe(409);
    expect((await t.request("DELETE", path, { token: owner.token })).status).toBe(409);
    expect(await actions(owner)).toEqual(before);
  });

  test("an event written in a transaction that rolls back is gone with it", async () => {
    const owner = await signUp(t, "owner");
    const failing = t.deps.db.transaction(async (tx) => {
      await recordAuditEvent(
        tx,
        {
          action: "project.created",
          actor: { type: "user", id: owner.id },
          target: { type: "project", id: newId() },
          organizationId: owner.orgId,
        },
        NO_REQUEST,
        new Date(),
      );
      throw new Error("the change failed");
    });
    await expect(failing).rejects.toThrow("the change failed");
    expect(await actions(owner, "?action=project.created")).toHaveLength(1); // the sign-up's own
  });
});

describe("reading the log", () => {
  test("cursor paging: newest first, every event once, nextCursor null on the last page", async () => {
    const owner = await signUp(t, "owner");
    for (let i = 0; i < 5; i++) await createKey(t, owner, owner.projectId, `k${i}`);
    const all = await events(owner, "?limit=100");
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `?limit=2${cursor ? `&cursor=${cursor}` : ""}`;
      const page = await t.request("GET", auditPath(owner.orgId, query), { token: owner.token });
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.data.map((e: Event) => e.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.map((e) => e.id));
    expect(all).toHaveLength(8);
    const times = all.map((e) => e.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
  });

  test("filters: action, actorId, targetId, projectId, from and to", async () => {
    const owner = await signUp(t, "owner");
    const admin = await signUp(t, "admin");
    await addMember(t, owner, admin, "admin");
    const second = await t.request("POST", `/private/organizations/${owner.orgId}/projects`, { token: admin.token, body: { name: "B" } });
    // Events of the same millisecond have no order between them (and the clock may be frozen here): keep these two apart.
    t.clock.advance(5);
    const key = await createKey(t, admin, second.body.data.id, "b-key");
    expect(await actions(owner, "?action=api_key.created")).toEqual(["api_key.created"]);
    expect(await actions(owner, `?actorId=${admin.id}`)).toEqual(["api_key.created", "project.created"]);
    expect(await actions(owner, `?targetId=${key.id}`)).toEqual(["api_key.created"]);
    expect(await actions(owner, `?projectId=${second.body.data.id}`)).toEqual(["api_key.created", "project.created"]);
    const keyEvent = (await events(owner, `?targetId=${key.id}`))[0]!;
    expect(await actions(owner, `?from=${keyEvent.createdAt}&targetId=${key.id}`)).toEqual(["api_key.created"]);
    expect(await actions(owner, `?to=${keyEvent.createdAt}&targetId=${key.id}`)).toEqual([]);
  });

  test("owners and admins read it; a member gets 403", async () => {
    const owner = await signUp(t, "owner");
    const member = await signUp(t, "member");
    await addMember(t, owner, member, "member");
    const res = await t.request("GET", auditPath(owner.orgId), { token: member.token });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("forbidden");
  });

  test.each([
    ["?action=api_key.deleted", "action"],
    ["?limit=0", "limit"],
    ["?from=yesterday", "from"],
    ["?from=2026-06-02T00:00:00.000Z&to=2026-06-01T00:00:00.000Z", "from"],
    ["?cursor=not-a-cursor", "cursor"],
  ])("bad query %s: 400 naming %s", async (query, name) => {
    const owner = await signUp(t, "owner");
    const res = await t.request("GET", auditPath(owner.orgId, query), { token: owner.token });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(name);
  });

  test("append-only: the spec has no route that changes or deletes an event", () => {
    const auditOps = specOperations.filter((op) => op.path.includes("audit"));
    expect(auditOps.map((op) => op.method)).toEqual(["get"]);
  });

  test("retention: events older than AUDIT_RETENTION_DAYS are pruned, newer ones kept", async () => {
    const owner = await signUp(t, "owner");
    const now = t.clock.now();
    const old = new Date(now.getTime() - 366 * 86_400_000);
    await t.deps.db.transaction((tx) =>
      recordAuditEvent(
        tx,
        {
          action: "project.created",
          actor: { type: "user", id: owner.id },
          target: { type: "project", id: newId() },
          organizationId: owner.orgId,
        },
        NO_REQUEST,
        old,
      ),
    );
    const count = async () => (await t.deps.db.select().from(auditEvents).where(eq(auditEvents.organizationId, owner.orgId))).length;
    expect(await count()).toBe(4);
    await applyRetention(t.deps.db, now, 365);
    expect(await count()).toBe(3);
  });
});
