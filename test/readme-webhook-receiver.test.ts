import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Webhook } from "standardwebhooks";
import { signUp } from "./helpers/factories";
import { createTestApp, type TestApp } from "./helpers/harness";
import { startReceiver } from "./helpers/webhook-receiver";

/** README's receiver snippet, run as written, verifies real deliveries and refuses forged or replayed ones. */
const readme = readFileSync(join(import.meta.dir, "../README.md"), "utf8");
const snippet = /```ts\n(\/\/ receiver\.ts[\s\S]*?)```/.exec(readme.slice(readme.indexOf("### Verifying signatures")))![1]!;
const dir = mkdtempSync(join(tmpdir(), "azs-receiver-"));

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ allowPrivateTargets: true, allowedTargetPorts: "any", webhookPollMs: 20 });
  t.deps.webhooks!.start();
}, 60_000);
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

test("the README receiver accepts a signed delivery and refuses a forged or replayed one", async () => {
  const probe = startReceiver();
  const port = probe.port;
  probe.stop();
  const ada = await signUp(t, "ada");
  const hooks = `/private/projects/${ada.projectId}/webhooks`;
  const created = await t.request("POST", hooks, { token: ada.token, body: { url: `http://127.0.0.1:${port}/`, events: ["job.failed"] } });
  const secret = created.body.data.secret as string;
  writeFileSync(join(dir, "receiver.ts"), snippet);
  const proc = Bun.spawn([process.execPath, join(dir, "receiver.ts")], {
    env: { ...process.env, WEBHOOK_SECRET: secret, PORT: String(port) },
    stdout: "pipe",
    stderr: "pipe",
  });
  try {
    const base = `http://127.0.0.1:${port}/`;
    for (let i = 0; i < 200; i++) {
      if (
        await fetch(base, { method: "POST", body: "{}" }).then(
          () => true,
          () => false,
        )
      )
        break;
      await Bun.sleep(25);
    }
    const queued = await t.request("POST", `${hooks}/${created.body.data.id}/test`, { token: ada.token });
    let delivery: any;
    for (let i = 0; i < 300 && delivery?.status !== "succeeded"; i++) {
      delivery = (await t.request("GET", `${hooks}/${created.body.data.id}/deliveries`, { token: ada.token })).body.data[0];
      await Bun.sleep(20);
    }
    expect(delivery).toMatchObject({ id: queued.body.data.id, status: "succeeded" });

    const body = JSON.stringify({ type: "job.failed", timestamp: new Date().toISOString(), data: {} });
    const signed = (at: Date, s = secret) => ({
      "webhook-id": "msg_1",
      "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
      "webhook-signature": new Webhook(s).sign("msg_1", at, body),
    });
    const post = (headers: Record<string, string>, sent = body) =>
      fetch(base, { method: "POST", headers, body: sent }).then((r) => r.status);
    expect(await post(signed(new Date()))).toBe(200);
    expect(await post(signed(new Date()), body.replace("job.failed", "job.succeeded"))).toBe(400);
    expect(await post(signed(new Date(), "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))).toBe(400);
    expect(await post(signed(new Date(Date.now() - 10 * 60_000)))).toBe(400);
    expect(await post({})).toBe(400);
  } finally {
    proc.kill();
    await proc.exited;
  }
  const out = await new Response(proc.stdout).text();
  expect(out).toContain("webhook.ping");
});
