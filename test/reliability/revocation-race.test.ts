import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { listenerAppName } from "../../src/auth/invalidation";
import { type StartedServer, startServer } from "../helpers/server";
import { ADMIN_URL, call, createKeyVia, seedUser, throwawayDatabase, type Seeded, type ThrowawayDatabase } from "./processes";

/**
 * Two server processes on one PostgreSQL, each with a warm key cache. A key is revoked through one
 * of them while requests with that key hit both.
 */
const SAFETY_TTL_MS = 5000;
let db: ThrowawayDatabase;
let a: StartedServer;
let b: StartedServer;
let user: Seeded;

beforeAll(async () => {
  if (!ADMIN_URL) return;
  db = await throwawayDatabase();
  const env = { DATABASE_URL: db.url, AUTH_CACHE_TTL_MS: String(SAFETY_TTL_MS), LOG_REQUESTS: "false" };
  a = await startServer(env);
  b = await startServer(env);
  user = await seedUser(a.baseUrl);
}, 60_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await db?.drop();
}, 30_000);

type Shot = { server: "a" | "b"; sentAt: number; status: number };

/**
 * Sends requests with the key to both servers from 8 concurrent loops; revokes through A once
 * `revokeAfter` requests are done; keeps going until `total` requests and `runOnMs` past the revoke.
 */
async function raceRevoke(key: { id: string; key: string }, opts: { total: number; revokeAfter: number; runOnMs: number }) {
  const shots: Shot[] = [];
  let revokedAt = Infinity;
  let revoking: Promise<void> | undefined;
  const path = `/projects/${user.projectId}`;
  const loop = async (server: "a" | "b") => {
    const base = server === "a" ? a.baseUrl : b.baseUrl;
    while (shots.length < opts.total || performance.now() < revokedAt + opts.runOnMs) {
      if (shots.length >= opts.revokeAfter && !revoking) {
        revoking = call(a.baseUrl, "DELETE", `/private/projects/${user.projectId}/api-keys/${key.id}`, { token: user.token }).then((res) => {
          expect(res.status).toBe(200);
          revokedAt = performance.now();
        });
      }
      const sentAt = performance.now();
      const res = await call(base, "GET", path, { token: key.key, timeoutMs: 5000 });
      shots.push({ server, sentAt, status: res.status });
    }
  };
  await Promise.all(["a", "b", "a", "b", "a", "b", "a", "b"].map((s) => loop(s as "a" | "b")));
  await revoking;
  return { shots, revokedAt };
}

async function warm(key: string) {
  for (const server of [a, b]) expect((await call(server.baseUrl, "GET", `/projects/${user.projectId}`, { token: key })).status).toBe(200);
}

describe("revocation race across two server processes", () => {
  test.skipIf(!ADMIN_URL)("after the DELETE answers, the revoking process refuses at once and the other within 100 ms", async () => {
    const key = await createKeyVia(a.baseUrl, user);
    await warm(key.key);
    const { shots, revokedAt } = await raceRevoke(key, { total: 1000, revokeAfter: 300, runOnMs: 300 });

    expect(shots.every((s) => s.status === 200 || s.status === 401), "only 200 or 401").toBe(true);
    expect(shots.filter((s) => s.sentAt < revokedAt && s.status === 200).length).toBeGreaterThan(0);
    const laterOnA = shots.filter((s) => s.server === "a" && s.sentAt > revokedAt);
    const laterOnB = shots.filter((s) => s.server === "b" && s.sentAt > revokedAt + 100);
    expect(laterOnA.length).toBeGreaterThan(0);
    expect(laterOnB.length).toBeGreaterThan(0);
    expect(laterOnA.filter((s) => s.status === 200)).toEqual([]);
    expect(laterOnB.filter((s) => s.status === 200)).toEqual([]);
  }, 30_000);

  test.skipIf(!ADMIN_URL)("with the other process's listener connection killed first, it still refuses within the safety TTL", async () => {
    const key = await createKeyVia(a.baseUrl, user, "listener-killed");
    await warm(key.key);
    const killed = await db.admin`
      select pg_terminate_backend(pid) as done from pg_stat_activity where application_name = ${listenerAppName(b.proc.pid)}`;
    expect(killed.length).toBe(1);
    const { shots, revokedAt } = await raceRevoke(key, { total: 1000, revokeAfter: 100, runOnMs: SAFETY_TTL_MS + 200 });

    expect(shots.every((s) => s.status === 200 || s.status === 401), "only 200 or 401").toBe(true);
    const afterTtlOnB = shots.filter((s) => s.server === "b" && s.sentAt > revokedAt + SAFETY_TTL_MS);
    expect(afterTtlOnB.length).toBeGreaterThan(0);
    expect(afterTtlOnB.filter((s) => s.status === 200)).toEqual([]);
    expect(shots.filter((s) => s.server === "a" && s.sentAt > revokedAt && s.status === 200)).toEqual([]);
    expect(b.output.some((line) => line.includes('"event":"auth_listener_lost"'))).toBe(true);
  }, 30_000);

  test.skipIf(!ADMIN_URL)("neither process logged a full key", () => {
    const logs = [...a.output, ...b.output].join("\n");
    expect(logs).not.toMatch(/azs_[0-9A-Za-z]{42}/);
  });
});
