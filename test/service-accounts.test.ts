import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type Account, addMember, createKey, signUp } from "./helpers/factories";
import { createTestApp, type TestApp } from "./helpers/harness";

let t: TestApp;
let owner: Account;

beforeAll(async () => {
  t = await createTestApp({ workerEnabled: false });
  owner = await signUp(t, "owner");
}, 60_000);
afterAll(() => t.close());

const accountsPath = (projectId = owner.projectId) => `/private/projects/${projectId}/service-accounts`;
const keysPath = (projectId = owner.projectId) => `/private/projects/${projectId}/api-keys`;
const inProject = (a: Account) => ({ ...a, projectId: owner.projectId });

async function createAccount(by: Account, name = "deploy-bot") {
  const res = await t.request("POST", accountsPath(), { token: by.token, body: { name } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data as { id: string; name: string; apiKey: { id: string; key: string; keyHint: string } };
}

describe("service accounts", () => {
  test("an owner creates one with its first key (shown once), and the list shows it", async () => {
    const res = await t.request("POST", accountsPath(), { token: owner.token, body: { name: "deploy-bot" } });
    expect(res.status).toBe(201);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.body.data).toMatchObject({ name: "deploy-bot", apiKey: { name: "deploy-bot" } });
    expect(res.body.data.apiKey.key).toMatch(/^azs_/);
    const listed = await t.request("GET", accountsPath(), { token: owner.token });
    expect(listed.body.data.map((a: { id: string }) => a.id)).toContain(res.body.data.id);
    const keys = await t.request("GET", keysPath(), { token: owner.token });
    const key = keys.body.data.find((k: { id: string }) => k.id === res.body.data.apiKey.id);
    expect(key).toMatchObject({ serviceAccountId: res.body.data.id, status: "active" });
    const personal = await createKey(t, owner);
    expect(
      (await t.request("GET", keysPath(), { token: owner.token })).body.data.find((k: { id: string }) => k.id === personal.id)
        .serviceAccountId,
    ).toBeNull();
  });

  test("its first key's api_key.created audit event carries the key's scopes and limits, as a user key's does", async () => {
    const account = await createAccount(owner, "audited-bot");
    const personal = await createKey(t, owner);
    const created = async (keyId: string) => {
      const res = await t.request("GET", `/private/organizations/${owner.orgId}/audit-log?targetId=${keyId}`, { token: owner.token });
      expect(res.status).toBe(200);
      expect(res.body.data.map((e: { action: string }) => e.action)).toEqual(["api_key.created"]);
      return res.body.data[0].details as Record<string, unknown>;
    };
    const details = await created(account.apiKey.id);
    expect(details).toEqual({
      name: "audited-bot",
      keyHint: account.apiKey.keyHint,
      serviceAccountId: account.id,
      expiresAt: null,
      scopes: null,
      allowedIps: null,
      creditLimit: null,
      rateLimit: null,
    });
    expect(Object.keys(details).sort()).toEqual(Object.keys(await created(personal.id)).sort());
  });

  test("a member may list them but not create or delete one, nor add a key to one", async () => {
    const mia = await signUp(t, "mia");
    await addMember(t, owner, mia, "member");
    const account = await createAccount(owner);
    expect((await t.request("GET", accountsPath(), { token: mia.token })).status).toBe(200);
    expect((await t.request("POST", accountsPath(), { token: mia.token, body: { name: "x" } })).status).toBe(403);
    expect((await t.request("DELETE", `${accountsPath()}/${account.id}`, { token: mia.token })).status).toBe(403);
    const key = await t.request("POST", keysPath(), { token: mia.token, body: { name: "x", serviceAccountId: account.id } });
    expect(key.status).toBe(403);
    // Nor change or roll its keys, which are not hers.
    expect((await t.request("PATCH", `${keysPath()}/${account.apiKey.id}`, { token: mia.token, body: { name: "mine" } })).status).toBe(403);
    expect((await t.request("POST", `${keysPath()}/${account.apiKey.id}/roll`, { token: mia.token, body: {} })).status).toBe(403);
  });

  test("an admin adds keys to an existing account; another project's account is 404", async () => {
    const ann = await signUp(t, "ann");
    await addMember(t, owner, ann, "admin");
    const account = await createAccount(owner);
    const added = await t.request("POST", keysPath(), {
      token: ann.token,
      body: { name: "second", serviceAccountId: account.id, scopes: ["jobs:read"] },
    });
    expect(added.status).toBe(201);
    expect(added.body.data).toMatchObject({ serviceAccountId: account.id, scopes: ["jobs:read"] });
    const other = await t.request("POST", `/private/organizations/${owner.orgId}/projects`, {
      token: owner.token,
      body: { name: "Other" },
    });
    const elsewhere = await t.request("POST", keysPath(other.body.data.id), {
      token: owner.token,
      body: { name: "x", serviceAccountId: account.id },
    });
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.body.error.message).toContain("service account");
  });

  test("its key authenticates as the account: jobs record it as their submitter", async () => {
    const account = await createAccount(owner);
    const job = await t.request("POST", `/projects/${owner.projectId}/jobs`, {
      token: account.apiKey.key,
      body: { url: "https://example.com/" },
    });
    expect(job.status).toBe(202);
    expect(job.body.data).toMatchObject({ serviceAccountId: account.id, apiKeyId: account.apiKey.id });
    const personal = await createKey(t, owner);
    const mine = await t.request("POST", `/projects/${owner.projectId}/jobs`, {
      token: personal.key,
      body: { url: "https://example.com/" },
    });
    expect(mine.body.data.serviceAccountId).toBeUndefined();
  });

  test("its keys keep working when the person who created them leaves; that person's own keys end", async () => {
    const ivy = await signUp(t, "ivy");
    await addMember(t, owner, ivy, "admin");
    const res = await t.request("POST", accountsPath(), { token: ivy.token, body: { name: "ivy-bot" } });
    const botKey = res.body.data.apiKey.key as string;
    const added = await t.request("POST", keysPath(), { token: ivy.token, body: { name: "bot-2", serviceAccountId: res.body.data.id } });
    const ivysOwn = await createKey(t, inProject(ivy), owner.projectId);
    expect((await t.request("DELETE", `/private/organizations/${owner.orgId}/members/${ivy.id}`, { token: owner.token })).status).toBe(200);
    expect((await t.request("GET", `/projects/${owner.projectId}`, { token: botKey })).status).toBe(200);
    expect((await t.request("GET", `/projects/${owner.projectId}/jobs`, { token: added.body.data.key })).status).toBe(200);
    expect((await t.request("GET", `/projects/${owner.projectId}`, { token: ivysOwn.key })).status).toBe(401);
    // Still locked to its project, like every key.
    const other = await t.request("POST", `/private/organizations/${owner.orgId}/projects`, { token: owner.token, body: { name: "Else" } });
    expect((await t.request("GET", `/projects/${other.body.data.id}`, { token: botKey })).status).toBe(403);
  });

  test("deleting one revokes its keys (service_account_deleted) at once; deleting again is 404", async () => {
    const account = await createAccount(owner);
    const second = await t.request("POST", keysPath(), { token: owner.token, body: { name: "b", serviceAccountId: account.id } });
    // A rolled key in its grace period ends with the account too.
    const rolled = await t.request("POST", `${keysPath()}/${second.body.data.id}/roll`, {
      token: owner.token,
      body: { gracePeriodSeconds: 3600 },
    });
    expect((await t.request("GET", `/projects/${owner.projectId}`, { token: account.apiKey.key })).status).toBe(200);
    expect((await t.request("DELETE", `${accountsPath()}/${account.id}`, { token: owner.token })).status).toBe(200);
    for (const key of [account.apiKey.key, second.body.data.key, rolled.body.data.key]) {
      expect((await t.request("GET", `/projects/${owner.projectId}`, { token: key })).status).toBe(401);
    }
    const revoked = await t.request("GET", `${keysPath()}?status=revoked`, { token: owner.token });
    const reasons = revoked.body.data
      .filter((k: { serviceAccountId: string }) => k.serviceAccountId === account.id)
      .map((k: { revokedReason: string }) => k.revokedReason);
    expect(reasons).toEqual(["service_account_deleted", "service_account_deleted", "service_account_deleted"]);
    expect((await t.request("DELETE", `${accountsPath()}/${account.id}`, { token: owner.token })).status).toBe(404);
    expect((await t.request("GET", accountsPath(), { token: owner.token })).body.data.map((a: { id: string }) => a.id)).not.toContain(
      account.id,
    );
    const late = await t.request("POST", keysPath(), { token: owner.token, body: { name: "late", serviceAccountId: account.id } });
    expect(late.status).toBe(404);
  });

  test("a bad name is 400, a key cannot manage them (403), and an outsider sees 404", async () => {
    expect((await t.request("POST", accountsPath(), { token: owner.token, body: { name: "" } })).body.error.message).toBe(
      "Field 'name' must not be blank.",
    );
    expect((await t.request("POST", accountsPath(), { token: owner.token, body: {} })).status).toBe(400);
    const key = await createKey(t, owner);
    expect((await t.request("GET", accountsPath(), { token: key.key })).body.error.code).toBe("dashboard_session_required");
    const out = await signUp(t, "out");
    const account = await createAccount(owner);
    expect((await t.request("GET", accountsPath(), { token: out.token })).status).toBe(404);
    expect((await t.request("DELETE", `${accountsPath()}/${account.id}`, { token: out.token })).status).toBe(404);
    expect((await t.request("DELETE", `${accountsPath(out.projectId)}/${account.id}`, { token: out.token })).status).toBe(404);
  });
});
