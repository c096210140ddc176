import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Webhook } from "standardwebhooks";
import { WebhookDeliverer } from "../src/worker/webhook-delivery";
import { type Account, addMember, createKey, signUp } from "./helpers/factories";
import { createTestApp, type TestApp } from "./helpers/harness";
import { waitForJob } from "./helpers/jobs";
import { type Received, type Receiver, startReceiver } from "./helpers/webhook-receiver";

/**
 * Webhooks end to end: a local receiver gets each event with a signature that the independent
 * `standardwebhooks` package verifies. Retries back off from 50 ms here instead of 30 s.
 */
let t: TestApp;
let rx: Receiver;
let ada: Account;

beforeAll(async () => {
  rx = startReceiver();
  t = await createTestApp({
    allowPrivateTargets: true,
    allowedTargetPorts: "any",
    workerPollMs: 20,
    webhookPollMs: 20,
    webhookRetryBaseMs: 50,
    webhookTimeoutMs: 1000,
  });
  t.deps.worker!.start();
  t.deps.webhooks!.start();
  ada = await signUp(t, "ada");
}, 60_000);
afterAll(async () => {
  await t.close();
  rx.stop();
});

const hooks = (a: Account) => `/private/projects/${a.projectId}/webhooks`;
async function createEndpoint(path: string, events: string[], a = ada) {
  const res = await t.request("POST", hooks(a), { token: a.token, body: { url: rx.url + path, events } });
  expect(res.status).toBe(201);
  return res.body.data as { id: string; secret: string; url: string };
}
const asHeaders = (r: Received) => ({
  "webhook-id": r.headers["webhook-id"]!,
  "webhook-timestamp": r.headers["webhook-timestamp"]!,
  "webhook-signature": r.headers["webhook-signature"]!,
});
/** A new session at the test clock's time: moving the clock a day ahead expires the old one. */
async function session(a: Account): Promise<string> {
  const login = await t.request("POST", "/auth/login", { body: { email: a.email, password: a.password } });
  return login.body.data.accessToken;
}
/** The event, once the independent verifier accepted its signature. */
const verified = (secret: string, r: Received) =>
  new Webhook(secret).verify(r.body, asHeaders(r)) as { type: string; timestamp: string; data: any };

describe("endpoints: create, list, change, delete", () => {
  test("create answers 201 with a whsec_ secret shown once, never listed or logged", async () => {
    const res = await t.request("POST", hooks(ada), {
      token: ada.token,
      body: { url: ` ${rx.url}/crud `, events: ["job.succeeded"], description: "CI relay" },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.body.data).toMatchObject({ url: `${rx.url}/crud`, events: ["job.succeeded"], description: "CI relay", enabled: true });
    const secret = res.body.data.secret as string;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const list = await t.request("GET", hooks(ada), { token: ada.token });
    expect(list.status).toBe(200);
    expect(list.body.data.map((e: { id: string }) => e.id)).toContain(res.body.data.id);
    expect(JSON.stringify(list.body)).not.toContain(secret.slice(6));
    expect(JSON.stringify(t.logs)).not.toContain(secret.slice(6));
  });

  test("PATCH changes events, description and enabled; DELETE removes the endpoint", async () => {
    const e = await createEndpoint("/crud2", ["job.failed"]);
    const path = `${hooks(ada)}/${e.id}`;
    const patched = await t.request("PATCH", path, {
      token: ada.token,
      body: { events: ["job.failed", "credits.low"], enabled: false, description: null },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.data).toMatchObject({
      events: ["job.failed", "credits.low"],
      enabled: false,
      disabledReason: "manual",
      description: null,
    });
    expect(patched.body.data.secret).toBeUndefined();
    const ping = await t.request("POST", `${path}/test`, { token: ada.token });
    expect(ping.status).toBe(409);
    expect(ping.body.error.code).toBe("webhook_disabled");
    const enabled = await t.request("PATCH", path, { token: ada.token, body: { enabled: true } });
    expect(enabled.body.data).toMatchObject({ enabled: true, disabledAt: null, disabledReason: null });
    expect((await t.request("DELETE", path, { token: ada.token })).status).toBe(200);
    const again = await t.request("DELETE", path, { token: ada.token });
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe("not_found");
  });

  test.each([
    [{ url: "ftp://example.com/", events: ["job.failed"] }, "url"],
    [{ url: "not a url", events: ["job.failed"] }, "url"],
    [{ url: "https://example.com/", events: [] }, "events"],
    [{ url: "https://example.com/", events: ["job.exploded"] }, "events"],
    [{ url: "https://example.com/", events: ["job.failed", "job.failed"] }, "events"],
    [{ url: "https://example.com/" }, "events"],
    [{ url: "https://example.com/", events: ["job.failed"], description: "x".repeat(201) }, "description"],
    [{ url: "https://example.com/", events: ["job.failed"], secret: "whsec_mine" }, "secret"],
  ])("bad input %j is a 400 naming '%s'", async (body, field) => {
    const res = await t.request("POST", hooks(ada), { token: ada.token, body });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("validation_failed");
    expect(res.body.error.message).toContain(field);
  });

  test("an empty PATCH is a 400", async () => {
    const e = await createEndpoint("/crud3", ["job.failed"]);
    const res = await t.request("PATCH", `${hooks(ada)}/${e.id}`, { token: ada.token, body: {} });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("validation_failed");
  });

  test("an API key cannot manage webhooks: they are dashboard-only", async () => {
    const key = await createKey(t, ada);
    const res = await t.request("GET", hooks(ada), { token: key.key });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("dashboard_session_required");
  });
});

describe("delivery and signatures", () => {
  test("a ping reaches the receiver with Standard Webhooks headers and a signature the independent verifier accepts", async () => {
    const e = await createEndpoint("/ping", ["job.succeeded"]);
    const queued = await t.request("POST", `${hooks(ada)}/${e.id}/test`, { token: ada.token });
    expect(queued.status).toBe(202);
    expect(queued.body.data).toMatchObject({ webhookId: e.id, eventType: "webhook.ping", status: "pending", attempts: [] });
    const [hit] = await rx.waitFor("/ping");
    expect(hit!.headers["webhook-id"]).toBe(queued.body.data.id);
    expect(hit!.headers["content-type"]).toBe("application/json");
    expect(hit!.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    const event = verified(e.secret, hit!);
    expect(event).toMatchObject({ type: "webhook.ping", data: { webhookId: e.id } });
    expect(Date.parse(event.timestamp)).not.toBeNaN();
    // Another endpoint's secret does not verify it.
    const other = await createEndpoint("/ping-other", ["job.succeeded"]);
    expect(() => verified(other.secret, hit!)).toThrow();
  });

  test("the verifier's replay window refuses a message signed 10 minutes ago", async () => {
    const e = await createEndpoint("/replay", ["job.succeeded"]);
    t.clock.advance(-10 * 60_000);
    try {
      await t.request("POST", `${hooks(ada)}/${e.id}/test`, { token: ada.token });
      const [hit] = await rx.waitFor("/replay");
      expect(Number(hit!.headers["webhook-timestamp"])).toBeLessThan(Date.now() / 1000 - 590);
      expect(() => verified(e.secret, hit!)).toThrow(/timestamp/i);
    } finally {
      t.clock.advance(10 * 60_000);
    }
  });

  test("a receiver answering 500 three times gets the fourth try; every attempt is listed with the first 1 KB", async () => {
    rx.plan.set("/flaky", [500, 500, 500]);
    const e = await createEndpoint("/flaky", ["job.succeeded"]);
    await t.request("POST", `${hooks(ada)}/${e.id}/test`, { token: ada.token });
    const hits = await rx.waitFor("/flaky", 4);
    expect(new Set(hits.map((h) => h.headers["webhook-id"])).size).toBe(1);
    for (const h of hits) expect(verified(e.secret, h).type).toBe("webhook.ping");
    let delivery: any;
    for (let i = 0; i < 100 && delivery?.status !== "succeeded"; i++) {
      delivery = (await t.request("GET", `${hooks(ada)}/${e.id}/deliveries`, { token: ada.token })).body.data[0];
      await Bun.sleep(20);
    }
    expect(delivery.status).toBe("succeeded");
    expect(delivery.attempts.map((a: { responseStatus: number }) => a.responseStatus)).toEqual([500, 500, 500, 200]);
    expect(delivery.attempts[0].responseBody).toHaveLength(1024);
    expect(delivery.attempts[0].responseBody).toStartWith("receiver trouble");
    expect(delivery.attempts[3]).toMatchObject({ succeeded: true, responseBody: "ok", error: null });
    const endpoint = (await t.request("GET", hooks(ada), { token: ada.token })).body.data.find((x: { id: string }) => x.id === e.id);
    expect(endpoint.failingSince).toBeNull();
  });

  test("a receiver slower than WEBHOOK_TIMEOUT_MS, or answering more than the size limit, fails the attempt", async () => {
    const slow = await createEndpoint("/slow", ["job.succeeded"]);
    const huge = await createEndpoint("/huge", ["job.succeeded"]);
    for (const e of [slow, huge]) await t.request("POST", `${hooks(ada)}/${e.id}/test`, { token: ada.token });
    const firstAttempt = async (id: string) => {
      for (let i = 0; i < 200; i++) {
        const d = (await t.request("GET", `${hooks(ada)}/${id}/deliveries`, { token: ada.token })).body.data[0];
        if (d?.attempts.length) return d.attempts[0];
        await Bun.sleep(25);
      }
      throw new Error("no attempt");
    };
    expect(await firstAttempt(slow.id)).toMatchObject({ succeeded: false, responseStatus: null, error: "No answer within 1000 ms." });
    const big = await firstAttempt(huge.id);
    expect(big).toMatchObject({ succeeded: false, responseStatus: 200 });
    expect(big.error).toContain("larger than");
    for (const e of [slow, huge]) await t.request("DELETE", `${hooks(ada)}/${e.id}`, { token: ada.token });
  });

  test("rotate-secret shows a new secret once; for 24 h both secrets sign, then only the new one", async () => {
    const e = await createEndpoint("/rotate", ["job.succeeded"]);
    const rotated = await t.request("POST", `${hooks(ada)}/${e.id}/rotate-secret`, { token: ada.token });
    expect(rotated.status).toBe(200);
    expect(rotated.headers.get("cache-control")).toBe("no-store");
    const fresh = rotated.body.data.secret as string;
    expect(fresh).not.toBe(e.secret);
    await t.request("POST", `${hooks(ada)}/${e.id}/test`, { token: ada.token });
    const [hit] = await rx.waitFor("/rotate");
    expect(hit!.headers["webhook-signature"]!.split(" ")).toHaveLength(2);
    expect(verified(fresh, hit!).type).toBe("webhook.ping");
    expect(verified(e.secret, hit!).type).toBe("webhook.ping");
    t.clock.advance(25 * 3_600_000);
    try {
      await t.request("POST", `${hooks(ada)}/${e.id}/test`, { token: await session(ada) });
      const [, later] = await rx.waitFor("/rotate", 2);
      const id = later!.headers["webhook-id"]!;
      const at = new Date(Number(later!.headers["webhook-timestamp"]) * 1000);
      expect(later!.headers["webhook-signature"]).toBe(new Webhook(fresh).sign(id, at, later!.body));
    } finally {
      t.clock.advance(-25 * 3_600_000);
    }
  });

  test("deliveries are cursor-paged, newest first; retry resends one with the same webhook-id", async () => {
    const e = await createEndpoint("/paged", ["job.succeeded"]);
    const queued: string[] = [];
    for (let i = 0; i < 3; i++) {
      queued.push((await t.request("POST", `${hooks(ada)}/${e.id}/test`, { token: ada.token })).body.data.id);
      await Bun.sleep(5); // distinct creation times, so "newest first" has one answer
    }
    await rx.waitFor("/paged", 3);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await t.request("GET", `${hooks(ada)}/${e.id}/deliveries?limit=2${cursor ? `&cursor=${cursor}` : ""}`, {
        token: ada.token,
      });
      expect(page.status).toBe(200);
      seen.push(...page.body.data.map((d: { id: string }) => d.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(3);
    expect(seen).toEqual([...queued].reverse());
    const retried = await t.request("POST", `${hooks(ada)}/${e.id}/deliveries/${seen[2]}/retry`, { token: ada.token });
    expect(retried.status).toBe(202);
    expect(retried.body.data).toMatchObject({ id: seen[2], status: "pending" });
    const hits = await rx.waitFor("/paged", 4);
    expect(hits[3]!.headers["webhook-id"]).toBe(seen[2]!);
    const bad = await t.request("GET", `${hooks(ada)}/${e.id}/deliveries?cursor=nope`, { token: ada.token });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("invalid_cursor");
    const missing = await t.request("POST", `${hooks(ada)}/${e.id}/deliveries/67e0a1b2c3d4e5f6a7b8c9d0/retry`, { token: ada.token });
    expect(missing.status).toBe(404);
  });
});

describe("events", () => {
  test("job.succeeded and job.failed reach subscribers and the job's own webhook.url, signed", async () => {
    const bob = await signUp(t, "bob");
    const e = await createEndpoint("/jobs", ["job.succeeded", "job.failed"], bob);
    const key = await createKey(t, bob);
    const submit = (url: string, webhook?: string) =>
      t.request("POST", `/projects/${bob.projectId}/jobs`, {
        token: key.key,
        body: { url, ...(webhook ? { webhook: { url: webhook } } : {}) },
      });
    const ok = await submit(`${rx.url}/page-ok`, `${rx.url}/own-hook`);
    expect(ok.status).toBe(202);
    expect(ok.body.data.webhook).toEqual({ url: `${rx.url}/own-hook` });
    const bad = await submit(`${rx.url}/always-500-target`);
    await waitForJob(t, key.key, bob.projectId, ok.body.data.id);
    await waitForJob(t, key.key, bob.projectId, bad.body.data.id);
    const events = (await rx.waitFor("/jobs", 2)).map((h) => verified(e.secret, h));
    const succeeded = events.find((x) => x.type === "job.succeeded")!;
    const failed = events.find((x) => x.type === "job.failed")!;
    expect(succeeded.data).toMatchObject({ id: ok.body.data.id, projectId: bob.projectId, status: "succeeded" });
    expect(failed.data).toMatchObject({ id: bad.body.data.id, status: "failed", error: { code: "target_error", statusCode: 500 } });
    // The job's own URL is signed with the project's (first) endpoint's secret.
    const [own] = await rx.waitFor("/own-hook");
    expect(verified(e.secret, own!)).toMatchObject({ type: "job.succeeded", data: { id: ok.body.data.id } });
  });

  test("a job's webhook.url is checked at submit: a bad one is a 400 naming the field", async () => {
    const strict = await createTestApp({ allowPrivateTargets: false });
    try {
      const cy = await signUp(strict, "cy");
      for (const url of ["http://10.0.0.7/hook", "gopher://example.com/"]) {
        const res = await strict.request("POST", `/projects/${cy.projectId}/jobs`, {
          token: cy.token,
          body: { url: "https://example.com/", webhook: { url } },
        });
        expect(res.status).toBe(400);
        expect(res.body.error.message).toContain("webhook.url");
      }
    } finally {
      await strict.close();
    }
  });

  test("api_key.revoked with reason revoked (DELETE) and member_removed (removal of its creator)", async () => {
    const owner = await signUp(t, "owner");
    const member = await signUp(t, "member");
    await addMember(t, owner, member, "member");
    const e = await createEndpoint("/keys", ["api_key.revoked"], owner);
    const own = await createKey(t, owner, owner.projectId, "owner-key");
    const theirs = await t.request("POST", `/private/projects/${owner.projectId}/api-keys`, {
      token: member.token,
      body: { name: "member-key" },
    });
    expect((await t.request("DELETE", `/private/projects/${owner.projectId}/api-keys/${own.id}`, { token: owner.token })).status).toBe(200);
    expect((await t.request("DELETE", `/private/organizations/${owner.orgId}/members/${member.id}`, { token: owner.token })).status).toBe(
      200,
    );
    const events = (await rx.waitFor("/keys", 2)).map((h) => verified(e.secret, h));
    expect(events.map((x) => [x.type, x.data.id, x.data.reason]).sort()).toEqual(
      [
        ["api_key.revoked", own.id, "revoked"],
        ["api_key.revoked", theirs.body.data.id, "member_removed"],
      ].sort(),
    );
    expect(events[0]!.data).toMatchObject({ projectId: owner.projectId, keyHint: expect.any(String), revokedAt: expect.any(String) });
  });

  test("credits.low fires once when a reservation takes the balance under the owners' threshold", async () => {
    const dee = await signUp(t, "dee");
    const e = await createEndpoint("/credits", ["credits.low"], dee);
    const credits = `/private/organizations/${dee.orgId}/credits`;
    const balance = (await t.request("GET", credits, { token: dee.token })).body.data.balance as number;
    const set = await t.request("PUT", `${credits}/low-threshold`, { token: dee.token, body: { threshold: balance - 1 } });
    expect(set.status).toBe(200);
    expect(set.body.data).toEqual({ threshold: balance - 1 });
    expect((await t.request("GET", credits, { token: dee.token })).body.data.lowThreshold).toBe(balance - 1);
    for (let i = 0; i < 3; i++) {
      const job = await t.request("POST", `/projects/${dee.projectId}/jobs`, { token: dee.token, body: { url: `${rx.url}/page-${i}` } });
      expect(job.status).toBe(202);
    }
    const [hit] = await rx.waitFor("/credits");
    expect(verified(e.secret, hit!)).toMatchObject({
      type: "credits.low",
      data: { organizationId: dee.orgId, balance: balance - 2, threshold: balance - 1 },
    });
    await Bun.sleep(300);
    expect(rx.received.filter((r) => r.path === "/credits")).toHaveLength(1);
  });

  test("only owners set the threshold; bad values are a 400", async () => {
    const owner = await signUp(t, "own2");
    const admin = await signUp(t, "adm2");
    await addMember(t, owner, admin, "admin");
    const path = `/private/organizations/${owner.orgId}/credits/low-threshold`;
    const refused = await t.request("PUT", path, { token: admin.token, body: { threshold: 5 } });
    expect(refused.status).toBe(403);
    for (const body of [{ threshold: 0 }, { threshold: "5" }, {}, { threshold: 1.5 }]) {
      const res = await t.request("PUT", path, { token: owner.token, body });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain("threshold");
    }
    expect((await t.request("PUT", path, { token: owner.token, body: { threshold: null } })).body.data).toEqual({ threshold: null });
  });
});

describe("failing endpoints", () => {
  test("an endpoint failing for WEBHOOK_DISABLE_AFTER_MS is disabled, and its later events wait", async () => {
    const e = await createEndpoint("/always-500-hook", ["job.succeeded"]);
    await t.request("POST", `${hooks(ada)}/${e.id}/test`, { token: ada.token });
    await rx.waitFor("/always-500-hook");
    let token = ada.token;
    const listed = async () => (await t.request("GET", hooks(ada), { token })).body.data.find((x: { id: string }) => x.id === e.id);
    for (let i = 0; i < 100 && !(await listed()).failingSince; i++) await Bun.sleep(20);
    expect((await listed()).failingSince).not.toBeNull();
    const sixDays = 6 * 24 * 3_600_000;
    t.clock.advance(sixDays);
    try {
      token = await session(ada);
      let endpoint = await listed();
      for (let i = 0; i < 200 && endpoint.enabled; i++) {
        await Bun.sleep(20);
        endpoint = await listed();
      }
      expect(endpoint).toMatchObject({ enabled: false, disabledReason: "failing" });
      expect(t.logs.some((l) => l.event === "webhook_endpoint_disabled" && l.webhookId === e.id)).toBe(true);
      const audit = await t.request("GET", `/private/organizations/${ada.orgId}/audit-log?action=webhook.disabled&targetId=${e.id}`, {
        token,
      });
      expect(audit.body.data).toHaveLength(1);
      expect(audit.body.data[0]).toMatchObject({ actor: { type: "system", id: null }, target: { type: "webhook", id: e.id } });
      const retry = await t.request("POST", `${hooks(ada)}/${e.id}/test`, { token });
      expect(retry.status).toBe(409);
    } finally {
      t.clock.advance(-sixDays);
    }
  });
});

describe("retry window", () => {
  test("a delivery failing until WEBHOOK_RETRY_HORIZON_MS is failed; a manual retry sends it once more", async () => {
    const short = await createTestApp({
      allowPrivateTargets: true,
      allowedTargetPorts: "any",
      webhookPollMs: 20,
      webhookRetryBaseMs: 100,
      webhookRetryHorizonMs: 1000,
    });
    short.deps.webhooks!.start();
    try {
      const gil = await signUp(short, "gil");
      const created = await short.request("POST", hooks(gil), {
        token: gil.token,
        body: { url: `${rx.url}/always-500-horizon`, events: ["job.failed"] },
      });
      const path = `${hooks(gil)}/${created.body.data.id}`;
      const queued = (await short.request("POST", `${path}/test`, { token: gil.token })).body.data.id;
      let delivery: any;
      for (let i = 0; i < 300 && delivery?.status !== "failed"; i++) {
        delivery = (await short.request("GET", `${path}/deliveries`, { token: gil.token })).body.data[0];
        await Bun.sleep(20);
      }
      expect(delivery).toMatchObject({ id: queued, status: "failed" });
      expect(delivery.attempts.length).toBeGreaterThanOrEqual(3);
      // The last attempt came at the horizon, not one doubling before it.
      expect(Date.parse(delivery.attempts.at(-1).attemptedAt) - Date.parse(delivery.createdAt)).toBeGreaterThanOrEqual(1000);
      const tries = delivery.attempts.length;
      const retried = await short.request("POST", `${path}/deliveries/${queued}/retry`, { token: gil.token });
      expect(retried.status).toBe(202);
      for (let i = 0; i < 300 && (delivery.status !== "failed" || delivery.attempts.length === tries); i++) {
        delivery = (await short.request("GET", `${path}/deliveries`, { token: gil.token })).body.data[0];
        await Bun.sleep(20);
      }
      expect(delivery.attempts).toHaveLength(tries + 1);
      expect(delivery.status).toBe("failed");
      // Finished deliveries are kept for WEBHOOK_RETENTION_MS (30 days), then the hourly housekeeping
      // deletes them with their attempts (the deliverer, stopped here, has no part in it).
      await short.deps.webhooks!.stop();
      const listed = async () => {
        const login = await short.request("POST", "/auth/login", { body: { email: gil.email, password: gil.password } });
        return (await short.request("GET", `${path}/deliveries`, { token: login.body.data.accessToken })).body.data;
      };
      short.clock.advance(29 * 24 * 3_600_000);
      await short.deps.housekeeping.runRetention();
      expect(await listed()).toHaveLength(1);
      short.clock.advance(2 * 24 * 3_600_000);
      await short.deps.housekeeping.runRetention();
      expect(await listed()).toEqual([]);
    } finally {
      await short.close();
    }
  });
});

describe("SSRF: the jobs' guard, at creation and again at every delivery", () => {
  test("private, loopback and metadata addresses are refused at creation", async () => {
    const strict = await createTestApp({ allowPrivateTargets: false, allowedTargetPorts: "any" });
    try {
      const eve = await signUp(strict, "eve");
      for (const url of [
        `${rx.url}/x`,
        "http://10.0.0.5/hook",
        "http://[::1]:8080/",
        "http://169.254.169.254/latest",
        "http://user:pw@example.com/",
      ]) {
        const res = await strict.request("POST", hooks(eve), { token: eve.token, body: { url, events: ["job.failed"] } });
        expect(res.status).toBe(400);
        expect(res.body.error.message).toStartWith("Field 'url':");
      }
    } finally {
      await strict.close();
    }
  });

  test("a host name is resolved and checked before each attempt: once it points inside, nothing is sent", async () => {
    const strict = await createTestApp({ allowPrivateTargets: false, allowedTargetPorts: "any", webhookRetryBaseMs: 50 });
    // receiver.test resolves to the receiver (standing in for a public address), until it does not.
    let answer = "127.0.0.1";
    const deliverer = new WebhookDeliverer(
      { ...strict.deps, config: { ...strict.deps.config, webhookPollMs: 20 } },
      { lookup: async () => [{ address: answer, family: 4 }], trusted: (address, port) => address === "127.0.0.1" && port === rx.port },
    );
    deliverer.start();
    try {
      const fay = await signUp(strict, "fay");
      const created = await strict.request("POST", hooks(fay), {
        token: fay.token,
        body: { url: `http://receiver.test:${rx.port}/rebind`, events: ["job.failed"] },
      });
      expect(created.status).toBe(201);
      const ping = () => strict.request("POST", `${hooks(fay)}/${created.body.data.id}/test`, { token: fay.token });
      await ping();
      await rx.waitFor("/rebind");
      answer = "10.1.2.3";
      const second = (await ping()).body.data.id;
      let attempt: any;
      for (let i = 0; i < 200 && !attempt; i++) {
        const list = await strict.request("GET", `${hooks(fay)}/${created.body.data.id}/deliveries`, { token: fay.token });
        attempt = list.body.data.find((d: { id: string }) => d.id === second)?.attempts[0];
        await Bun.sleep(20);
      }
      expect(attempt).toMatchObject({ succeeded: false, responseStatus: null });
      expect(attempt.error).toBe("receiver.test resolves to 10.1.2.3, which is in the private range; such targets are not fetched.");
      expect(rx.received.filter((r) => r.path === "/rebind")).toHaveLength(1);
    } finally {
      await deliverer.stop();
      await strict.close();
    }
  });
});
