import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { throwawayPostgres } from "./helpers/database";
import { type StartedServer, startServer } from "./helpers/server";

/**
 * `WEB_CONCURRENCY=2`: two server processes on one port (SO_REUSEPORT), started by one `npm start`.
 * Each process makes its request ids with a prefix of its own, which tells who answered.
 */
const adminUrl = process.env.TEST_DATABASE_URL;

/** One request on a connection of its own: the kernel picks the process per connection. */
async function fresh(server: StartedServer, path: string, init: RequestInit = {}) {
  const res = await fetch(`${server.baseUrl}${path}`, { ...init, headers: { ...init.headers, connection: "close" }, keepalive: false });
  const body = (await res.json()) as any;
  return { status: res.status, body, process: res.headers.get("x-request-id")!.slice(0, 14) };
}

test("WEB_CONCURRENCY=2 on the embedded database: started once, both processes serve it, SIGTERM stops it", async () => {
  const server = await startServer({ WEB_CONCURRENCY: "2", DATABASE_URL: "", WORKER: "off", LOG_REQUESTS: "false" });
  try {
    const json = (body: unknown) => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const email = `wc-embedded-${randomBytes(4).toString("hex")}@example.com`;
    expect((await fresh(server, "/auth/register", json({ email, password: "web-concurrency-pw", name: "WC" }))).status).toBe(201);
    const logins = await Promise.all(
      Array.from({ length: 30 }, () => fresh(server, "/auth/login", json({ email, password: "web-concurrency-pw" }))),
    );
    expect(logins.every((l) => l.status === 200 || l.status === 429)).toBe(true);
    const answers = await Promise.all(Array.from({ length: 60 }, () => fresh(server, "/health")));
    expect(new Set(answers.map((a) => a.process)).size).toBe(2);
  } finally {
    await server.stop();
  }
  // No PostgreSQL of that data directory is left running.
  expect(Bun.spawnSync(["pgrep", "-f", join(server.dataDir, "postgres")]).exitCode).toBe(1);
}, 90_000);

test("WEB_CONCURRENCY=many is refused, naming the accepted values", async () => {
  await expect(startServer({ WEB_CONCURRENCY: "many", DATABASE_URL: "" })).rejects.toThrow(
    /WEB_CONCURRENCY must be .{0,4}auto.{0,4} \(one process per core\)/,
  );
});

describe.skipIf(!adminUrl)("WEB_CONCURRENCY=2 on PostgreSQL", () => {
  let throwaway: Awaited<ReturnType<typeof throwawayPostgres>>;
  let server: StartedServer;
  let token: string;
  let projectId: string;
  const auth = (bearer: string) => ({ authorization: `Bearer ${bearer}`, "content-type": "application/json" });

  beforeAll(async () => {
    throwaway = await throwawayPostgres(adminUrl!);
    server = await startServer({
      DATABASE_URL: throwaway.url,
      WEB_CONCURRENCY: "2",
      WORKER: "off",
      LOG_REQUESTS: "false",
      RATE_LIMIT_KEY_BURST: "5",
      RATE_LIMIT_KEY_PER_SECOND: "1",
    });
    const email = `wc-${randomBytes(4).toString("hex")}@example.com`;
    const json = (body: unknown) => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    await fresh(server, "/auth/register", json({ email, password: "web-concurrency-pw", name: "WC" }));
    token = (await fresh(server, "/auth/login", json({ email, password: "web-concurrency-pw" }))).body.data.accessToken;
    projectId = (await fresh(server, "/private/projects", { headers: auth(token) })).body.data[0].id;
  }, 90_000);

  afterAll(async () => {
    await server?.stop();
    await throwaway?.drop();
  });

  test("two processes serve the one port", async () => {
    const answers = await Promise.all(Array.from({ length: 60 }, () => fresh(server, "/health")));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(new Set(answers.map((a) => a.process)).size).toBe(2);
    expect(server.output.filter((line) => line.includes('"event":"listening"')).length).toBe(2);
  }, 60_000);

  test("a key revoked through one process is refused by both once the revoke has answered", async () => {
    const created = await fresh(server, `/private/projects/${projectId}/api-keys`, {
      method: "POST",
      headers: auth(token),
      body: JSON.stringify({ name: "shared" }),
    });
    const key = created.body.data.key as string;
    const before = await Promise.all(Array.from({ length: 40 }, () => fresh(server, `/projects/${projectId}`, { headers: auth(key) })));
    expect(before.every((a) => a.status === 200)).toBe(true);
    expect(new Set(before.map((a) => a.process)).size).toBe(2);
    const revoked = await fresh(server, `/private/projects/${projectId}/api-keys/${created.body.data.id}`, {
      method: "DELETE",
      headers: auth(token),
    });
    expect(revoked.status).toBe(200);
    const after = await Promise.all(Array.from({ length: 40 }, () => fresh(server, `/projects/${projectId}`, { headers: auth(key) })));
    expect(after.map((a) => a.status)).toEqual(Array(40).fill(401));
    expect(new Set(after.map((a) => a.process)).size).toBe(2);
  }, 60_000);

  test("the rate limit is one limit across both processes", async () => {
    const key = (
      await fresh(server, `/private/projects/${projectId}/api-keys`, {
        method: "POST",
        headers: auth(token),
        body: JSON.stringify({ name: "limited" }),
      })
    ).body.data.key as string;
    // A burst of 5 and 1 more per second: 30 submits at once, spread over both processes, cannot all get in.
    const answers = await Promise.all(
      Array.from({ length: 30 }, () =>
        fresh(server, `/projects/${projectId}/jobs`, {
          method: "POST",
          headers: auth(key),
          body: JSON.stringify({ url: "https://example.com/" }),
        }),
      ),
    );
    expect(new Set(answers.map((a) => a.process)).size).toBe(2);
    expect(answers.filter((a) => a.status === 429).length).toBeGreaterThan(0);
    expect(answers.every((a) => a.status === 202 || a.status === 429)).toBe(true);
  }, 60_000);

  test("SIGTERM stops both processes and the first one exits 0", async () => {
    server.proc.kill("SIGTERM");
    expect(await server.exited).toBe(0);
  }, 60_000);
});
