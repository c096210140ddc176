import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq, inArray } from "drizzle-orm";
import { apiKeys } from "../src/db/schema";
import { MAX_ACTIVE_KEYS_PER_PROJECT } from "../src/modules/api-keys/service";
import { type Account, addMember, createKey, signUp } from "./helpers/factories";
import { createTestApp, type TestApp } from "./helpers/harness";

/** Issue 8, item 4: removing a member ends their keys in that organization for good. */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
}, 60_000);
afterAll(() => t.close());

const keysPath = (projectId: string) => `/private/projects/${projectId}/api-keys`;
const removeMember = (owner: Account, member: Account) =>
  t.request("DELETE", `/private/organizations/${owner.orgId}/members/${member.id}`, { token: owner.token });
const listedIds = async (owner: Account, projectId = owner.projectId) =>
  (await t.request("GET", keysPath(projectId), { token: owner.token })).body.data.map((k: { id: string }) => k.id);
const use = async (key: string, projectId: string) => (await t.request("GET", `/projects/${projectId}`, { token: key })).status;

async function ownerWithMember() {
  const owner = await signUp(t, "owner");
  const member = await signUp(t, "member");
  await addMember(t, owner, member, "member");
  return { owner, member };
}

describe("removing a member revokes their keys", () => {
  test("every key they made in the organization's projects leaves the list and gets 401", async () => {
    const { owner, member } = await ownerWithMember();
    const second = await t.request("POST", `/private/organizations/${owner.orgId}/projects`, {
      token: owner.token,
      body: { name: "Second" },
    });
    const keys = [await createKey(t, member, owner.projectId, "one"), await createKey(t, member, second.body.data.id, "two")];
    const ownersKey = await createKey(t, owner, owner.projectId, "owners");
    expect(await listedIds(owner)).toContain(keys[0]!.id);

    expect((await removeMember(owner, member)).status).toBe(200);

    expect(await listedIds(owner)).not.toContain(keys[0]!.id);
    expect(await listedIds(owner, second.body.data.id)).not.toContain(keys[1]!.id);
    expect(await use(keys[0]!.key, owner.projectId)).toBe(401);
    expect(await use(keys[1]!.key, second.body.data.id)).toBe(401);
    expect(await use(ownersKey.key, owner.projectId)).toBe(200);
  });

  test("re-adding the member never brings a key back", async () => {
    const { owner, member } = await ownerWithMember();
    const { id, key } = await createKey(t, member, owner.projectId);
    expect((await removeMember(owner, member)).status).toBe(200);
    await addMember(t, owner, member, "member");
    expect(await use(key, owner.projectId)).toBe(401);
    expect(await listedIds(owner)).not.toContain(id);
  });

  test("their keys stop counting toward the project's key limit", async () => {
    const { owner, member } = await ownerWithMember();
    for (let i = 0; i < MAX_ACTIVE_KEYS_PER_PROJECT; i++) await createKey(t, member, owner.projectId, `k${i}`);
    const full = await t.request("POST", keysPath(owner.projectId), { token: owner.token, body: { name: "one-too-many" } });
    expect(full.body.error?.code).toBe("key_limit_reached");
    expect((await removeMember(owner, member)).status).toBe(200);
    expect((await t.request("POST", keysPath(owner.projectId), { token: owner.token, body: { name: "room-again" } })).status).toBe(201);
  });

  test("their keys in other organizations keep working", async () => {
    const { owner, member } = await ownerWithMember();
    const elsewhere = await createKey(t, member, member.projectId, "personal");
    expect((await removeMember(owner, member)).status).toBe(200);
    expect(await use(elsewhere.key, member.projectId)).toBe(200);
  });

  test("the row records why the key ended: member_removed, or revoked for a DELETE", async () => {
    const { owner, member } = await ownerWithMember();
    const removed = await createKey(t, member, owner.projectId, "removed-with-member");
    const deleted = await createKey(t, owner, owner.projectId, "deleted");
    const kept = await createKey(t, owner, owner.projectId, "kept");
    expect((await t.request("DELETE", `${keysPath(owner.projectId)}/${deleted.id}`, { token: owner.token })).status).toBe(200);
    expect((await removeMember(owner, member)).status).toBe(200);

    const rows = await t.database.db
      .select({ id: apiKeys.id, revokedAt: apiKeys.revokedAt, reason: apiKeys.revokedReason })
      .from(apiKeys)
      .where(inArray(apiKeys.id, [removed.id, deleted.id, kept.id]));
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(removed.id)).toMatchObject({ reason: "member_removed", revokedAt: expect.any(Date) });
    expect(byId.get(deleted.id)).toMatchObject({ reason: "revoked", revokedAt: expect.any(Date) });
    expect(byId.get(kept.id)).toMatchObject({ reason: null, revokedAt: null });
  });

  test("a member who leaves on their own loses their keys the same way", async () => {
    const { owner, member } = await ownerWithMember();
    const { id } = await createKey(t, member, owner.projectId);
    const left = await t.request("DELETE", `/private/organizations/${owner.orgId}/members/${member.id}`, { token: member.token });
    expect(left.status).toBe(200);
    const [row] = await t.database.db.select({ reason: apiKeys.revokedReason }).from(apiKeys).where(eq(apiKeys.id, id));
    expect(row!.reason).toBe("member_removed");
  });
});
