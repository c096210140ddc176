import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { generateApiKey, hashApiKey } from "../../src/auth/api-key-format";
import { eventually } from "../helpers/eventually";
import { type StartedServer, startServer } from "../helpers/server";
import { ADMIN_URL, call, createKeyVia, type Seeded, seedUser, type ThrowawayDatabase, throwawayDatabase } from "./processes";

/**
 * Issue 11 across two server processes on one PostgreSQL: a leak report through A ends the key on
 * B before the report's answer arrives, and the usage both processes count adds up exactly.
 */
let db: ThrowawayDatabase;
let a: StartedServer;
let b: StartedServer;
let owner: Seeded;

beforeAll(async () => {
  if (!ADMIN_URL) return;
  db = await throwawayDatabase();
  // A long cache life: only the invalidation, never an entry's age, can end a cached key here.
  const env = { DATABASE_URL: db.url, AUTH_CACHE_TTL_MS: "60000", KEY_USAGE_FLUSH_MS: "200", RATE_LIMIT_KEY_BURST: "100000" };
  a = await startServer(env);
  b = await startServer(env);
  owner = await seedUser(a.baseUrl, "owner");
}, 120_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await db?.drop();
}, 30_000);

const use = async (base: string, key: string) => (await call(base, "GET", `/projects/${owner.projectId}`, { token: key })).status;
const leak = (token: string) =>
  call(a.baseUrl, "POST", "/leaked-keys", {
    body: [{ token, type: "azscraper_api_key", url: "https://example.com/leak", source: "content" }],
  });

describe.skipIf(!ADMIN_URL)("two server processes", () => {
  test("a leak report through A ends the key on B by the time it answers; known and unknown keys get the same answer shape", async () => {
    const trials = 20;
    let afterAnswer = 0;
    for (let i = 0; i < trials; i++) {
      const { key } = await createKeyVia(a.baseUrl, owner, `leak-${i}`);
      // Both processes have the key in their cache.
      expect([await use(a.baseUrl, key), await use(b.baseUrl, key)]).toEqual([200, 200]);
      const answer = await leak(key);
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual([{ token_hash: hashApiKey(key), token_type: "azscraper_api_key", label: "true_positive" }]);
      if ((await use(b.baseUrl, key)) !== 401) afterAnswer++;
      if ((await use(a.baseUrl, key)) !== 401) afterAnswer++;
    }
    expect(afterAnswer).toBe(0);
    const unknown = generateApiKey();
    const answer = await leak(unknown);
    expect(answer.body).toEqual([{ token_hash: hashApiKey(unknown), token_type: "azscraper_api_key", label: "false_positive" }]);
  }, 120_000);

  test("requests with one key on both processes are counted exactly once each", async () => {
    const { id, key } = await createKeyVia(a.baseUrl, owner, "busy");
    const perProcess = { a: 150, b: 250 };
    const burst = (base: string, n: number) => Promise.all(Array.from({ length: n }, () => use(base, key)));
    const statuses = (await Promise.all([burst(a.baseUrl, perProcess.a), burst(b.baseUrl, perProcess.b)])).flat();
    expect(statuses.every((s) => s === 200)).toBe(true);
    const expected = perProcess.a + perProcess.b;
    // Both flush every 200 ms: wait until the sum has landed.
    await eventually(
      `the usage total to reach ${expected}`,
      async () => {
        const usage = await call(a.baseUrl, "GET", `/private/projects/${owner.projectId}/api-keys/${id}/usage`, { token: owner.token });
        expect(usage.body.data.totals.requests.total).toBeGreaterThanOrEqual(expected);
      },
      { everyMs: 100 },
    );
    await Bun.sleep(500); // one more flush round on each: nothing more may arrive
    const final = await call(a.baseUrl, "GET", `/private/projects/${owner.projectId}/api-keys/${id}/usage`, { token: owner.token });
    expect(final.body.data.totals.requests).toEqual({ total: expected, ok: expected, clientError: 0, rateLimited: 0, paymentRequired: 0 });
  }, 60_000);
});
