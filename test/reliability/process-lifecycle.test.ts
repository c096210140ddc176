import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startServer } from "../helpers/server";
import { ADMIN_URL, call, createKeyVia, seedUser, type ThrowawayDatabase, throwawayDatabase } from "./processes";

/** The server as a process: killed outright, and stopped politely. Real PostgreSQL only. */
let db: ThrowawayDatabase;

beforeAll(async () => {
  if (ADMIN_URL) db = await throwawayDatabase();
}, 60_000);
afterAll(() => db?.drop(), 30_000);

describe("crash", () => {
  test.skipIf(!ADMIN_URL)(
    "after SIGKILL mid-load and a restart, every key whose creation was acknowledged works",
    async () => {
      const first = await startServer({ DATABASE_URL: db.url, LOG_REQUESTS: "false" });
      const user = await seedUser(first.baseUrl, "crash");
      const acknowledged: string[] = [];
      let stop = false;
      const creator = async () => {
        for (let i = 0; !stop; i++) {
          const res = await call(first.baseUrl, "POST", `/private/projects/${user.projectId}/api-keys`, {
            token: user.token,
            body: { name: `k${i}` },
            timeoutMs: 5000,
          });
          if (res.status === 201) acknowledged.push(res.body.data.key);
          if (res.status === 409) break; // the project's key limit: enough keys
        }
      };
      const load = Promise.all([creator(), creator(), creator()]);
      while (acknowledged.length < 20) await Bun.sleep(10);
      first.proc.kill("SIGKILL");
      stop = true;
      await load;
      expect(await first.exited).not.toBe(0);
      await first.stop();

      const second = await startServer({ DATABASE_URL: db.url, LOG_REQUESTS: "false" });
      try {
        const statuses = await Promise.all(
          acknowledged.map(async (key) => (await call(second.baseUrl, "GET", `/projects/${user.projectId}`, { token: key })).status),
        );
        expect(statuses.filter((s) => s !== 200)).toEqual([]);
        expect(statuses.length).toBeGreaterThanOrEqual(20);
      } finally {
        await second.stop();
      }
    },
    60_000,
  );
});

describe("SIGTERM", () => {
  test.skipIf(!ADMIN_URL)(
    "in-flight requests finish, new ones are refused, coalesced lastUsedAt writes are flushed, exit 0",
    async () => {
      // The longest flush interval, so the key's use is still pending when the signal arrives.
      const server = await startServer({ DATABASE_URL: db.url, KEY_USAGE_FLUSH_MS: "5000", LOG_REQUESTS: "false" });
      const user = await seedUser(server.baseUrl, "sigterm");
      const key = await createKeyVia(server.baseUrl, user);
      expect((await call(server.baseUrl, "GET", `/projects/${user.projectId}`, { token: key.key })).status).toBe(200);

      // Logins are slow on purpose (argon2id): several of them are surely in flight at the signal.
      const inFlight = Array.from({ length: 6 }, () =>
        call(server.baseUrl, "POST", "/auth/login", { body: { email: user.email, password: user.password } }),
      );
      await Bun.sleep(50);
      server.proc.kill("SIGTERM");
      await Bun.sleep(20);
      const late = await call(server.baseUrl, "GET", "/health", { timeoutMs: 2000 });

      expect((await Promise.all(inFlight)).map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
      expect(late.status).toBe(0);
      expect(await server.exited).toBe(0);
      await server.stop();
      const [row] = await db.sql`select last_used_at from api_keys where id = ${key.id}`;
      expect(row!.last_used_at).not.toBeNull();
    },
    60_000,
  );
});
