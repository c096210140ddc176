import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type Account, addMember, signUp } from "./helpers/factories";
import { createTestApp, type TestApp } from "./helpers/harness";

/** PATCH /private/organizations/{orgId}/members/{userId}: who may change a role, and the last owner stays. */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
}, 60_000);
afterAll(() => t.close());

const change = (org: Account, caller: Account, target: Account, role: string) =>
  t.request("PATCH", `/private/organizations/${org.orgId}/members/${target.id}`, { token: caller.token, body: { role } });

async function team() {
  const owner = await signUp(t, "owner");
  const admin = await signUp(t, "admin");
  const member = await signUp(t, "member");
  await addMember(t, owner, admin, "admin");
  await addMember(t, owner, member, "member");
  return { owner, admin, member };
}

describe("changing a member's role", () => {
  test("an owner promotes and demotes; the answer is the member with the new role", async () => {
    const { owner, member } = await team();
    const res = await change(owner, owner, member, "admin");
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ userId: member.id, email: member.email, role: "admin" });
    expect((await change(owner, owner, member, "member")).body.data.role).toBe("member");
  });

  test("an admin changes members and admins, but cannot make an owner or touch an owner's role", async () => {
    const { owner, admin, member } = await team();
    expect((await change(owner, admin, member, "admin")).status).toBe(200);
    for (const [target, role] of [
      [member, "owner"],
      [owner, "admin"],
    ] as const) {
      const res = await change(owner, admin, target, role);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe("forbidden");
    }
  });

  test("a member changes no one's role, not even their own", async () => {
    const { owner, admin, member } = await team();
    expect((await change(owner, member, admin, "member")).status).toBe(403);
    expect((await change(owner, member, member, "admin")).status).toBe(403);
  });

  test("the last owner cannot be demoted (409); with a second owner, one can step down", async () => {
    const { owner, admin } = await team();
    const res = await change(owner, owner, owner, "admin");
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("last_owner");
    expect((await change(owner, owner, admin, "owner")).status).toBe(200);
    expect((await change(owner, owner, owner, "admin")).status).toBe(200);
    expect((await change(owner, admin, admin, "admin")).status).toBe(409);
  });

  test("someone who is not a member of the organization is 404; a bad role is 400", async () => {
    const { owner } = await team();
    const stranger = await signUp(t, "stranger");
    expect((await change(owner, owner, stranger, "admin")).status).toBe(404);
    const bad = await change(owner, owner, owner, "superuser");
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain("role");
  });
});
