import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type Account, addMember, createKey, signUp } from "./helpers/factories";
import { createTestApp, type TestApp } from "./helpers/harness";
import { waitForJob } from "./helpers/jobs";
import { type Receiver, startReceiver } from "./helpers/webhook-receiver";

/**
 * Where the one-statement submit and settle (issue 12) meet the key lifecycle (issue 10) and
 * webhooks (issue 13): a batch's completion event, a key's credit cap on batches, and a service
 * account's key working on jobs after the person who made it left.
 */
let t: TestApp;
let rx: Receiver;

beforeAll(async () => {
  rx = startReceiver();
  t = await createTestApp({ allowPrivateTargets: true, allowedTargetPorts: "any", workerPollMs: 20, webhookPollMs: 20 });
  t.deps.worker!.start();
  t.deps.webhooks!.start();
}, 60_000);
afterAll(async () => {
  await t.close();
  rx.stop();
});

type Event = { type: string; data: Record<string, unknown> };
const eventsAt = (path: string) => rx.received.filter((r) => r.path === path).map((r) => JSON.parse(r.body) as Event);

async function waitForEvent(path: string, type: string): Promise<Event> {
  for (let i = 0; i < 300; i++) {
    const found = eventsAt(path).find((e) => e.type === type);
    if (found) return found;
    await Bun.sleep(50);
  }
  throw new Error(`no ${type} at ${path}`);
}

const batchOf = (a: Account, token: string, urls: string[]) =>
  t.request("POST", `/projects/${a.projectId}/jobs/batch`, { token, body: { urls } });

describe("batches", () => {
  test("batch.completed is sent once, when the batch's last job is final, with its counts", async () => {
    const ada = await signUp(t, "ada");
    const hook = await t.request("POST", `/private/projects/${ada.projectId}/webhooks`, {
      token: ada.token,
      body: { url: `${rx.url}/batches`, events: ["batch.completed", "job.succeeded"] },
    });
    expect(hook.status).toBe(201);
    const key = await createKey(t, ada);
    const batch = await batchOf(ada, key.key, [`${rx.url}/page-a`, `${rx.url}/page-b`, `${rx.url}/page-c`]);
    expect(batch.status).toBe(202);
    const completed = await waitForEvent("/batches", "batch.completed");
    expect(completed.data).toEqual({
      id: batch.body.data.batchId,
      projectId: ada.projectId,
      total: 3,
      succeeded: 3,
      failed: 0,
      canceled: 0,
      finishedAt: expect.any(String),
    });
    await Bun.sleep(300);
    const types = eventsAt("/batches").map((e) => e.type);
    expect(types.filter((x) => x === "batch.completed")).toHaveLength(1);
    expect(types.filter((x) => x === "job.succeeded")).toHaveLength(3);
  });

  test("a key's credit cap counts a batch's jobs: a batch past the cap is refused whole, with 402", async () => {
    const bo = await signUp(t, "bo");
    const created = await t.request("POST", `/private/projects/${bo.projectId}/api-keys`, {
      token: bo.token,
      body: { name: "capped", creditLimit: { amount: 3, period: "day" } },
    });
    expect(created.status).toBe(201);
    const key = created.body.data.key as string;
    expect((await batchOf(bo, key, [`${rx.url}/page-1`, `${rx.url}/page-2`])).status).toBe(202);
    const refused = await batchOf(bo, key, [`${rx.url}/page-3`, `${rx.url}/page-4`]);
    expect(refused.status).toBe(402);
    expect(refused.body.error.code).toBe("key_credit_limit_reached");
    expect(refused.body.error.message).toContain("2 of its 3 credits this day");
    const single = await t.request("POST", `/projects/${bo.projectId}/jobs`, { token: key, body: { url: `${rx.url}/page-5` } });
    expect(single.status).toBe(202);
    const list = await t.request("GET", `/projects/${bo.projectId}/jobs`, { token: key });
    expect(list.body.data).toHaveLength(3);
  });
});

describe("service accounts", () => {
  test("its key submits, polls and lists jobs after the admin who made it left the organization", async () => {
    const owner = await signUp(t, "owner");
    const admin = await signUp(t, "admin");
    await addMember(t, owner, admin, "admin");
    const account = await t.request("POST", `/private/projects/${owner.projectId}/service-accounts`, {
      token: admin.token,
      body: { name: "crawler" },
    });
    expect(account.status).toBe(201);
    const key = account.body.data.apiKey.key as string;
    const removed = await t.request("DELETE", `/private/organizations/${owner.orgId}/members/${admin.id}`, { token: owner.token });
    expect(removed.status).toBe(200);
    const submitted = await t.request("POST", `/projects/${owner.projectId}/jobs`, { token: key, body: { url: `${rx.url}/page-sa` } });
    expect(submitted.status).toBe(202);
    expect(submitted.body.data.serviceAccountId).toBe(account.body.data.id);
    const job = await waitForJob(t, key, owner.projectId, submitted.body.data.id);
    expect(job.status).toBe("succeeded");
    const list = await t.request("GET", `/projects/${owner.projectId}/jobs`, { token: key });
    expect(list.status).toBe(200);
    expect(list.body.data.map((j: { id: string }) => j.id)).toEqual([submitted.body.data.id]);
  });
});
