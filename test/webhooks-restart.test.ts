import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Webhook } from "standardwebhooks";
import { throwawayPostgres } from "./helpers/database";
import { startServer } from "./helpers/server";
import { startReceiver } from "./helpers/webhook-receiver";

/**
 * At least once, never lost on a restart: a delivery whose receiver is down when the server stops
 * is sent by the next server process on the same database, with the same id and a valid signature.
 */
const dataDir = mkdtempSync(join(tmpdir(), "azs-webhooks-restart-"));
const throwaway = process.env.TEST_DATABASE_URL ? await throwawayPostgres(process.env.TEST_DATABASE_URL) : undefined;
afterAll(async () => {
  await throwaway?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

const env = {
  // Both processes on one database: a throwaway one on TEST_DATABASE_URL, else the embedded
  // database in one DATA_DIR (an empty DATABASE_URL asks for the embedded one, as `npm start` does).
  ...(throwaway ? { DATABASE_URL: throwaway.url } : { DATABASE_URL: "", DATA_DIR: dataDir }),
  ALLOW_PRIVATE_TARGETS: "true",
  ALLOWED_TARGET_PORTS: "*",
  WEBHOOK_POLL_MS: "50",
  WEBHOOK_RETRY_BASE_MS: "300",
  LOG_REQUESTS: "false",
};

async function call(base: string, method: string, path: string, token?: string, body?: unknown) {
  const res = await fetch(base + path, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

test("a delivery pending when the server stops is delivered after the restart", async () => {
  // A port nobody listens on yet: the receiver is "down" until the server has stopped.
  const probe = startReceiver();
  const port = probe.port;
  probe.stop();

  const first = await startServer(env);
  let secret: string;
  let webhookId: string;
  let deliveryId: string;
  try {
    const b = first.baseUrl;
    await call(b, "POST", "/auth/register", undefined, { email: "restart@example.com", password: "pw-restart-123", name: "R" });
    const token = (await call(b, "POST", "/auth/login", undefined, { email: "restart@example.com", password: "pw-restart-123" })).body.data
      .accessToken;
    const projectId = (await call(b, "GET", "/private/projects", token)).body.data[0].id;
    const hooks = `/private/projects/${projectId}/webhooks`;
    const created = await call(b, "POST", hooks, token, { url: `http://127.0.0.1:${port}/restart`, events: ["job.succeeded"] });
    expect(created.status).toBe(201);
    ({ id: webhookId, secret } = created.body.data);
    deliveryId = (await call(b, "POST", `${hooks}/${webhookId}/test`, token)).body.data.id;
    // Wait for a failed attempt and the delivery back to pending, waiting for its retry (the list
    // reads the delivery and its attempts in two statements, so one can show the attempt first).
    let delivery: any;
    for (let i = 0; i < 300 && !(delivery?.attempts.length && delivery.status === "pending"); i++) {
      delivery = (await call(b, "GET", `${hooks}/${webhookId}/deliveries`, token)).body.data[0];
      await Bun.sleep(20);
    }
    expect(delivery).toMatchObject({ id: deliveryId, status: "pending" });
    expect(delivery.attempts[0].error).toContain("ECONNREFUSED");
  } finally {
    await first.stop();
  }

  const receiver = startReceiver(port);
  const second = await startServer(env);
  try {
    const [hit] = await receiver.waitFor("/restart", 1, 30_000);
    expect(hit!.headers["webhook-id"]).toBe(deliveryId);
    const event = new Webhook(secret).verify(hit!.body, {
      "webhook-id": hit!.headers["webhook-id"]!,
      "webhook-timestamp": hit!.headers["webhook-timestamp"]!,
      "webhook-signature": hit!.headers["webhook-signature"]!,
    }) as { type: string; data: { webhookId: string } };
    expect(event).toMatchObject({ type: "webhook.ping", data: { webhookId } });
  } finally {
    await second.stop();
    receiver.stop();
  }
}, 120_000);
