import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type Account, addMember, signUp } from "./helpers/factories";
import { createTestApp, type TestApp } from "./helpers/harness";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
}, 60_000);
afterAll(() => t.close());

const members = (a: Account) => `/private/organizations/${a.orgId}/members`;

describe("organizations and projects", () => {
  test("creating an organization makes the creator its owner and lists it", async () => {
    const ada = await signUp(t, "ada");
    const created = await t.request("POST", "/private/organizations", { token: ada.token, body: { name: "Acme Research" } });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({ name: "Acme Research", role: "owner", personal: false });
    const list = await t.request("GET", "/private/organizations", { token: ada.token });
    expect(list.body.data.map((o: { id: string }) => o.id)).toEqual([ada.orgId, created.body.data.id]);
  });

  test("a project created in an organization is listed there and in /private/projects", async () => {
    const ada = await signUp(t, "ada");
    const created = await t.request("POST", `/private/organizations/${ada.orgId}/projects`, {
      token: ada.token,
      body: { name: "Price tracker" },
    });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({ organizationId: ada.orgId, name: "Price tracker" });
    const inOrg = await t.request("GET", `/private/organizations/${ada.orgId}/projects`, { token: ada.token });
    expect(inOrg.body.data.map((p: { name: string }) => p.name)).toEqual(["Default project", "Price tracker"]);
    const all = await t.request("GET", "/private/projects", { token: ada.token });
    expect(all.body.data).toHaveLength(2);
  });

  test("/private/projects lists projects of every organization the user belongs to", async () => {
    const owner = await signUp(t, "owner");
    const member = await signUp(t, "member");
    await addMember(t, owner, member, "member");
    const all = await t.request("GET", "/private/projects", { token: member.token });
    expect(all.body.data.map((p: { id: string }) => p.id).sort()).toEqual([owner.projectId, member.projectId].sort());
  });

  test("GET /private/me shows the user with every organization and role", async () => {
    const owner = await signUp(t, "owner");
    const admin = await signUp(t, "admin");
    await addMember(t, owner, admin, "admin");
    const me = await t.request("GET", "/private/me", { token: admin.token });
    expect(me.body.data).toMatchObject({ id: admin.id, email: admin.email });
    expect(me.body.data.organizations.map((o: { role: string }) => o.role).sort()).toEqual(["admin", "owner"]);
  });
});

describe("members", () => {
  test("owners add members by email; the list shows them with their role", async () => {
    const owner = await signUp(t, "owner");
    const grace = await signUp(t, "grace");
    const added = await t.request("POST", members(owner), {
      token: owner.token,
      body: { email: grace.email.toUpperCase(), role: "admin" },
    });
    expect(added.status).toBe(201);
    expect(added.body.data).toMatchObject({ userId: grace.id, role: "admin" });
    const list = await t.request("GET", members(owner), { token: grace.token });
    expect(list.body.data.map((m: { userId: string; role: string }) => [m.userId, m.role])).toEqual([
      [owner.id, "owner"],
      [grace.id, "admin"],
    ]);
  });

  test("adding someone twice is 409; adding an unknown email is 404 asking them to sign up", async () => {
    const owner = await signUp(t, "owner");
    const grace = await signUp(t, "grace");
    await addMember(t, owner, grace, "member");
    const twice = await t.request("POST", members(owner), { token: owner.token, body: { email: grace.email, role: "member" } });
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe("already_member");
    const unknown = await t.request("POST", members(owner), { token: owner.token, body: { email: "nobody@example.com", role: "member" } });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toContain("sign up");
  });

  test.each([
    ["member", "member", 403],
    ["admin", "member", 201],
    ["admin", "owner", 403],
    ["owner", "owner", 201],
  ] as const)("a %s adding a %s gets %d", async (callerRole, newRole, status) => {
    const owner = await signUp(t, "owner");
    const caller = await signUp(t, callerRole);
    const newcomer = await signUp(t, "newcomer");
    if (callerRole !== "owner") await addMember(t, owner, caller, callerRole);
    const acting = callerRole === "owner" ? owner : caller;
    const res = await t.request("POST", members(owner), { token: acting.token, body: { email: newcomer.email, role: newRole } });
    expect(res.status).toBe(status);
  });

  test("the last owner cannot be removed, even by themselves; with a second owner they can leave", async () => {
    const owner = await signUp(t, "owner");
    const last = await t.request("DELETE", `${members(owner)}/${owner.id}`, { token: owner.token });
    expect(last.status).toBe(409);
    expect(last.body.error.code).toBe("last_owner");
    const second = await signUp(t, "second");
    await addMember(t, owner, second, "owner");
    expect((await t.request("DELETE", `${members(owner)}/${owner.id}`, { token: owner.token })).status).toBe(200);
    expect((await t.request("GET", members(owner), { token: owner.token })).status).toBe(404);
  });

  test("members cannot remove others; admins cannot remove owners; anyone can leave", async () => {
    const owner = await signUp(t, "owner");
    const admin = await signUp(t, "admin");
    const member = await signUp(t, "member");
    await addMember(t, owner, admin, "admin");
    await addMember(t, owner, member, "member");
    expect((await t.request("DELETE", `${members(owner)}/${admin.id}`, { token: member.token })).status).toBe(403);
    expect((await t.request("DELETE", `${members(owner)}/${owner.id}`, { token: admin.token })).status).toBe(403);
    expect((await t.request("DELETE", `${members(owner)}/${member.id}`, { token: member.token })).status).toBe(200);
    expect((await t.request("DELETE", `${members(owner)}/${admin.id}`, { token: owner.token })).status).toBe(200);
    expect((await t.request("DELETE", `${members(owner)}/${admin.id}`, { token: owner.token })).status).toBe(404);
  });

  test("a removed member loses access to the organization's projects at once", async () => {
    const owner = await signUp(t, "owner");
    const member = await signUp(t, "member");
    await addMember(t, owner, member, "member");
    expect((await t.request("GET", `/projects/${owner.projectId}`, { token: member.token })).status).toBe(200);
    await t.request("DELETE", `${members(owner)}/${member.id}`, { token: owner.token });
    expect((await t.request("GET", `/projects/${owner.projectId}`, { token: member.token })).status).toBe(404);
  });
});
