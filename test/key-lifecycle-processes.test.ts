import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { throwawayPostgres } from "./helpers/database";
import { type StartedServer, startServer } from "./helpers/server";

/**
 * Two server processes on one PostgreSQL (run only when TEST_DATABASE_URL is set): a change made
 * through one is honoured by the other on the very next request, though the other had the key
 * in its cache. The caches stay on (the default), so a stale entry would show.
 */
const adminUrl = process.env.TEST_DATABASE_URL;

let throwaway: Awaited<ReturnType<typeof throwawayPostgres>>;
let a: StartedServer;
let b: StartedServer;
let token: string;
let projectId: string;

async function call(server: StartedServer, method: string, path: string, bearer: string, body?: unknown) {
  const res = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

async function newKey(body: Record<string, unknown> = {}) {
  const res = await call(a, "POST", `/private/projects/${projectId}/api-keys`, token, { name: "k", ...body });
  expect(res.status).toBe(201);
  return res.body.data as { id: string; key: string };
}

/** Uses the key on process B until it is cached there (the first use fills the cache). */
async function warm(key: string) {
  for (let i = 0; i < 2; i++) expect((await call(b, "GET", `/projects/${projectId}`, key)).status).toBe(200);
}

describe.skipIf(!adminUrl)("key lifecycle across two processes", () => {
  beforeAll(async () => {
    throwaway = await throwawayPostgres(adminUrl!);
    const env = { DATABASE_URL: throwaway.url, WORKER: "off", LOG_REQUESTS: "false", AUTH_CACHE_LEASE_MS: "3000" };
    [a, b] = await Promise.all([startServer(env), startServer(env)]);
    const email = `lc-${randomBytes(4).toString("hex")}@example.com`;
    await call(a, "POST", "/auth/register", "", { email, password: "lifecycle-pw", name: "LC" });
    token = (await call(a, "POST", "/auth/login", "", { email, password: "lifecycle-pw" })).body.data.accessToken;
    projectId = (await call(a, "GET", "/private/projects", token)).body.data[0].id;
  }, 60_000);

  afterAll(async () => {
    await Promise.all([a, b].filter(Boolean).map((s) => s.stop()));
    await throwaway?.drop();
  });

  test("a PATCH narrowing scopes on one process is honoured by the other at once", async () => {
    const { key, id } = await newKey();
    await warm(key);
    const patched = await call(a, "PATCH", `/private/projects/${projectId}/api-keys/${id}`, token, { scopes: ["jobs:read"] });
    expect(patched.status).toBe(200);
    const refused = await call(b, "GET", `/projects/${projectId}`, key);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe("insufficient_scope");
    expect((await call(b, "GET", `/projects/${projectId}/jobs`, key)).status).toBe(200);
  }, 30_000);

  test("a roll with grace 0 on one process ends the old key on the other at once", async () => {
    const { key, id } = await newKey();
    await warm(key);
    const rolled = await call(a, "POST", `/private/projects/${projectId}/api-keys/${id}/roll`, token, { gracePeriodSeconds: 0 });
    expect(rolled.status).toBe(201);
    expect((await call(b, "GET", `/projects/${projectId}`, key)).status).toBe(401);
    expect((await call(b, "GET", `/projects/${projectId}`, rolled.body.data.key)).status).toBe(200);
  }, 30_000);

  test("an expiry is honoured by a process that has the key cached, with no change to announce", async () => {
    const expiresAt = new Date(Date.now() + 2500).toISOString();
    const { key } = await newKey({ expiresAt });
    const before = await fetch(`${b.baseUrl}/projects/${projectId}`, { headers: { authorization: `Bearer ${key}` } });
    expect(before.status).toBe(200);
    expect(before.headers.get("api-key-expires-at")).toBe(expiresAt);
    expect(before.headers.get("api-key-expiry-warning")).toContain("expires in less than a minute");
    await Bun.sleep(Math.max(0, new Date(expiresAt).getTime() - Date.now()) + 50);
    for (const server of [b, a]) {
      const after = await call(server, "GET", `/projects/${projectId}`, key);
      expect(after.status).toBe(401);
      expect(after.body.error.code).toBe("api_key_expired");
    }
  }, 30_000);
});
