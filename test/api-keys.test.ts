import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { hashApiKey } from "../src/auth/api-key-format";
import { apiKeys } from "../src/db/schema";
import { type Account, addMember, createKey, signUp } from "./helpers/factories";
import { createTestApp, type TestApp } from "./helpers/harness";

let t: TestApp;
let ada: Account;

beforeAll(async () => {
  t = await createTestApp();
  ada = await signUp(t, "ada");
}, 60_000);
afterAll(() => t.close());

const keysPath = (a: Account) => `/private/projects/${a.projectId}/api-keys`;

describe("the seed's API keys page", () => {
  test("a new user can create a key at once in their Default project", async () => {
    const created = await t.request("POST", keysPath(ada), { token: ada.token, body: { name: "ci-pipeline" } });
    expect(created.status).toBe(201);
    expect(created.body.data.name).toBe("ci-pipeline");
    expect(created.body.data.key).toMatch(/^azs_[0-9A-Za-z]{42}$/);
    expect(created.headers.get("cache-control")).toBe("no-store");
  });

  test("the list shows id, name, keyHint (last 4 characters), createdAt and lastUsedAt, never the key", async () => {
    const { key, id } = await createKey(t, ada, ada.projectId, "listed");
    const listed = await t.request("GET", keysPath(ada), { token: ada.token });
    expect(listed.status).toBe(200);
    const item = listed.body.data.find((k: { id: string }) => k.id === id);
    expect(item).toMatchObject({ name: "listed", keyHint: key.slice(-4), lastUsedAt: null, createdBy: ada.id });
    expect(JSON.stringify(listed.body)).not.toContain(key);
  });

  test("only sha256(key) and the hint are stored", async () => {
    const { key, id } = await createKey(t, ada);
    const rows = await t.database.db.select().from(apiKeys);
    const row = rows.find((r) => r.id === id)!;
    expect(row.keyHash).toBe(hashApiKey(key));
    expect(JSON.stringify(rows)).not.toContain(key);
  });

  test("a key authenticates as its creator, locked to its project", async () => {
    const { key } = await createKey(t, ada);
    const project = await t.request("GET", `/projects/${ada.projectId}`, { token: key });
    expect(project.status).toBe(200);
    expect(project.body.data).toMatchObject({ id: ada.projectId, organizationId: ada.orgId, organization: { id: ada.orgId } });
    const jobs = await t.request("GET", `/projects/${ada.projectId}/jobs`, { token: key });
    expect(jobs.status).toBe(200);
    expect(jobs.body).toEqual({ data: [], nextCursor: null });
  });

  test("a key used on any other project gets 403, whether that project exists or not", async () => {
    const { key } = await createKey(t, ada);
    const other = await t.request("POST", `/private/organizations/${ada.orgId}/projects`, { token: ada.token, body: { name: "Other" } });
    for (const projectId of [other.body.data.id, "67e0a1b2c3d4e5f6a7b8c9d0", "nope"]) {
      for (const path of [`/projects/${projectId}`, `/projects/${projectId}/jobs`]) {
        const res = await t.request("GET", path, { token: key });
        expect(res.status, path).toBe(403);
        expect(res.body.error.code).toBe("key_project_mismatch");
      }
    }
  });

  test("rename answers { success: true } and the list shows the new name", async () => {
    const { id } = await createKey(t, ada, ada.projectId, "old-name");
    const renamed = await t.request("PATCH", `${keysPath(ada)}/${id}`, { token: ada.token, body: { name: "  new-name  " } });
    expect(renamed).toMatchObject({ status: 200, body: { success: true } });
    const listed = await t.request("GET", keysPath(ada), { token: ada.token });
    expect(listed.body.data.find((k: { id: string }) => k.id === id).name).toBe("new-name");
  });

  test("revoked keys stop working immediately, leave the list, and revoking twice is 404", async () => {
    const { key, id } = await createKey(t, ada);
    expect((await t.request("GET", `/projects/${ada.projectId}`, { token: key })).status).toBe(200);
    const revoked = await t.request("DELETE", `${keysPath(ada)}/${id}`, { token: ada.token });
    expect(revoked).toMatchObject({ status: 200, body: { success: true } });
    const after = await t.request("GET", `/projects/${ada.projectId}`, { token: key });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe("invalid_api_key");
    expect(after.headers.get("www-authenticate")).toStartWith("Bearer");
    const listed = await t.request("GET", keysPath(ada), { token: ada.token });
    expect(listed.body.data.map((k: { id: string }) => k.id)).not.toContain(id);
    expect((await t.request("DELETE", `${keysPath(ada)}/${id}`, { token: ada.token })).status).toBe(404);
    expect((await t.request("PATCH", `${keysPath(ada)}/${id}`, { token: ada.token, body: { name: "x" } })).status).toBe(404);
  });

  test("lastUsedAt reflects a use once coalesced writes are flushed, with one write for many uses", async () => {
    const { key, id } = await createKey(t, ada);
    for (let i = 0; i < 5; i++) await t.request("GET", `/projects/${ada.projectId}`, { token: key });
    await t.deps.keyUsage.flush();
    const listed = await t.request("GET", keysPath(ada), { token: ada.token });
    const lastUsedAt = listed.body.data.find((k: { id: string }) => k.id === id).lastUsedAt;
    expect(lastUsedAt).not.toBeNull();
    expect(Math.abs(Date.parse(lastUsedAt) - Date.now())).toBeLessThan(5000);
  });

  test("the key flush timer writes lastUsedAt within 5 seconds without being asked", async () => {
    const { key, id } = await createKey(t, ada);
    t.deps.keyUsage.start();
    await t.request("GET", `/projects/${ada.projectId}`, { token: key });
    let lastUsedAt = null;
    for (let i = 0; i < 50 && !lastUsedAt; i++) {
      await Bun.sleep(100);
      const listed = await t.request("GET", keysPath(ada), { token: ada.token });
      lastUsedAt = listed.body.data.find((k: { id: string }) => k.id === id).lastUsedAt;
    }
    expect(lastUsedAt).not.toBeNull();
  });
});

describe("who may manage a key", () => {
  test("any member may list and create; rename and revoke are for the creator or an owner/admin", async () => {
    const owner = await signUp(t, "owner");
    const member = await signUp(t, "member");
    const admin = await signUp(t, "admin");
    await addMember(t, owner, member, "member");
    await addMember(t, owner, admin, "admin");
    const ownersKey = await createKey(t, owner);
    const membersKey = await createKey(t, member, owner.projectId, "members-own");

    expect((await t.request("GET", keysPath(owner), { token: member.token })).status).toBe(200);
    const denied = await t.request("PATCH", `${keysPath(owner)}/${ownersKey.id}`, { token: member.token, body: { name: "hijack" } });
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe("forbidden");
    expect((await t.request("DELETE", `${keysPath(owner)}/${ownersKey.id}`, { token: member.token })).status).toBe(403);

    expect((await t.request("PATCH", `${keysPath(owner)}/${membersKey.id}`, { token: member.token, body: { name: "mine" } })).status).toBe(
      200,
    );
    expect(
      (await t.request("PATCH", `${keysPath(owner)}/${membersKey.id}`, { token: admin.token, body: { name: "admin-renamed" } })).status,
    ).toBe(200);
    expect((await t.request("DELETE", `${keysPath(owner)}/${ownersKey.id}`, { token: admin.token })).status).toBe(200);
    expect((await t.request("DELETE", `${keysPath(owner)}/${membersKey.id}`, { token: owner.token })).status).toBe(200);
  });

  test("when the creator leaves the organization, their keys stop working at once", async () => {
    const owner = await signUp(t, "owner");
    const member = await signUp(t, "leaver");
    await addMember(t, owner, member, "member");
    const { key } = await createKey(t, member, owner.projectId);
    expect((await t.request("GET", `/projects/${owner.projectId}`, { token: key })).status).toBe(200);
    const removed = await t.request("DELETE", `/private/organizations/${owner.orgId}/members/${member.id}`, { token: owner.token });
    expect(removed.status).toBe(200);
    expect((await t.request("GET", `/projects/${owner.projectId}`, { token: key })).status).toBe(401);
  });

  test("API keys cannot manage keys or the account: 403 asking for a dashboard session", async () => {
    const { key } = await createKey(t, ada);
    for (const [method, path] of [
      ["GET", keysPath(ada)],
      ["GET", "/private/me"],
      ["GET", "/private/projects"],
    ] as const) {
      const res = await t.request(method, path, { token: key });
      expect(res.status, path).toBe(403);
      expect(res.body.error.code).toBe("dashboard_session_required");
      expect(res.body.error.message).toContain("dashboard");
    }
    const created = await t.request("POST", keysPath(ada), { token: key, body: { name: "from-a-key" } });
    expect(created.status).toBe(403);
  });
});
