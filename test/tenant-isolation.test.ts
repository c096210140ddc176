import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type SpecOperation, specOperations } from "../src/http/spec";
import { type Account, createKey, signUp } from "./helpers/factories";
import { createTestApp, type TestApp } from "./helpers/harness";

/**
 * The matrix is built from openapi.yaml itself: every authenticated operation that names an
 * organization, project, key or user in its path is called by someone outside that tenant.
 */
type Case = { method: string; path: string; operation: SpecOperation };
const cases: Case[] = specOperations
  .filter((op) => op.security.length > 0 && op.path.includes("{"))
  .map((operation) => ({ method: operation.method.toUpperCase(), path: operation.path, operation }));

let t: TestApp;
let victim: Account;
let outsider: Account;
let victimKey: { id: string; key: string };
let outsiderKey: string;
let victimJobId: string;
let victimWebhook: { id: string; deliveryId: string };
let victimServiceAccountId: string;
let victimBatchId: string;

beforeAll(async () => {
  t = await createTestApp();
  victim = await signUp(t, "victim");
  outsider = await signUp(t, "outsider");
  victimKey = await createKey(t, victim, victim.projectId, "victim-key");
  outsiderKey = (await createKey(t, outsider)).key;
  victimJobId = (
    await t.request("POST", `/projects/${victim.projectId}/jobs`, { token: victimKey.key, body: { url: "https://example.com/" } })
  ).body.data.id;
  const hooks = `/private/projects/${victim.projectId}/webhooks`;
  const webhookId = (
    await t.request("POST", hooks, { token: victim.token, body: { url: "https://example.com/hook", events: ["job.failed"] } })
  ).body.data.id;
  const deliveryId = (await t.request("POST", `${hooks}/${webhookId}/test`, { token: victim.token })).body.data.id;
  victimWebhook = { id: webhookId, deliveryId };
  victimServiceAccountId = (
    await t.request("POST", `/private/projects/${victim.projectId}/service-accounts`, { token: victim.token, body: { name: "victim-bot" } })
  ).body.data.id;
  victimBatchId = (
    await t.request("POST", `/projects/${victim.projectId}/jobs/batch`, { token: victimKey.key, body: { urls: ["https://example.com/"] } })
  ).body.data.batchId;
}, 60_000);
afterAll(() => t.close());

function fill(path: string, ids: Record<string, string>): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (!(name in ids)) throw new Error(`no value for path parameter ${name} in ${path}`);
    return ids[name]!;
  });
}

// `{id}` is a key's id on key routes and a service account's on service-account routes.
const victimIds = (path = "") => ({
  orgId: victim.orgId,
  projectId: victim.projectId,
  id: path.includes("/service-accounts/") ? victimServiceAccountId : victimKey.id,
  userId: victim.id,
  jobId: victimJobId,
  webhookId: victimWebhook.id,
  deliveryId: victimWebhook.deliveryId,
  batchId: victimBatchId,
});
const missingIds = {
  orgId: "67e0a1b2c3d4e5f6a7b8c9d0",
  projectId: "67e0a1b2c3d4e5f6a7b8c9d1",
  id: "67e0a1b2c3d4e5f6a7b8c9d2",
  userId: "67e0a1b2c3d4e5f6a7b8c9d3",
  jobId: "67e0a1b2c3d4e5f6a7b8c9d4",
  webhookId: "67e0a1b2c3d4e5f6a7b8c9d5",
  deliveryId: "67e0a1b2c3d4e5f6a7b8c9d6",
  batchId: "67e0a1b2c3d4e5f6a7b8c9d7",
};

function bodyFor(c: Case): unknown {
  const media = c.operation.requestBody;
  if (!media) return undefined;
  if (media.example === undefined) throw new Error(`${c.method} ${c.path} needs a request example in openapi.yaml`);
  return media.example;
}

describe("tenant isolation, route by route from openapi.yaml", () => {
  test("the matrix covers every tenant-scoped operation", () => {
    expect(cases.length).toBeGreaterThanOrEqual(10);
  });

  test.each(cases.map((c) => [`${c.method} ${c.path}`, c] as const))(
    "%s: a user outside the tenant gets 404, exactly as for an id that does not exist",
    async (_, c) => {
      const foreign = await t.request(c.method, fill(c.path, victimIds(c.path)), { token: outsider.token, body: bodyFor(c) });
      const missing = await t.request(c.method, fill(c.path, missingIds), { token: outsider.token, body: bodyFor(c) });
      expect(foreign.status).toBe(404);
      expect(foreign.body.error.code).toBe("not_found");
      expect(missing.status).toBe(404);
      expect(foreign.body.error.message).toBe(missing.body.error.message);
    },
  );

  test.each(cases.map((c) => [`${c.method} ${c.path}`, c] as const))("%s: another project's API key gets 403", async (_, c) => {
    const res = await t.request(c.method, fill(c.path, victimIds(c.path)), { token: outsiderKey, body: bodyFor(c) });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe(c.path.startsWith("/private/") ? "dashboard_session_required" : "key_project_mismatch");
  });

  test("after the whole matrix, the victim's key, name, membership and project are untouched", async () => {
    expect((await t.request("GET", `/projects/${victim.projectId}`, { token: victimKey.key })).status).toBe(200);
    const keys = await t.request("GET", `/private/projects/${victim.projectId}/api-keys`, { token: victim.token });
    expect(keys.body.data.map((k: { name: string; status: string }) => [k.name, k.status])).toEqual([
      ["victim-bot", "active"],
      ["victim-key", "active"],
    ]);
    const accounts = await t.request("GET", `/private/projects/${victim.projectId}/service-accounts`, { token: victim.token });
    expect(accounts.body.data.map((a: { id: string }) => a.id)).toEqual([victimServiceAccountId]);
    const members = await t.request("GET", `/private/organizations/${victim.orgId}/members`, { token: victim.token });
    expect(members.body.data.map((m: { userId: string }) => m.userId)).toEqual([victim.id]);
    const projects = await t.request("GET", `/private/organizations/${victim.orgId}/projects`, { token: victim.token });
    expect(projects.body.data).toHaveLength(1);
    const job = await t.request("GET", `/projects/${victim.projectId}/jobs/${victimJobId}`, { token: victimKey.key });
    expect(job.body.data.status).toBe("queued");
    const webhooks = await t.request("GET", `/private/projects/${victim.projectId}/webhooks`, { token: victim.token });
    expect(webhooks.body.data.map((w: { url: string }) => w.url)).toEqual(["https://example.com/hook"]);
  });

  test.each(cases.filter((c) => c.path.includes("{webhookId}")).map((c) => [`${c.method} ${c.path}`, c] as const))(
    "%s: another tenant's webhook or delivery id, under the caller's own project, is 404",
    async (_, c) => {
      const ids = { ...victimIds(), projectId: outsider.projectId };
      const res = await t.request(c.method, fill(c.path, ids), { token: outsider.token, body: bodyFor(c) });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe("not_found");
    },
  );
});
